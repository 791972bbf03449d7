"""Uploaded catalogues, staged: the files an operator sent, checked and written to a folder of
their own, never into the catalogue until they are published.

An upload is either a folder's files (a multiple-file input: `centers.csv`, `lectures.yaml`, …,
and the guides) or one zip. Only the catalogue's known file names are kept (`KNOWN`, and
`guides/<id>.yaml`); anything else (a README, `wechat_menu.yaml`, pictures) is listed as
skipped. A zip is read defensively: at most `MAX_ENTRIES` entries and `MAX_TOTAL` bytes
unpacked, each file at most its own limit (the same as `leling content validate`), counted
while decompressing (a zip bomb's declared sizes lie); an entry whose path is absolute, climbs
out with `..`, or is a symlink refuses the whole zip (zip-slip).

A staged upload lives in `<root>/<id>/catalogue/`; the id travels in pages as `<id>.<mac>`, an
HMAC over the id and the staff member's user id, so nobody else's upload can be named. Stages
older than `MAX_AGE_S` are deleted when a new one is made.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import re
import secrets
import shutil
import stat
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from content.files import MAX_FILE_BYTES, MAX_GUIDE_BYTES, MAX_TABLE_BYTES, MAX_YAML_BYTES
from content.schema import ID_PATTERN
from content.validate import MAX_GUIDES

KNOWN = {
    "centers.csv": MAX_TABLE_BYTES,
    "landmarks.csv": MAX_TABLE_BYTES,
    "synonyms.csv": MAX_FILE_BYTES,
    "lectures.yaml": MAX_YAML_BYTES,
    "lessons.yaml": MAX_YAML_BYTES,
    "faq.yaml": MAX_FILE_BYTES,
}
NOT_GUIDES = frozenset({"wechat_menu.yaml"})  # YAML in the folder that is not a guide
MAX_UPLOAD = 48 * 1024 * 1024  # the request body of an upload (a zip of a national catalogue)
MAX_TOTAL = 160 * 1024 * 1024  # everything unpacked from one upload
MAX_ENTRIES = MAX_GUIDES + 200  # entries in one zip (or files in one upload), skipped ones too
MAX_AGE_S = 6 * 3600
_GUIDE = re.compile(ID_PATTERN.replace("^", "^(?:").replace("$", r")\.ya?ml$"))
_STAGE_ID = re.compile(r"^[0-9a-f]{32}$")
_IGNORED = re.compile(r"(^|/)(__MACOSX|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.I)


class UploadError(ValueError):
    """The upload cannot be used at all (nothing was staged); `key` names the kind text."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key, self.fields = key, fields


@dataclass
class Stage:
    """One staged upload: its signed id, its folder, what was kept and skipped."""

    token: str
    folder: Path
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


def catalogue_name(path: str) -> str | None:
    """The catalogue name an uploaded file stands for (`centers.csv`, `guides/x.yaml`), or None.

    Browsers send a file's base name, or its path inside a chosen folder (`data/guides/x.yaml`);
    a zip's entries are paths. The last part decides: a known top-level name is itself; any
    other `<id>.yaml` is a guide (`guides/<id>.yaml`), unless it sits in a folder that is not
    `guides/` below the top, or is a known non-guide YAML file."""
    parts = [p for p in re.split(r"[\\/]+", path) if p not in ("", ".")]
    if not parts:
        return None
    name = parts[-1]
    parent = parts[-2] if len(parts) > 1 else None
    if name in KNOWN and (parent is None or parent != "guides"):
        return name
    if name in NOT_GUIDES or not _GUIDE.match(name) or parent not in (None, "guides"):
        return None
    return f"guides/{name}"


def zip_name(path: str) -> str | None:
    """The catalogue name of a zip entry's path (relative to the catalogue folder): a known
    top-level file, or `guides/<id>.yaml`; None for anything else."""
    parts = path.split("/")
    if len(parts) == 1:
        return path if path in KNOWN else None
    if len(parts) == 2 and parts[0] == "guides" and parts[1] not in NOT_GUIDES:
        return path if _GUIDE.match(parts[1]) else None
    return None


def _limit(name: str) -> int:
    return MAX_GUIDE_BYTES if name.startswith("guides/") else KNOWN[name]


