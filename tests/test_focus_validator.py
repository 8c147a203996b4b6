"""The FOCUS 1.2 export checked by the FinOps Foundation's own validator, `focus-validator`.

`focus-validator` 2.2.1 (the release with FOCUS 1.2 rules) needs Python >= 3.12 and this project supports 3.11, so
the validator gets a virtual environment of its own, `.venv-focus-validator/` at the repository root, made by the
first run (from PyPI, about 40 s) and reused after. Without a Python >= 3.12 the test is skipped; without PyPI it is
skipped too, except in CI (environment variable `CI` set), where it fails.

The validator runs offline (`--block-download`: the FOCUS 1.2 rules ship in its package) on the multi-account
example's export, once as vpccost writes it (CSV) and once as the same frame written to Parquet with typed columns.
Every rule it reports as failed must be one of the validator defects listed below, each with the evidence that it
is the validator's and not the data's; any other failure fails the test.

The validator is a partial check, not a proof: it skips about 40% of the FOCUS 1.2 rules (those it cannot express
statically), and its allowed-value checks only fail when no row at all has an allowed value. `test_focus.py` checks
every row.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import vpccost
from vpccost.outputs.focus import DATETIME_COLUMNS, NUMERIC_COLUMNS, focus_csv, focus_frame
from vpccost.outputs.parquet import decimal_type
from vpccost.outputs.periods import period_of
from vpccost.results import DatedComparison

from .conftest import EXAMPLES, REPO, SNAPSHOT

MULTI = EXAMPLES / "multi-account"
JANUARY = date(2027, 1, 1)

VENV = REPO / ".venv-focus-validator"
REQUIREMENTS = ("focus-validator==2.2.1", "pyarrow<21")
"""focus-validator pins numpy 1.26 but not pyarrow, and pyarrow >= 21 needs numpy 2."""
INSTALLED_MARKER = VENV / "vpccost-requirements.txt"
"""Written last, after a successful install: the venv is reused only when it lists the same requirements."""
INSTALL_LOCK = (
    Path(tempfile.gettempdir()) / f"vpccost-focus-validator-{hashlib.sha256(bytes(VENV)).hexdigest()[:12]}.lock"
)
"""Serialises concurrent test runs' installs (a lock file in the venv would be deleted by `venv --clear`)."""
MIN_PYTHON = (3, 12)
INSTALL_TIMEOUT_S = 600
VALIDATE_TIMEOUT_S = 300

FOCUS_RULES_VERSION = "1.2.0.1"
"""The FOCUS 1.2 rule set bundled with focus-validator 2.2.1 (`focus_validator/rules/model-1.2.0.1.json`)."""
CURRENCY_CODES = Path("focus_validator", "rules", "currency_codes.csv")
"""The validator opens this file by a path relative to its working directory."""

APPLICABILITY_CRITERIA = (
    "ACCOUNT_NAMING_SUPPORTED",
    "AVAILABILITY_ZONE_SUPPORTED",
    "BILLING_BASED_ON_PROVISIONED_RESOURCES_SUPPORTED",
    "CAPACITY_RESERVATION_SUPPORTED",
    "COMMITMENT_DISCOUNT_SUPPORTED",
    "MULTIPLE_PRICING_CATEGORIES_SUPPORTED",
    "NEGOTIATED_PRICING_SUPPORTED",
    "PRICING_BILLING_CURRENCY_DIFFERENCES_SUPPORTED",
    "PUBLIC_PRICE_LIST_SUPPORTED",
    "REGION_SUPPORTED",
    "RESOURCE_TYPE_ASSIGNMENT_SUPPORTED",
    "SUB_ACCOUNT_SUPPORTED",
    "TAGGING_SUPPORTED",
    "UNIT_PRICING_SUPPORTED",
    "USAGE_MEASUREMENT_SUPPORTED",
)
"""What AWS supports, as FOCUS 1.2 names it: every criterion of the rule set except virtual currency (AWS prices
in real currencies) and several billing/sub account types (`vpccost.outputs.focus` leaves `BillingAccountType` and
`SubAccountType` out, as for a provider with one account type). Without criteria the validator checks far fewer
rules (about 136 pass instead of 340)."""

MIN_PASSED = 300
"""Rules passed: 336 on the CSV and 344 on the Parquet file with focus-validator 2.2.1 (of 578; 227 skipped)."""

