"""A refreshed snapshot merged into an earlier one: the refresh's entries, and the earlier snapshot's where the
refresh has none.

A refresh prices the regions it was asked for; merging it with the snapshot it updates keeps every other entry,
so a refresh of two regions does not drop the other twenty-eight. Each entry says in `refresh` which refresh wrote
it: the new ones name this refresh, the kept ones keep theirs (or `snapshot <provider>/<date>` when they had none).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from vpccost.errors import InputError
from vpccost.pricing.snapshot import PriceEntry, Snapshot


@dataclass(frozen=True)
class Merged:
    """The merged snapshot, and the labels (`<item> in <region>`) the refresh found no record for whose earlier
    entries were kept."""

    snapshot: Snapshot
    kept_for_missing: list[str]


def merge_snapshots(refreshed: Snapshot, earlier: Snapshot) -> Merged:
    """`refreshed`'s entries, then every entry of `earlier` that `refreshed` does not price (by item, region and
    destination), in `earlier`'s order. An entry the refresh could not find keeps the earlier one and leaves
    `missing`; the usage-type prefixes are `earlier`'s updated with `refreshed`'s. Raises `InputError` when the
    kept entries do not fit the refreshed prefixes (a usage type AWS has renamed since)."""
    name = f"snapshot {earlier.provider}/{earlier.date}"
    priced = {entry.key for entry in refreshed.entries}
    kept = [_with_refresh(entry, name) for entry in earlier.entries if entry.key not in priced]
    earlier_labels = {entry.label for entry in earlier.entries}
    kept_for_missing = [label for label in refreshed.missing if label in earlier_labels]
    description = (
        f"{refreshed.description} Merged with {earlier.provider}/{earlier.date}: its {len(kept)} entries this "
        "refresh did not price are kept, each naming the refresh that wrote it."
    )
    try:
        snapshot = Snapshot(
            provider=refreshed.provider,
            date=refreshed.date,
            currency=refreshed.currency,
            description=description.strip(),
            usage_type_prefixes={**earlier.usage_type_prefixes, **refreshed.usage_type_prefixes},
            entries=[*refreshed.entries, *kept],
            missing=[label for label in refreshed.missing if label not in earlier_labels],
        )
    except ValidationError as error:
        problem = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(f"the refreshed prices cannot be merged with {name}: {problem}") from None
    return Merged(snapshot, kept_for_missing)


def _with_refresh(entry: PriceEntry, name: str) -> PriceEntry:
    return entry if entry.refresh else entry.model_copy(update={"refresh": name})
