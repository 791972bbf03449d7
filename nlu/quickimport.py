"""Importing jieba without pkg_resources (issue #16: a CLI that starts at once).

jieba tries `import pkg_resources` only to open its own data files, and falls back to opening
them next to its module when it is missing, which is the same file. pkg_resources takes about a
tenth of a second to import (it scans every installed distribution), a tenth of a cold
`leling nlu parse`; so jieba is imported with it hidden. Nothing else is affected: it is
hidden only while they import, and only when nothing imported it before.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def import_without_pkg_resources(name: str) -> ModuleType:
    """`importlib.import_module(name)` with `import pkg_resources` failing meanwhile."""
    if name in sys.modules:
        return sys.modules[name]
    hidden = "pkg_resources" not in sys.modules
    if hidden:
        sys.modules["pkg_resources"] = None  # makes `import pkg_resources` raise ImportError
    try:
        return importlib.import_module(name)
    finally:
        if hidden:
            del sys.modules["pkg_resources"]
