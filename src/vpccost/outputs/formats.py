"""The output formats, each declared once: its name, the `--output` suffix it is inferred from, whether it is
written only to a file, and, for each result it fits, the function that renders that result.

Every command that produces a result takes every format that fits it; the CLI's `--format` help, its suffix
inference, its "binary formats need --output" check and its "does not write" error are all read from
`FORMATS`. From Python, `render(name, result)` gives the text or bytes and `write(name, result, path)` writes
them whole or not at all.

Writers are named by module path ("vpccost.outputs.xlsx:optimization_xlsx") and imported only when used, so
importing this module never loads plotly, openpyxl or pyarrow. A writer takes the result; a `table` writer
also takes the rich console to print on; a writer of a dated format also takes `start`, the month an undated
estimate is dated from (see `vpccost.outputs.periods.period_of`; a forecast's months are already dated). A
writer with a `detail` keyword (the table and Markdown of a comparison or an optimization) lists every line item
when asked (`render(..., detail=True)`, the CLI's `--detail`) rather than what differs between the top designs.

To add a format: write `vpccost/outputs/<name>.py` with one function per result it fits, then add one
`Format(...)` line to `FORMATS` naming them, and the format to the README (a test checks).
"""

from __future__ import annotations

import importlib
import inspect
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from vpccost.errors import InputError
from vpccost.outputs.files import write_atomically
from vpccost.pricing.coverage import Coverage
from vpccost.results import BreakEven, Comparison, Forecast, Optimization, PriceChanges, PriceList

if TYPE_CHECKING:
    from rich.console import Console

Kind = Literal["table", "text", "binary"]
"""`table`: printed on a rich console (plain text in a file); `text`: a string, to stdout or a file;
`binary`: bytes, to a file only."""

TABLE_WIDTH = 200
"""Tables written to a pipe or a file are laid out this wide, so that nothing is cut."""


@dataclass(frozen=True)
class Format:
    name: str
    kind: Kind
    suffix: str | None
    """The `--output` suffix this format is inferred from (None: never inferred, e.g. FOCUS, which is CSV)."""
    note: str
    """What the format is, in a few words, for `--format`'s help ("" when its name says it)."""
    writers: Mapping[type, str]
    """Result type -> "module:function" that renders it."""
    dated: bool = False
    """Its writers date an estimate (they take `start`)."""

    @property
    def binary(self) -> bool:
        """Written only to a file (`--output`)."""
        return self.kind == "binary"

    def fits(self, result: type) -> bool:
        return any(klass in self.writers for klass in result.__mro__)

    def writer(self, result: type) -> Callable[..., Any]:
        """The function that renders a `result`; an `InputError` when the format does not fit it."""
        for klass in result.__mro__:
            if klass in self.writers:
                module, _, function = self.writers[klass].partition(":")
                found: Callable[..., Any] = getattr(importlib.import_module(module), function)
                return found
        fitting = ", ".join(chosen.name for chosen in formats_for(result))
        raise InputError(f"{self.name} does not fit a {result.__name__}; choose from {fitting}", field="format")