KNOWN_VALIDATOR_DEFECTS: dict[str, str] = {
    # Rule text: 'CommitmentDiscountStatus MUST NOT be null when CommitmentDiscountId is not null and Charge
    # Category is "Usage".' Its machine-readable Condition is {"CheckFunction": "CheckValue", "ColumnName":
    # "CommitmentDiscountId", "Value": null}, i.e. "CommitmentDiscountId IS null": inverted, ChargeCategory dropped,
    # and byte-identical to the Condition of its sibling CommitmentDiscountStatus-C-003-C, which demands the opposite
    # ("CommitmentDiscountStatus MUST be null when CommitmentDiscountId is null"). Every row without a commitment
    # discount fails one of the two. Reported as a rule-definition defect (FOCUS 1.2 and 1.3 requirements models):
    # https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec/issues/2393
    "CommitmentDiscountStatus-C-004-C": (
        "inverted Condition (FOCUS_Spec#2393): demands a CommitmentDiscountStatus on rows without a commitment "
        "discount, contradicting CommitmentDiscountStatus-C-003-C"
    ),
    # Rule text: 'CapacityReservationStatus MUST NOT be null when CapacityReservationId is not null and
    # ChargeCategory is "Usage".' The rule file writes its Condition as {"AND": [...]}, not as {"CheckFunction":
    # "AND", "Items": [...]}, the only shape the validator compiles (focus_to_duckdb_converter.py,
    # `_compile_condition_with_generators` returns no condition when "CheckFunction" is missing; C-003-C and C-004-C
    # are the only rules of the 1.2 model written that way). So the check runs unconditionally: `focus-validator
    # --explain-mode --filter-rules CapacityReservationStatus-C-004-C` shows `WHERE CapacityReservationStatus IS
    # NULL` and nothing else, and it contradicts C-003-C (null when CapacityReservationId is null).
    "CapacityReservationStatus-C-004-C": (
        "Condition dropped (written as {'AND': [...]}, which the validator ignores): demands a "
        "CapacityReservationStatus on rows without a capacity reservation, contradicting "
        "CapacityReservationStatus-C-003-C"
    ),
    # Rule text: "InvoiceId MUST NOT be null when the charge is associated with either an issued invoice or a
    # pre-generated provisional invoice." Its Condition is empty, so it demands an InvoiceId on every row. Its
    # sibling InvoiceId-C-004-C ("InvoiceId MUST be null when the charge is not associated either with an invoice or
    # with a pre-generated provisional invoice") also has an empty Condition and demands the opposite, so no
    # non-empty dataset passes both. The model itself only means them as alternatives: their parent InvoiceId-C-003-C
    # ("InvoiceId nullability is defined as follows") is {"CheckFunction": "OR"} of the two, and passes; the
    # validator still reports the failed leaf. An estimate is on no invoice: InvoiceId is null, as C-004-C wants.
    "InvoiceId-C-005-C": (
        "no Condition: demands an InvoiceId on every row, contradicting InvoiceId-C-004-C (null when there is no "
        "invoice), which also has none"
    ),
}
"""Rules of focus-validator 2.2.1 / model 1.2.0.1 that fail on any dataset without commitment discounts, capacity
reservations or invoices, whatever its content."""

CSV_TYPE_INFERENCE = (
    "The CSV loader lets Polars infer the type of every column that has values (csv_data_loader.py: 'For columns with "
    "data, let Polars infer so we can detect type mismatches'), and Polars reads a column of 12-digit AWS account ids "
    "as Int64, quoted or not; CSV has no types. The Parquet run checks the same rule on a typed column."
)
KNOWN_CSV_DEFECTS: dict[str, str] = {
    # The "MUST be of type String" rules of the columns holding AWS account ids (the names repeat the ids when no
    # name is given). Verified: writing every CSV field quoted (csv.QUOTE_ALL) still fails them; the Parquet file
    # with string columns passes them.
    "BillingAccountId-C-002-M": CSV_TYPE_INFERENCE,
    "BillingAccountName-C-001-M": CSV_TYPE_INFERENCE,
    "SubAccountId-C-001-M": CSV_TYPE_INFERENCE,
    "SubAccountName-C-001-M": CSV_TYPE_INFERENCE,
}
"""Rules the validator fails on any AWS FOCUS CSV, because it infers column types from the CSV text."""

RESULT_LINE = re.compile(
    r"^\S*\s*(?P<rule>[A-Za-z0-9]+-[A-Z]-\d{3}-[A-Z]): (?P<status>PASS|FAIL|SKIPPED)(?:\s+\((?P<details>.*)\))?$"
)
"""One line of the console report: an icon (or [PASS]/[FAIL]/[SKIP]), the rule, its status and details."""
SUMMARY_LINE = re.compile(
    r"^Total: (?P<total>\d+) \| Pass: (?P<passed>\d+) \| Fail: (?P<failed>\d+) \| Skipped: (?P<skipped>\d+)$"
)
FAILED_CHILDREN = re.compile(r"AND failed - failed child rules: \[(?P<children>[^\]]*)\]")
"""A composite rule (`<Column>-C-000-*`: "the column adheres to the following requirements") fails when a child
fails."""

