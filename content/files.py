"""Reading a catalogue's files defensively: every way a file can be wrong is one `Problem`.

A catalogue folder comes from an operator's spreadsheet or a shared drive, so a file may be
missing, huge, a directory, a symlink to `/dev/zero` or to somewhere outside the folder, saved
by Excel as GBK or UTF-16, or contain NUL bytes; a YAML file may repeat a key or nest a thousand
levels deep. None of these may crash the import or hang it: each is reported in one line naming
the file (and line or row), and the file's content is not used.

`read_text` returns a file's text (UTF-8, with or without a BOM; GB18030/GBK read with a
warning) or None; `load_yaml` parses YAML text strictly (duplicate keys, depth, anchors).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

from content.problems import Problem

MAX_FILE_BYTES = 5 * 1024 * 1024  # any other file (the CSV tables have MAX_TABLE_BYTES)
MAX_YAML_BYTES = 1024 * 1024  # lectures.yaml / lessons.yaml: ~2,000 items (YAML parses slowly)
# centers.csv and landmarks.csv: a national catalogue's 100,000 centers are ~16 MB (issue #16).
MAX_TABLE_BYTES = 64 * 1024 * 1024
MAX_GUIDE_BYTES = 256 * 1024
MAX_DEPTH = 12  # the deepest catalogue record (a guide's step text) is 5 levels deep
MAX_FIELD_CHARS = 4000  # a CSV value; the longest real one (an address, hours) is ~100


def _problem(file: str, message: str, row: int | None = None, level: str = "error") -> Problem:
    return Problem(file, message, row=row, level=level)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def read_bytes(
    path: Path, root: Path, problems: list, name: str, limit: int = MAX_FILE_BYTES
) -> bytes | None:
    """The bytes of the regular file `path` inside the folder `root`, at most `limit` of them;
    None (and a problem) when it is missing, not a regular file, a symlink leading out of
    `root` or in a loop, or too big."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        if path.is_symlink():
            problems.append(_problem(name, "is a symlink to a file that does not exist"))
        else:
            problems.append(_problem(name, "file is missing"))
        return None
    except (RuntimeError, OSError) as exc:  # a symlink loop (ELOOP), a permission error
        problems.append(_problem(name, f"cannot be opened ({_reason(exc)})"))
        return None
    if not _inside(target, root.resolve()):
        problems.append(_problem(name, "is a symlink to a place outside the catalogue folder"))
        return None
    try:
        info = os.stat(target)
    except OSError as exc:
        problems.append(_problem(name, f"cannot be opened ({_reason(exc)})"))
        return None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        problems.append(_problem(name, f"is {kind}; it must be a text file"))
        return None
    try:
        # O_NONBLOCK: a FIFO swapped in after the check must not block the import.
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        problems.append(_problem(name, f"cannot be read ({_reason(exc)})"))
        return None
    if len(data) > limit:
        problems.append(
            _problem(name, f"is larger than {limit // 1024} KB; split it or remove old entries")
        )
        return None
    return data


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return "a symlink loop" if isinstance(exc, RuntimeError) else type(exc).__name__


def decode(data: bytes, problems: list, name: str) -> str | None:
    """Text from a file's bytes: UTF-8 (a BOM is dropped), else GB18030/GBK (Excel's "CSV" on a
    Chinese Windows) with a warning; UTF-16 and anything else are one error saying how to save
    it. NUL bytes are an error with their line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(
            _problem(name, "is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' instead")
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            problems.append(
                _problem(
                    name,
                    f"is neither UTF-8 nor GBK/GB18030 (bad byte at offset {exc.start}); "
                    "save it as 'CSV UTF-8'",
                )
            )
            return None
        problems.append(
            _problem(
                name,
                "was read as GBK/GB18030 (Excel's default on Chinese Windows); saving it as "
                "'CSV UTF-8' is safer",
                level="warning",
            )
        )
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        problems.append(_problem(name, "contains a NUL byte (\\0); remove it", row=line))
        return None
    return text


def read_text(
    path: Path, root: Path, problems: list, name: str | None = None, limit: int = MAX_FILE_BYTES
) -> str | None:
    """`read_bytes` then `decode`."""
    name = name or path.name
    data = read_bytes(path, root, problems, name, limit)
    return None if data is None else decode(data, problems, name)


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when installed


class _StrictLoader(_Base):
    """SafeLoader that refuses duplicate keys (anchors and depth are checked on the node tree
    by `_check_tree`, since libyaml's composer is not ours to override)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
                seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # an unhashable key; SafeLoader reports it below
                continue
            if first is not None:
                raise ConstructorError(
                    None,
                    None,
                    f"key {key!r} appears twice in one mapping (first on line {first})",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


def _check_tree(root) -> None:
    """Walk the composed nodes without recursion: nesting deeper than MAX_DEPTH, or a node
    reached twice (an alias: `*name` shares its anchor's node), is a YAMLError."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed", node.start_mark
            )
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise ComposerError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", node.start_mark
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))


def load_yaml(text: str, problems: list, name: str) -> tuple[Any, Any] | None:
    """(data, node) of a YAML document, or None with one problem (syntax error, duplicate key,
    anchor, nesting too deep). `node` gives each item's line."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_tree(node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(
            _problem(
                name,
                f"is not valid YAML: {getattr(exc, 'problem', None) or exc}",
                row=mark.line + 1 if mark else None,
            )
        )
        return None
    except RecursionError:  # belt and braces: the pure-Python composer on deep nesting
        problems.append(_problem(name, f"is not valid YAML: nested more than {MAX_DEPTH} levels"))
        return None
    finally:
        loader.dispose()
    return data, node
