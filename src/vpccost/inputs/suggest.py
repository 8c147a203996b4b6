"""Suggesting the name a user probably meant when they name something that does not exist."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The choice closest to `name`, when one is close enough to be a likely misspelling."""
    matches = difflib.get_close_matches(name, list(choices), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(name: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str:
    """` (did you mean 'x'?)` for the closest choice, to end a message with; empty when none is close."""
    match = closest(name, choices, cutoff=cutoff)
    return "" if match is None else f" (did you mean '{match}'?)"
