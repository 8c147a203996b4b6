"""Errors a user can act on. The CLI turns `InputError` into exit code 2."""

from __future__ import annotations


class VpccostError(Exception):
    """Base class of the errors vpccost raises on purpose."""


class InputError(VpccostError):
    """Bad input: names the file, the line or row, and the field, so the user can fix it."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        row: int | str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.row = row
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        line = None if self.line is None else f"line {self.line}"
        row = None if self.row is None else f"row {self.row}"
        where = [part for part in (self.source, line, row, _field_text(self.field)) if part]
        return f"{', '.join(where)}: {self.message}" if where else self.message


def _field_text(field: str | None) -> str | None:
    return None if field is None else f"field '{field}'"


class MissingPriceError(VpccostError):
    """A price the estimate needs is not in the snapshot (nor in the overrides)."""

    def __init__(self, item: str, region: str, to_region: str | None, snapshot: str) -> None:
        self.item = item
        self.region = region
        self.to_region = to_region
        self.snapshot = snapshot
        super().__init__(str(self))

    @property
    def key(self) -> str:
        target = f" -> {self.to_region}" if self.to_region else ""
        return f"{self.item} in {self.region}{target}"

    def __str__(self) -> str:
        to_region = f', to_region: "{self.to_region}"' if self.to_region else ""
        return (
            f"no price for {self.key} in snapshot {self.snapshot}; supply it in an overrides file "
            f'(--overrides, e.g. {{item: "{self.item}", region: "{self.region}"{to_region}, '
            f'usage_type: "...", price_usd: "..."}}) or refresh the snapshot from the AWS Price List API'
        )


class ExportWarning(UserWarning):
    """An output leaves something out (say, a design without a price in a FOCUS export); the CLI prints it."""