# fmt: off
FORMATS: dict[str, Format] = {entry.name: entry for entry in (
    Format("table", "table", suffix=None, note="default", writers={
        Comparison: "vpccost.outputs.table:render_comparison",
        Forecast: "vpccost.outputs.table:render_forecast",
        Optimization: "vpccost.outputs.table:render_optimization",
        BreakEven: "vpccost.outputs.table:render_breakeven",
        PriceList: "vpccost.outputs.table:render_pricing",
        PriceChanges: "vpccost.outputs.table:render_price_changes",
        Coverage: "vpccost.outputs.table:render_coverage",
    }),
    Format("json", "text", suffix=".json", note="", writers={
        Comparison: "vpccost.outputs.documents:comparison_json",
        Forecast: "vpccost.outputs.documents:forecast_json",
        Optimization: "vpccost.outputs.documents:optimization_json",
        BreakEven: "vpccost.outputs.documents:breakeven_json",
        PriceList: "vpccost.outputs.documents:pricing_json",
        PriceChanges: "vpccost.outputs.documents:price_changes_json",
        Coverage: "vpccost.outputs.documents:coverage_json",
    }),
    Format("csv", "text", suffix=".csv", note="", writers={
        Comparison: "vpccost.outputs.frames:line_items_csv",
        Forecast: "vpccost.outputs.frames:forecast_csv",
        Optimization: "vpccost.outputs.frames:optimization_csv",
        BreakEven: "vpccost.outputs.frames:breakeven_csv",
        PriceList: "vpccost.outputs.frames:pricing_csv",
        PriceChanges: "vpccost.outputs.frames:price_changes_csv",
        Coverage: "vpccost.outputs.frames:coverage_csv",
    }),
    Format("parquet", "binary", suffix=".parquet", note="exact decimals", dated=True, writers={
        Comparison: "vpccost.outputs.parquet:comparison_parquet",
        Forecast: "vpccost.outputs.parquet:forecast_parquet",
        Optimization: "vpccost.outputs.parquet:optimization_parquet",
    }),
    Format("xlsx", "binary", suffix=".xlsx", note="workbook for finance", dated=True, writers={
        Comparison: "vpccost.outputs.xlsx:comparison_xlsx",
        Forecast: "vpccost.outputs.xlsx:forecast_xlsx",
        Optimization: "vpccost.outputs.xlsx:optimization_xlsx",
    }),
    Format("focus", "text", suffix=None, note="FOCUS 1.2 CSV", dated=True, writers={
        Comparison: "vpccost.outputs.focus:comparison_focus",
        Forecast: "vpccost.outputs.focus:forecast_focus",
        Optimization: "vpccost.outputs.focus:optimization_focus",
    }),
    Format("html", "text", suffix=".html", note="self-contained page", writers={
        Comparison: "vpccost.outputs.report_html:render_html",
        Forecast: "vpccost.outputs.report_html:forecast_report",
        Optimization: "vpccost.outputs.report_html:optimization_report",
        BreakEven: "vpccost.outputs.report_html:breakeven_page",
    }),
    Format("markdown", "text", suffix=".md", note="GitHub Markdown for pull requests", writers={
        Comparison: "vpccost.outputs.markdown:comparison_markdown",
        Forecast: "vpccost.outputs.markdown:forecast_markdown",
        Optimization: "vpccost.outputs.markdown:optimization_markdown",
    }),
)}
# fmt: on
"""Every format, in the order `--format`'s help lists them."""


def formats_for(result: type) -> list[Format]:
    """The formats that fit a result of type `result`, in registry order."""
    return [chosen for chosen in FORMATS.values() if chosen.fits(result)]


def format_named(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise InputError(f"unknown format {name}; choose from {', '.join(FORMATS)}", field="format") from None


def inferred_from(path: Path | None) -> Format | None:
    """The format an output file's suffix names (`.json` -> json), or None."""
    if path is None:
        return None
    suffix = path.suffix.lower()
    return next((chosen for chosen in FORMATS.values() if chosen.suffix == suffix), None)


def takes_detail(chosen: Format, result: type) -> bool:
    """Whether `chosen`'s writer of a `result` can list every line item (`detail`)."""
    return chosen.fits(result) and "detail" in inspect.signature(chosen.writer(result)).parameters


def _detail(chosen: Format, result: object, detail: bool) -> dict[str, bool]:
    """The writer's keyword for `detail`; an `InputError` when it has none."""
    if not detail:
        return {}
    if not takes_detail(chosen, type(result)):
        fitting = ", ".join(entry.name for entry in FORMATS.values() if takes_detail(entry, type(result)))
        raise InputError(f"{chosen.name} has no detail to add; --detail fits {fitting or 'no format'}", field="detail")
    return {"detail": True}


def render(name: str, result: object, *, start: date | str | None = None, detail: bool = False) -> str | bytes:
    """`result` in format `name`: text, or bytes for a binary format; a table as plain text `TABLE_WIDTH`
    wide. `start` dates an estimate for the dated formats (default: next month, UTC); `detail` lists every line
    item (table and markdown)."""
    chosen = format_named(name)
    writer = chosen.writer(type(result))
    options = _detail(chosen, result, detail)
    if chosen.kind == "table":
        from rich.console import Console

        buffer = io.StringIO()
        writer(result, Console(file=buffer, width=TABLE_WIDTH, color_system=None), **options)
        return buffer.getvalue()
    content: str | bytes = writer(result, start, **options) if chosen.dated else writer(result, **options)
    return content


def print_table(result: object, console: Console, *, detail: bool = False) -> None:
    """Print `result` as a table on `console` (a terminal, with its colours and width)."""
    chosen = format_named("table")
    chosen.writer(type(result))(result, console, **_detail(chosen, result, detail))


def write(
    name: str, result: object, path: str | Path, *, start: date | str | None = None, detail: bool = False
) -> Path:
    """Write `result` in format `name` to `path`, atomically: a temporary file in the same folder renamed into
    place, so a failure leaves `path` as it was."""
    content = render(name, result, start=start, detail=detail)
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = Path(path)
    write_atomically(target, lambda handle: handle.write(data))
    return target