FOCUS_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Validator:
    python: Path
    package: Path
    """The installed `focus_validator` package folder."""


@dataclass(frozen=True)
class Report:
    statuses: dict[str, str]
    details: dict[str, str]
    summary: dict[str, int]

    def failures(self) -> dict[str, str]:
        return {rule: self.details[rule] for rule, status in self.statuses.items() if status == "FAIL"}


def _python_version(executable: str) -> tuple[int, int] | None:
    try:
        probe = subprocess.run(
            [executable, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    fields = probe.stdout.split()
    if probe.returncode != 0 or len(fields) != 2 or not all(field.isdigit() for field in fields):
        return None
    return (int(fields[0]), int(fields[1]))


def find_python() -> Path | None:
    """The oldest Python >= 3.12 on PATH, in pyenv or running this test: the validator's numpy 1.26 has wheels up
    to 3.12 only, so a newer one would build numpy from source."""
    candidates = [sys.executable]
    candidates += [found for minor in range(12, 20) if (found := shutil.which(f"python3.{minor}"))]
    candidates += [found for name in ("python3", "python") if (found := shutil.which(name))]
    pyenv_roots = {Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")), Path.home() / ".pyenv"}
    for root in pyenv_roots:
        candidates += [str(path) for path in sorted(root.glob("versions/3.1[2-9]*/bin/python3"))]
    versions = {candidate: _python_version(candidate) for candidate in dict.fromkeys(candidates)}
    usable = [(version, candidate) for candidate, version in versions.items() if version and version >= MIN_PYTHON]
    return Path(min(usable)[1]) if usable else None


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _environment() -> dict[str, str]:
    """This process's environment without what would point the validator's Python at this project's."""
    env = {name: value for name, value in os.environ.items() if name not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in (result.stderr or result.stdout or "").splitlines() if line.strip()]
    return lines[-1] if lines else f"exit status {result.returncode}"


def _package_folder(python: Path) -> Path | None:
    """Where the venv's `focus_validator` is installed; None when the venv cannot import it."""
    if not python.exists():
        return None
    probe = subprocess.run(
        [str(python), "-c", "import focus_validator, os; print(os.path.dirname(focus_validator.__file__))"],
        capture_output=True,
        text=True,
        cwd=VENV,
        env=_environment(),
        timeout=60,
        check=False,
    )
    folder = Path(probe.stdout.strip())
    return folder if probe.returncode == 0 and (folder / "rules").is_dir() else None


def _cannot_install(step: str, result: subprocess.CompletedProcess[str]) -> None:
    reason = f"cannot install focus-validator ({step}): {_last_line(result)}"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _run_step(step: str, command: list[str]) -> None:
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, env=_environment(), timeout=INSTALL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        result = subprocess.CompletedProcess(command, 1, "", f"timed out after {INSTALL_TIMEOUT_S} s")
    if result.returncode != 0:
        _cannot_install(step, result)


@contextmanager
def _install_lock() -> Iterator[None]:
    with INSTALL_LOCK.open("a") as handle:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield


@pytest.fixture(scope="module")
def validator() -> Validator:
    """focus-validator in `.venv-focus-validator/`, installed by the first run, reused by the others."""
    wanted = "\n".join(REQUIREMENTS) + "\n"
    python = _venv_python()
    with _install_lock():
        if INSTALLED_MARKER.exists() and INSTALLED_MARKER.read_text(encoding="utf-8") == wanted:
            package = _package_folder(python)
            if package is not None:
                return Validator(python, package)
        base = find_python()
        if base is None:
            pytest.skip("focus-validator needs Python >= 3.12; none found")
        _run_step("venv", [str(base), "-m", "venv", "--clear", str(VENV)])
        _run_step(
            "pip install",
            [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *REQUIREMENTS],
        )
        package = _package_folder(python)
        assert package is not None, f"focus-validator installed in {VENV} but {python} cannot import it"
        INSTALLED_MARKER.write_text(wanted, encoding="utf-8")
        return Validator(python, package)


@pytest.fixture(scope="module")
def periods() -> list[DatedComparison]:
    return [period_of(vpccost.compare(MULTI / "traffic.csv", MULTI / "topology.yaml", pricing=SNAPSHOT), JANUARY)]


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """The FOCUS frame with FOCUS's types: exact decimals, UTC date/times, strings."""
    arrays: dict[str, pa.Array] = {}
    for column in frame.columns:
        values = list(frame[column])
        if column in NUMERIC_COLUMNS:
            numbers = [None if value is None else Decimal(value) for value in values]
            kind = decimal_type(column, [number for number in numbers if number is not None])
            arrays[column] = pa.array(numbers, type=kind)
        elif column in DATETIME_COLUMNS:
            moments = [
                None if value is None else datetime.strptime(value, FOCUS_DATETIME_FORMAT).replace(tzinfo=UTC)
                for value in values
            ]
            arrays[column] = pa.array(moments, type=pa.timestamp("s", tz="UTC"))
        else:
            arrays[column] = pa.array(values, type=pa.string())
    pq.write_table(pa.table(arrays), path)


def validate(validator: Validator, data: Path, workdir: Path) -> Report:
    """Run the validator on `data` offline, from `workdir` (which gets the file it opens by a relative path and its
    log, `focus_validator_detailed.log`), and parse its console report."""
    (workdir / CURRENCY_CODES).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(validator.package / "rules" / CURRENCY_CODES.name, workdir / CURRENCY_CODES)
    command = [
        str(validator.python),
        "-m",
        "focus_validator.main",
        "--data-file",
        str(data),
        "--validate-version",
        FOCUS_RULES_VERSION,
        "--block-download",
        "--applicability-criteria",
        ",".join(APPLICABILITY_CRITERIA),
        "--output-type",
        "console",
    ]
    result = subprocess.run(
        command,
        cwd=workdir,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_environment(),
        timeout=VALIDATE_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, f"focus-validator exited with {result.returncode}: {result.stderr[-3000:]}"
    statuses: dict[str, str] = {}
    details: dict[str, str] = {}
    summary: dict[str, int] = {}
    for line in result.stdout.splitlines():
        if match := SUMMARY_LINE.match(line.strip()):
            summary = {name: int(count) for name, count in match.groupdict().items()}
        elif match := RESULT_LINE.match(line.strip()):
            rule = match["rule"]
            assert rule not in statuses, f"rule {rule} reported twice"
            statuses[rule] = match["status"]
            details[rule] = match["details"] or ""
    assert summary, f"no summary line in the validator's report:\n{result.stdout[:3000]}"
    return Report(statuses, details, summary)


def unexplained_failures(failures: Mapping[str, str], known: Mapping[str, str]) -> dict[str, str]:
    """The failed rules that are neither known defects nor composites failing only because of those."""
    explained = set(failures) & set(known)
    changed = True
    while changed:
        changed = False
        for rule, details in failures.items():
            match = FAILED_CHILDREN.search(details)
            if rule in explained or match is None:
                continue
            children = {child.strip() for child in match["children"].split(",") if child.strip()}
            if children and children <= explained:
                explained.add(rule)
                changed = True
    return {rule: details for rule, details in failures.items() if rule not in explained}


@pytest.mark.parametrize("data_format", ["csv", "parquet"])
def test_focus_validator_finds_nothing_but_its_own_known_defects(
    validator: Validator, periods: list[DatedComparison], tmp_path: Path, data_format: str
) -> None:
    data = tmp_path / f"focus.{data_format}"
    if data_format == "csv":
        data.write_text(focus_csv(periods), encoding="utf-8")
        known = {**KNOWN_VALIDATOR_DEFECTS, **KNOWN_CSV_DEFECTS}
    else:
        write_parquet(focus_frame(periods), data)
        known = dict(KNOWN_VALIDATOR_DEFECTS)
    workdir = tmp_path / "validator"
    workdir.mkdir()

    report = validate(validator, data, workdir)

    counts = {status: list(report.statuses.values()).count(status) for status in ("PASS", "FAIL", "SKIPPED")}
    assert report.summary == {
        "total": len(report.statuses),
        "passed": counts["PASS"],
        "failed": counts["FAIL"],
        "skipped": counts["SKIPPED"],
    }, "the report's summary does not match its rule lines: the report format changed"
    print(f"focus-validator on {data.name}: {report.summary}")
    unexplained = unexplained_failures(report.failures(), known)
    assert not unexplained, "focus-validator failures that are not known validator defects:\n" + "\n".join(
        f"{rule}: {details}" for rule, details in sorted(unexplained.items())
    )
    assert counts["PASS"] >= MIN_PASSED, f"only {counts['PASS']} rules passed: were the rules applied at all?"
