"""Terminal tables that fit the console's width without cutting a word: each column's width is worked out here
and given to rich, so rich never shortens a resource id or a usage type with `…`.

A cell is a list of `Part`s: prose (`breaks=True`) wraps at its spaces; a token (`breaks=False`) never breaks.
A token that may be shortened (`prefix`, e.g. "R" for resource ids) is replaced, only when the table would not fit
otherwise and longest first, by a short name (`R1`) that the table's `Legend` defines below it.

Text from the user (names, ids, problems) is shown as `rich.text.Text`, never parsed as markup, with terminal
control characters written as escapes (`\\x1b`), so a topology cannot colour, move or clear the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from vpccost.outputs.text import terminal_safe

Justify = Literal["left", "right"]

MIN_PROSE = 20
"""A prose column is given at least this many cells (or its widest cell, when narrower), so that names wrap onto
a few lines rather than one word a line."""


@dataclass(frozen=True)
class Part:
    text: str
    breaks: bool = True
    """Prose, which may wrap at its spaces; False: a token, never broken."""
    prefix: str | None = None
    """A token that may be shown as a short name `<prefix><n>` defined in the legend."""
    style: str = ""


def prose(text: str, style: str = "") -> Part:
    return Part(text, True, None, style)


def token(text: str, prefix: str | None = None, style: str = "") -> Part:
    return Part(text, False, prefix, style)


Cell = Sequence[Part]


@dataclass(frozen=True)
class Column:
    header: str
    justify: Justify = "left"
    min_prose: int = MIN_PROSE
    """The least width of its prose (or its widest cell, when narrower)."""


@dataclass
class Legend:
    """Short names for tokens that do not fit, numbered per prefix in the order they are first given, and the
    same for the same token in every table of one output."""

    names: dict[tuple[str, str], str] = field(default_factory=dict)

    def name(self, prefix: str, text: str) -> str:
        key = (prefix, text)
        if key not in self.names:
            count = sum(1 for known in self.names if known[0] == prefix)
            self.names[key] = f"{prefix}{count + 1}"
        return self.names[key]

    def lines(self, used: Sequence[tuple[str, str]], width: int) -> list[Text]:
        """`R1 = shared-vpc/nat-gateway` for each of `used`, in key order, packed onto lines of `width`."""
        entries = sorted(dict.fromkeys(used), key=lambda key: _key_order(self.names[key]))
        lines: list[Text] = []
        for prefix, text in entries:
            entry = f"{self.names[(prefix, text)]} = {terminal_safe(text)}"
            if lines and cell_len(lines[-1].plain) + 3 + cell_len(entry) <= width:
                lines[-1].append("   " + entry)
            else:
                lines.append(Text(entry, style="dim"))
        return lines


def _key_order(name: str) -> tuple[str, int]:
    digits = name.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return (name[: len(name) - len(digits)], int(digits) if digits else 0)


def _words(text: str) -> list[str]:
    return text.split() or [""]


@dataclass(frozen=True)
class Fitted:
    """A table laid out for a width: its rich table, and the shortened tokens the legend below it defines."""

    table: Table
    shortened: list[tuple[str, str]]
    fits: bool
    widths: list[int]
    """Each column's content width."""

    def print(self, console: Console, legend: Legend) -> None:
        console.print(self.table)
        for line in legend.lines(self.shortened, console.width):
            console.print(line)


PADDING = 1
"""Cells on each side of a cell's content."""


def overhead(columns: int) -> int:
    """Cells a `box.SIMPLE` table with edges uses besides its columns' content: the padding, the dividers and
    the two edges."""
    return 2 * PADDING * columns + (columns - 1) + 2


def fit_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    width: int,
    legend: Legend,
    *,
    title: str | None = None,
    row_styles: Sequence[str] | None = None,
) -> Fitted:
    """A table of `rows` no wider than `width`: columns as wide as their widest token, prose columns as wide as
    the rest allows (at least `MIN_PROSE`), shortening the longest shortenable tokens first until it fits. When
    even that cannot fit, `fits` is False (the table is laid out as narrow as it can be)."""
    short: set[tuple[str, str]] = set()

    def shown(part: Part) -> str:
        if part.prefix is not None and (part.prefix, part.text) in short:
            return legend.name(part.prefix, part.text)
        return terminal_safe(part.text)

    def bounds(index: int) -> tuple[int, int, tuple[str, str] | None]:
        """The column's least and greatest width, and the widest shortenable token that sets the least."""
        least = max(cell_len(word) for word in _words(columns[index].header))
        greatest, widest, binding = cell_len(columns[index].header), 0, None
        for row in rows:
            cell = row[index]
            greatest = max(greatest, sum(cell_len(shown(part)) for part in cell))
            for part in cell:
                text = shown(part)
                need = max(cell_len(word) for word in _words(text)) if part.breaks else cell_len(text)
                least = max(least, need)
                shortenable = not part.breaks and part.prefix is not None and (part.prefix, part.text) not in short
                if shortenable and need > widest:
                    widest, binding = need, (str(part.prefix), part.text)
        if _has_prose(rows, index):
            least = max(least, min(columns[index].min_prose, greatest))
        binding = binding if widest >= least else None
        return least, max(greatest, least), binding

    budget = width - overhead(len(columns))
    while True:
        measured = [bounds(index) for index in range(len(columns))]
        if sum(least for least, _, _ in measured) <= budget:
            break
        candidates = [(least, binding) for least, _, binding in measured if binding is not None]
        if not candidates:
            break
        widest = max(least for least, _ in candidates)
        for index, (least, _, binding) in enumerate(measured):
            if binding is not None and least == widest:
                for row in rows:
                    for part in row[index]:
                        if part.prefix is not None and not part.breaks and cell_len(part.text) >= widest:
                            short.add((part.prefix, part.text))
                break
    widths = [least for least, _, _ in measured]
    spare = budget - sum(widths)
    tokens_first = sorted(range(len(columns)), key=lambda index: _has_prose(rows, index))
    for index in tokens_first:  # a token column grows only to keep its header on one line; prose takes the rest
        least, greatest, _ = measured[index]
        grow = max(0, min(spare, greatest - least))
        widths[index] += grow
        spare -= grow
    shown_title = None if title is None else Text(terminal_safe(title))
    table = Table(title=shown_title, box=box.SIMPLE, title_justify="left", padding=(0, PADDING))
    for column, column_width in zip(columns, widths, strict=True):
        header = Text(terminal_safe(column.header))
        table.add_column(header, justify=column.justify, width=column_width, overflow="fold")
    used: list[tuple[str, str]] = []
    for number, row in enumerate(rows):
        texts = []
        for cell in row:
            text = Text()
            for part in cell:
                text.append(shown(part), style=part.style)
                if part.prefix is not None and (part.prefix, part.text) in short:
                    used.append((part.prefix, part.text))
            texts.append(text)
        table.add_row(*texts, style=row_styles[number] if row_styles else None)
    fits = sum(widths) <= budget
    return Fitted(table, used, fits, widths)


def _has_prose(rows: Sequence[Sequence[Cell]], index: int) -> bool:
    return any(part.breaks and part.text.strip() for row in rows for part in row[index])


def shorten(text: str, limit: int) -> str:
    """`text` cut after its last whole word that keeps it within `limit` cells, ending ` …` when cut."""
    if cell_len(text) <= limit:
        return text
    kept = ""
    for word in text.split():
        candidate = f"{kept} {word}" if kept else word
        if cell_len(candidate) + 2 > limit:
            break
        kept = candidate
    return f"{kept} …" if kept else text.split()[0] + " …"