def _admit(kept: dict[str, bytes], name: str, size: int) -> int:
    """The byte limit of catalogue file `name`, once it is known to be new to `kept` and of a
    `size` within that limit (else UploadError)."""
    if name in kept:
        raise UploadError("upload.twice", name=name)
    limit = _limit(name)
    if size > limit:
        raise UploadError("upload.file_too_big", name=name, max=limit // 1024)
    return limit


def _unsafe_member(info: zipfile.ZipInfo) -> bool:
    """Whether a zip entry would write outside the folder or is a link (zip-slip)."""
    name = info.filename
    if "\\" in name or "\0" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    if ".." in PurePosixPath(name).parts:
        return True
    mode = info.external_attr >> 16
    return bool(mode) and stat.S_ISLNK(mode)


class Staging:
    """Where uploads wait (`root`), signed with `secret`."""

    def __init__(self, root: Path, secret: bytes):
        self.root, self.secret = Path(root), secret

    def _mac(self, stage_id: str, user_id: str) -> str:
        digest = hmac.new(self.secret, f"stage|{stage_id}|{user_id}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()[:18]).decode()

    def _new(self, user_id: str) -> tuple[str, Path]:
        self.cleanup()
        stage_id = secrets.token_hex(16)
        folder = self.root / stage_id / "catalogue"
        folder.mkdir(parents=True, mode=0o700)
        return f"{stage_id}.{self._mac(stage_id, user_id)}", folder

    def from_files(self, files: list[tuple[str, bytes]], user_id: str, **meta) -> Stage:
        """Stage a folder's files, given as (file name or relative path, content) pairs."""
        if not files:
            raise UploadError("upload.none")
        if len(files) > MAX_ENTRIES:
            raise UploadError("upload.too_many", n=len(files), max=MAX_ENTRIES)
        kept: dict[str, bytes] = {}
        skipped = []
        for path, data in files:
            name = catalogue_name(path)
            if name is None:
                skipped.append(path)
                continue
            _admit(kept, name, len(data))
            kept[name] = data
        return self._write(kept, skipped, user_id, meta)

    def from_zip(self, data: bytes, user_id: str, **meta) -> Stage:
        """Stage the catalogue files inside a zip (see the module's rules)."""
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
            raise UploadError("upload.bad_zip") from None
        if len(members) > MAX_ENTRIES:
            raise UploadError("upload.too_many", n=len(members), max=MAX_ENTRIES)
        unsafe = [m.filename for m in members if _unsafe_member(m)]
        if unsafe:
            raise UploadError("upload.zip_slip", name=unsafe[0][:120])
        files = [m for m in members if not m.is_dir() and not _IGNORED.search(m.filename)]
        prefix = _common_folder([m.filename for m in files])
        kept: dict[str, bytes] = {}
        skipped = []
        total = 0
        for m in files:
            rel = m.filename[len(prefix) :]
            name = zip_name(rel)
            if name is None:
                skipped.append(rel)
                continue
            body = _read_bounded(archive, m, _admit(kept, name, m.file_size))
            total += len(body)
            if total > MAX_TOTAL:
                raise UploadError("upload.zip_too_big", max=MAX_TOTAL // (1024 * 1024))
            kept[name] = body
        return self._write(kept, skipped, user_id, meta)

    def _write(self, kept: dict[str, bytes], skipped: list[str], user_id: str, meta) -> Stage:
        if not kept:
            raise UploadError("upload.nothing_known", skipped=", ".join(skipped[:8]))
        token, folder = self._new(user_id)
        for name, body in kept.items():
            (folder / name).parent.mkdir(exist_ok=True)  # guides/ only when guides came
            (folder / name).write_bytes(body)
        info = {
            "by": user_id,
            "at": time.time(),
            "files": sorted(kept),
            "skipped": skipped[:50],
            **meta,
        }
        (folder.parent / "stage.json").write_text(json.dumps(info, ensure_ascii=False))
        return Stage(token, folder, sorted(kept), skipped, info)

    def open(self, token: str, user_id: str) -> Stage | None:
        """The stage a signed id names, if it is this user's and still there; else None."""
        stage_id, _, mac = (token or "").partition(".")
        if not _STAGE_ID.match(stage_id) or not hmac.compare_digest(
            mac.encode(), self._mac(stage_id, user_id).encode()
        ):
            return None
        folder = self.root / stage_id / "catalogue"
        try:
            info = json.loads((folder.parent / "stage.json").read_text())
        except (OSError, ValueError):
            return None
        return Stage(token, folder, info.get("files", []), info.get("skipped", []), info)

    def update(self, stage: Stage, **meta) -> None:
        """Remember more about a stage (the catalogue version its diff was made against)."""
        stage.meta.update(meta)
        (stage.folder.parent / "stage.json").write_text(json.dumps(stage.meta, ensure_ascii=False))

    def discard(self, stage: Stage) -> None:
        """Delete a staged upload (after publishing, or when the operator drops it)."""
        shutil.rmtree(stage.folder.parent, ignore_errors=True)

    def cleanup(self, now: float | None = None) -> int:
        """Delete stages older than MAX_AGE_S; how many went."""
        now = time.time() if now is None else now
        gone = 0
        if not self.root.is_dir():
            self.root.mkdir(parents=True, mode=0o700, exist_ok=True)
            return 0
        for child in self.root.iterdir():
            try:
                old = now - child.stat().st_mtime > MAX_AGE_S
            except OSError:
                continue
            if old and _STAGE_ID.match(child.name):
                shutil.rmtree(child, ignore_errors=True)
                gone += 1
        return gone


def _common_folder(names: list[str]) -> str:
    """The one folder every entry of a zip sits in (`data/`), when the catalogue was zipped as
    a folder rather than as its files; '' otherwise."""
    if not names or any("/" not in n for n in names):
        return ""
    first = {n.split("/", 1)[0] for n in names}
    if len(first) != 1 or first == {"guides"}:
        return ""
    return next(iter(first)) + "/"


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """An entry's bytes, decompressing at most `limit` + 1 of them whatever its header says."""
    try:
        with archive.open(info) as f:
            body = f.read(limit + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        raise UploadError("upload.bad_entry", name=info.filename[:120]) from None
    if len(body) > limit:
        raise UploadError("upload.file_too_big", name=info.filename[:120], max=limit // 1024)
    return body
