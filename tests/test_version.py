"""The version outputs stamp on every document: the installed distribution's."""

from __future__ import annotations

from importlib.metadata import version

import vpccost
from vpccost._version import __version__


def test_the_version_is_the_installed_distributions() -> None:
    assert __version__ == version("vpccost") == vpccost.__version__
