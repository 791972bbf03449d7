"""The not-understood queue: messages Leling answered as out of scope or asked back about,
kept (masked, without who sent them) so an operator can teach Leling what they meant.

- `record` stores a message with phone, ID and bank card numbers, e-mail and door addresses
  masked (store/masking.py), its language, the NLU's guess and confidence. No user id.
- `groups` puts similar messages together (character n-gram TF-IDF, cosine similarity) with
  counts, most frequent first.
- `assign(group, intent | None)` appends the group's texts to the reviewed training data waiting
  for `leling nlu train` (`<data>/reviewed_<lang>.yml`, nlu/review.py), out of scope when the
  intent is None; the next gated training takes them in only when the held-out gates pass.
- `purge_older(days)` is the retention: 30 days by default (LELING_RETAIN_NOT_UNDERSTOOD_DAYS),
  applied by `leling maintenance prune` and the service every night.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import sqlite_utils

from store import audit
from store.events import stamp
from store.masking import TOKENS, mask

DEFAULT_DAYS = 30
MAX_TEXT = 300  # characters kept of one message
SIMILAR = 0.4  # cosine similarity at or above which two messages share a group
GROUP_WINDOW = 3000  # the newest unassigned messages that are grouped
OUT_OF_SCOPE = "out_of_scope"

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """The form messages are compared in: NFKC, lower case, no spaces or punctuation, each mask
    token as one character."""
    out = unicodedata.normalize("NFKC", text).lower()
    for i, token in enumerate(TOKENS):
        out = out.replace(token.lower(), chr(0x2460 + i))  # ①②③…: one "character" per token
    return _PUNCT.sub("", out)


def record(
    db: sqlite_utils.Database,
    text: str,
    lang: str,
    intent: str | None,
    confidence: float | None,
    at: datetime | None = None,
) -> int | None:
    """Store one message, masked; returns its id (None for an empty message)."""
    masked = mask(text)[:MAX_TEXT].strip()
    norm = normalise(masked)
    if not norm:
        return None
    conn = db.conn
    outer = conn.in_transaction
    cur = conn.execute(
        "INSERT INTO not_understood (at, lang, text, norm, intent, confidence) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [stamp(at), lang or "zh", masked, norm, intent, confidence],
    )
    if not outer:
        conn.commit()
    return cur.lastrowid


def _key(norm: str) -> str:
    return "g" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:12]


def _unassigned(db: sqlite_utils.Database, lang: str | None) -> list[dict]:
    where, args = "assigned IS NULL", []
    if lang:
        where += " AND lang = ?"
        args.append(lang)
    cur = db.conn.execute(
        "SELECT id, at, lang, text, norm, intent, confidence FROM not_understood "
        f"WHERE {where} ORDER BY id DESC LIMIT {GROUP_WINDOW}",
        args,
    )
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    rows.reverse()  # oldest first: a group's key is its first message's
    return rows


def _clusters(norms: list[str]) -> list[int]:
    """For each distinct normalised text, the index of the text that leads its group (greedy,
    in order: a text joins the first earlier leader it is similar enough to)."""
    if len(norms) < 2:
        return list(range(len(norms)))
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit_transform(
        norms
    )
    sims = (vectors @ vectors.T).tocsr()
    leader_of = [-1] * len(norms)
    leaders: list[int] = []
    for i in range(len(norms)):
        row = sims.getrow(i)
        best, best_sim = -1, SIMILAR
        scores = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        for lead in leaders:
            s = scores.get(lead, 0.0)
            if s >= best_sim:
                best, best_sim = lead, s
        if best < 0:
            leaders.append(i)
            best = i
        leader_of[i] = best
    return leader_of


def _grouped(db: sqlite_utils.Database, lang: str | None = None) -> list[dict]:
    rows = _unassigned(db, lang)
    by_norm: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        by_norm.setdefault((r["lang"], r["norm"]), []).append(r)
    out = []
    for language in sorted({k[0] for k in by_norm}):
        keys = [k for k in by_norm if k[0] == language]
        leader_of = _clusters([k[1] for k in keys])
        members: dict[int, list[dict]] = {}
        for i, lead in enumerate(leader_of):
            members.setdefault(lead, []).extend(by_norm[keys[i]])
        for lead, group in members.items():
            texts = Counter(r["text"] for r in group)
            guesses = Counter(r["intent"] for r in group if r["intent"])
            confidences = [r["confidence"] for r in group if r["confidence"] is not None]
            out.append(
                {
                    "key": _key(keys[lead][1]),
                    "example": by_norm[keys[lead]][0]["text"],
                    "count": len(group),
                    "lang": language,
                    "examples": [t for t, _ in texts.most_common(5)],
                    "intent": guesses.most_common(1)[0][0] if guesses else None,
                    "confidence": round(sum(confidences) / len(confidences), 3)
                    if confidences
                    else None,
                    "first_at": min(r["at"] for r in group),
                    "last_at": max(r["at"] for r in group),
                    "ids": sorted(r["id"] for r in group),
                }
            )
    out.sort(key=lambda g: g["last_at"], reverse=True)
    out.sort(key=lambda g: g["count"], reverse=True)  # biggest first, then the most recent
    return out


def groups(db: sqlite_utils.Database, limit: int = 50, lang: str | None = None) -> list[dict]:
    """Unassigned messages grouped by similarity, biggest group first: each
    {"key", "example", "count", "lang", "examples" (up to 5 distinct texts), "intent" (the NLU's
    most frequent guess), "confidence" (mean), "first_at", "last_at", "ids"}."""
    return _grouped(db, lang)[: max(0, int(limit))]


def assign(
    db: sqlite_utils.Database,
    group_key: str,
    intent: str | None,
    by: str,
    data_dir: Path | None = None,
    now: datetime | None = None,
) -> dict:
    """Teach Leling a group: its texts become reviewed examples of `intent` (None: out of scope)
    for the next `leling nlu train`; its messages leave the queue. Returns {"intent", "lang",
    "count" (messages), "added" (new examples), "file"}. Raises KeyError for an unknown group
    and ValueError for an intent the NLU does not know."""
    from nlu import review

    target = intent or OUT_OF_SCOPE
    review.check_intent(target)
    group = next((g for g in _grouped(db) if g["key"] == group_key), None)
    if group is None:
        raise KeyError(group_key)
    texts = list(dict.fromkeys(r[0] for r in _texts(db, group["ids"])))
    path, added = review.add_examples(group["lang"], target, texts, data_dir)
    marks = ",".join("?" * len(group["ids"]))
    with db.conn:
        db.conn.execute(
            f"UPDATE not_understood SET assigned = ?, assigned_by = ?, assigned_at = ? "
            f"WHERE id IN ({marks}) AND assigned IS NULL",
            [target, audit.pseudonym(db, by), stamp(now), *group["ids"]],
        )
    audit.record(
        db,
        by,
        "not_understood.assign",
        {"group": group_key, "intent": target, "messages": group["count"], "added": added},
    )
    return {
        "intent": target,
        "lang": group["lang"],
        "count": group["count"],
        "added": added,
        "file": str(path),
    }


def _texts(db: sqlite_utils.Database, ids: list[int]) -> list[tuple]:
    marks = ",".join("?" * len(ids))
    return db.conn.execute(
        f"SELECT text FROM not_understood WHERE id IN ({marks}) ORDER BY id", ids
    ).fetchall()


def count(db: sqlite_utils.Database, assigned: bool | None = None) -> int:
    """How many messages the queue holds (only unassigned / assigned ones when asked)."""
    where = "" if assigned is None else f" WHERE assigned IS {'NOT ' if assigned else ''}NULL"
    return db.conn.execute(f"SELECT count(*) FROM not_understood{where}").fetchone()[0]


def purge_older(
    db: sqlite_utils.Database, days: int = DEFAULT_DAYS, now: datetime | None = None
) -> int:
    """Delete messages stored more than `days` ago (assigned or not); returns how many."""
    cutoff = stamp((now or datetime.now().astimezone()) - timedelta(days=days))
    with db.conn:
        return db.conn.execute("DELETE FROM not_understood WHERE at < ?", [cutoff]).rowcount
