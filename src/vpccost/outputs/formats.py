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

if TYPE_CHECKING:
    from rich.console import Console

Kind = Literal["table", "text", "binary"]
"""`table`: printed on a rich console (plain text in a file); `text`: a string, to stdout or a file;
`binary`: bytes, to a file only."""

TABLE_WIDTH = 200
"""Tables written to a pipe or a file are laid out this wide, so that nothing is cut."""

# The results the formats fit, each named "module:class" (`result_key`), so that importing the registry imports
# neither them nor the estimate code behind them: `vpccost --help` lists the formats without loading pandas.
COMPARISON = "vpccost.results:Comparison"
FORECAST = "vpccost.results:Forecast"
OPTIMIZATION = "vpccost.results:Optimization"
BREAKEVEN = "vpccost.results:BreakEven"
PRICE_LIST = "vpccost.results:PriceList"
PRICE_CHANGES = "vpccost.results:PriceChanges"
COVERAGE = "vpccost.pricing.coverage:Coverage"


def result_key(klass: type) -> str:
    """`klass` named as the registry names results: "module:class"."""
    return f"{klass.__module__}:{klass.__qualname__}"


def _keys(result: type | str) -> list[str]:
    """The registry keys a result matches: a key as given, or a type's and its bases' names."""
    return [result] if isinstance(result, str) else [result_key(klass) for klass in result.__mro__]


@dataclass(frozen=True)
class Format:
    name: str
    kind: Kind
    suffix: str | None
    """The `--output` suffix this format is inferred from (None: never inferred, e.g. FOCUS, which is CSV)."""
    note: str
    """What the format is, in a few words, for `--format`'s help ("" when its name says it)."""
    writers: Mapping[str, str]
    """Result ("module:class", `result_key`) -> "module:function" that renders it."""
    dated: bool = False
    """Its writers date an estimate (they take `start`)."""

    @property
    def binary(self) -> bool:
        """Written only to a file (`--output`)."""
        return self.kind == "binary"

    def fits(self, result: type | str) -> bool:
        """Whether the format writes a `result` (a type, or its "module:class" key)."""
        return any(key in self.writers for key in _keys(result))

    def writer(self, result: type | str) -> Callable[..., Any]:
        """The function that renders a `result` (a type, or its "module:class" key); an `InputError` when the
        format does not fit it."""
        for key in _keys(result):
            if key in self.writers:
                module, _, function = self.writers[key].partition(":")
                found: Callable[..., Any] = getattr(importlib.import_module(module), function)
                return found
        fitting = ", ".join(chosen.name for chosen in formats_for(result))
        named = result.rpartition(":")[2] if isinstance(result, str) else result.__name__
        raise InputError(f"{self.name} does not fit a {named}; choose from {fitting}", field="format")


# fmt: off
FORMATS: dict[str, Format] = {entry.name: entry for entry in (
    Format("table", "table", suffix=None, note="default", writers={
        COMPARISON: "vpccost.outputs.table:render_comparison",
        FORECAST: "vpccost.outputs.table:render_forecast",
        OPTIMIZATION: "vpccost.outputs.table:render_optimization",
        BREAKEVEN: "vpccost.outputs.table:render_breakeven",
        PRICE_LIST: "vpccost.outputs.table:render_pricing",
        PRICE_CHANGES: "vpccost.outputs.table:render_price_changes",
        COVERAGE: "vpccost.outputs.table:render_coverage",
    }),
    Format("json", "text", suffix=".json", note="", writers={
        COMPARISON: "vpccost.outputs.documents:comparison_json",
        FORECAST: "vpccost.outputs.documents:forecast_json",
        OPTIMIZATION: "vpccost.outputs.documents:optimization_json",
        BREAKEVEN: "vpccost.outputs.documents:breakeven_json",
        PRICE_LIST: "vpccost.outputs.documents:pricing_json",
        PRICE_CHANGES: "vpccost.outputs.documents:price_changes_json",
        COVERAGE: "vpccost.outputs.documents:coverage_json",
    }),
    Format("csv", "text", suffix=".csv", note="", writers={
        COMPARISON: "vpccost.outputs.frames:line_items_csv",
        FORECAST: "vpccost.outputs.frames:forecast_csv",
        OPTIMIZATION: "vpccost.outputs.frames:optimization_csv",
        BREAKEVEN: "vpccost.outputs.frames:breakeven_csv",
        PRICE_LIST: "vpccost.outputs.frames:pricing_csv",
        PRICE_CHANGES: "vpccost.outputs.frames:price_changes_csv",
        COVERAGE: "vpccost.outputs.frames:coverage_csv",
    }),
    Format("parquet", "binary", suffix=".parquet", note="exact decimals", dated=True, writers={
        COMPARISON: "vpccost.outputs.parquet:comparison_parquet",
        FORECAST: "vpccost.outputs.parquet:forecast_parquet",
        OPTIMIZATION: "vpccost.outputs.parquet:optimization_parquet",
    }),
    Format("xlsx", "binary", suffix=".xlsx", note="workbook for finance", dated=True, writers={
        COMPARISON: "vpccost.outputs.xlsx:comparison_xlsx",
        FORECAST: "vpccost.outputs.xlsx:forecast_xlsx",
        OPTIMIZATION: "vpccost.outputs.xlsx:optimization_xlsx",
    }),
    Format("focus", "text", suffix=None, note="FOCUS 1.2 CSV", dated=True, writers={
        COMPARISON: "vpccost.outputs.focus:comparison_focus",
        FORECAST: "vpccost.outputs.focus:forecast_focus",
        OPTIMIZATION: "vpccost.outputs.focus:optimization_focus",
    }),
    Format("html", "text", suffix=".html", note="self-contained page", writers={
        COMPARISON: "vpccost.outputs.report_html:render_html",
        FORECAST: "vpccost.outputs.report_html:forecast_report",
        OPTIMIZATION: "vpccost.outputs.report_html:optimization_report",
        BREAKEVEN: "vpccost.outputs.report_html:breakeven_page",
    }),
    Format("markdown", "text", suffix=".md", note="GitHub Markdown for pull requests", writers={
        COMPARISON: "vpccost.outputs.markdown:comparison_markdown",
        FORECAST: "vpccost.outputs.markdown:forecast_markdown",
        OPTIMIZATION: "vpccost.outputs.markdown:optimization_markdown",
    }),
)}
# fmt: on
"""Every format, in the order `--format`'s help lists them."""


def formats_for(result: type | str) -> list[Format]:
    """The formats that fit a result of type `result` (or its "module:class" key), in registry order."""
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


def takes_detail(chosen: Format, result: type | str) -> bool:
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
