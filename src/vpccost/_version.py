"""The installed version of vpccost (outputs stamp it on every document they write)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vpccost")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
