"""Traffic files and DataFrames: bad input handled as README.md's "Inputs" section says (exit 2, the file, line
or row, and field named, nothing written), and volumes read exactly."""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, run_cli, vpc
from tests.support.bad_input import compare_fails
from vpccost.errors import InputError
from vpccost.inputs.traffic import load_traffic

TOPOLOGY_TWO_VPCS = [vpc("a", cidrs=["10.0.0.0/16"]), vpc("b", cidrs=["10.1.0.0/16"])]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("src,dst,gb\na,b,ten", ["line 2", "field 'gb'", "'ten' is not a number"]),
        ("src,dst,gb\na,b,1\na,b,-3", ["line 3", "field 'gb'", "negative volume '-3'"]),
        ("src,dst,bytes\na,b,1.5", ["line 2", "field 'bytes'", "not a whole number of bytes"]),
        ("src,dst,gb\na,aws:,1", ["line 2", "field 'dst'", "aws:<service>"]),
        ("src,dst,gb\na,c,1", ["line 2", "field 'dst'", "VPC 'c' is not in the topology"]),
        ("src,gb\na,1", ["missing required column 'dst'"]),
        (
            "sorce,dst,gb\na,b,1",
            ["field 'src'", "missing required column 'src'; the file has 'sorce': did you mean 'src'?"],
        ),
        (
            "src,dst,gbs\na,b,1",
            ["missing the volume column: give 'gb' or 'bytes'; the file has 'gbs': did you mean 'gb'?"],
        ),
        ("src,dst,team\na,b,x", ["missing the volume column"]),
        ("src,dst,src_az,gb\na,b,use2-az1,1", ["line 2", "field 'src_az'", "belongs to us-east-2"]),
        ("src,dst,gb,initiator\na,b,1,both", ["line 2", "field 'initiator'"]),
        ("src,dst,gb\ninternet,aws:s3,1", ["line 2", "at least one side of a row must be a VPC"]),
    ],
)
def test_bad_traffic_rows(tmp_path: Path, write_estate: WriteEstate, rows: str, expected: list[str]) -> None:
    traffic, topology = write_estate(TOPOLOGY_TWO_VPCS, rows)
    compare_fails(tmp_path, traffic, topology, str(traffic), *expected)


def test_empty_traffic_file(tmp_path: Path, write_estate: WriteEstate) -> None:
    traffic, topology = write_estate(TOPOLOGY_TWO_VPCS, "")
    traffic.write_text("")
    compare_fails(tmp_path, traffic, topology, str(traffic), "empty")


def test_header_only_traffic_is_zero_traffic(write_estate: WriteEstate) -> None:
    traffic, topology = write_estate(TOPOLOGY_TWO_VPCS, "src,dst,gb")
    result = vpccost.compare(traffic, topology, pricing=SNAPSHOT)
    assert {design.total_usd for design in result.designs} == {Decimal(0)}


def test_dataframe_errors_name_the_row_and_column() -> None:
    frame = pd.DataFrame({"src": ["a", "a"], "dst": ["b", "b"], "gb": ["1", "-2"], "src_region": "us-east-1"})
    with pytest.raises(InputError) as raised:
        vpccost.load_traffic(frame)
    assert (raised.value.row, raised.value.field) == (1, "gb")
    with pytest.raises(InputError, match="missing required column 'dst'"):
        vpccost.load_traffic(frame.drop(columns=["dst"]))


def test_dataframe_floats_are_read_as_written() -> None:
    # 0.1 + 0.2 in binary floating point is 0.30000000000000004; read as written, the volumes sum exactly
    frame = pd.DataFrame({"src": ["a", "a"], "dst": ["b", "b"], "gb": [0.1, 0.2]})
    assert vpccost.load_traffic(frame).total_gb == Decimal("0.3")


def test_bytes_are_converted_with_2_to_the_30(tmp_path: Path) -> None:
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("src,dst,bytes\na,b,1073741824\na,b,536870912\n")
    assert vpccost.load_traffic(traffic).total_gb == Decimal("1.5")


def test_parquet_traffic(tmp_path: Path) -> None:
    path = tmp_path / "traffic.parquet"
    pd.DataFrame({"src": ["a"], "dst": ["internet"], "gb": ["12.5"], "src_region": ["us-east-1"]}).to_parquet(path)
    result = vpccost.compare(path, pricing=SNAPSHOT)
    assert result.design("peering").priced


def test_rows_with_the_same_key_are_summed(tmp_path: Path) -> None:
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("src,dst,gb,team\na,b,1.25,x\na,b,2,x\na,b,4,y\n")
    loaded = vpccost.load_traffic(traffic)
    assert sorted(loaded.to_frame()["gb"]) == [Decimal("3.25"), Decimal("4")]


def test_label_close_to_a_known_column_is_warned(tmp_path: Path) -> None:
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("src,dst,gb,src_region,dst_region,initator\na,b,1,us-east-1,us-east-1,dst\n")
    result = run_cli("compare", traffic, "--pricing", SNAPSHOT)
    assert result.exit_code == 0
    assert "did you mean 'initiator'" in result.stderr


def test_volumes_too_long_for_64_bit_integers_stay_exact(tmp_path: Path) -> None:
    # 21 significant digits do not fit in an int64 unit count: vpccost falls back to Python integers
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("src,dst,gb\na,b,123456789012345.123456\na,c,0.000001\n")
    assert vpccost.load_traffic(traffic).total_gb == Decimal("123456789012345.123457")


def test_malformed_csv_row_names_its_line(tmp_path: Path) -> None:
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("src,dst,gb\na,b,1\na,b,1,2\n")
    compare_fails(tmp_path, traffic, None, str(traffic), "line 3 has 4 fields, the header has 3")


@pytest.mark.parametrize(
    "row",
    [
        {"src": "a", "dst": "b", "gb": "1.5"},
        {"src": "a", "dst": "b", "gb": "1e3", "initiator": "dst", "ip_version": "6"},
        {"src": "a", "dst": "b", "bytes": "1073741824", "initiator": ""},
        {"src": "a", "dst": "b", "gb": "-1"},
        {"src": "a", "dst": "b", "gb": "ten"},
        {"src": "a", "dst": "b", "bytes": "1.5"},
        {"src": "a", "dst": "b", "gb": "1", "initiator": "SRC"},
        {"src": "a", "dst": "b", "gb": "1", "initiator": "both"},
        {"src": "a", "dst": "b", "gb": "1", "ip_version": "5"},
    ],
)
def test_the_published_row_schema_and_the_loader_agree(row: dict[str, str]) -> None:
    from pydantic import ValidationError

    from vpccost.inputs.traffic import TrafficRow

    try:
        TrafficRow.model_validate(row)
        schema_accepts = True
    except ValidationError:
        schema_accepts = False
    try:
        vpccost.load_traffic(pd.DataFrame([row]))
        loader_accepts = True
    except InputError:
        loader_accepts = False
    assert schema_accepts == loader_accepts


def test_csv_errors_count_blank_lines_and_quoted_line_breaks(tmp_path: Path) -> None:
    traffic = tmp_path / "traffic.csv"
    traffic.write_text('src,dst,gb,team\n\na,b,1,"two\nlines"\n\na,b,-1,x\n')
    compare_fails(tmp_path, traffic, None, "line 6", "field 'gb'", "negative volume")


@pytest.mark.parametrize(
    ("header", "expected"), [("src,dst,gb,gb", "appears twice"), ("src,dst,gb,", "column 4 of the header has no name")]
)
@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".csv.bz2", ".csv.xz"])
def test_csv_header_problems(tmp_path: Path, header: str, expected: str, suffix: str) -> None:
    # a compressed file is checked as what pandas reads from it
    traffic = tmp_path / f"traffic{suffix}"
    content = f"{header}\na,b,1,2\n".encode()
    compressed = {".gz": gzip.compress(content), ".bz2": bz2.compress(content), ".xz": lzma.compress(content)}
    traffic.write_bytes(compressed.get(traffic.suffix, content))
    compare_fails(tmp_path, traffic, None, "line 1", expected)


def test_parquet_with_nullable_and_categorical_columns(tmp_path: Path) -> None:
    path = tmp_path / "traffic.parquet"
    frame = pd.DataFrame(
        {
            "src": ["a", "a"],
            "dst": ["internet", "internet"],
            "gb": [1, 2],
            "src_region": "us-east-1",
            "ip_version": pd.array([4, None], dtype="Int64"),
            "team": pd.Categorical(["x", None]),
        }
    )
    frame.to_parquet(path)
    assert vpccost.load_traffic(path).total_gb == Decimal(3)


def test_numeric_account_ids_are_refused() -> None:
    frame = pd.DataFrame({"src": ["a"], "dst": ["b"], "gb": ["1"], "src_account": [12345678901]})
    with pytest.raises(InputError, match="leading zeros"):
        vpccost.load_traffic(frame)


# ---- the files people have: semicolon and tab separated CSV, Excel workbooks -------------------------------------
@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_a_semicolon_or_tab_separated_file_is_read_like_a_comma_separated_one(
    write_estate: WriteEstate, delimiter: str
) -> None:
    traffic, _ = write_estate(TOPOLOGY_TWO_VPCS, "src,dst,gb,team\na,b,1.5,web\nb,a,2,db")
    expected = vpccost.load_traffic(traffic).to_frame()
    traffic.write_text(traffic.read_text().replace(",", delimiter))
    loaded = vpccost.load_traffic(traffic)
    pd.testing.assert_frame_equal(loaded.to_frame(), expected)
    assert loaded.labels == ("team",) and loaded.total_gb == Decimal("3.5")


def test_a_decimal_comma_in_a_semicolon_file_is_not_guessed(tmp_path: Path, write_estate: WriteEstate) -> None:
    traffic, topology = write_estate(TOPOLOGY_TWO_VPCS, "src;dst;gb\na;b;2\n\na;b;1,5")
    compare_fails(tmp_path, traffic, topology, str(traffic), "line 4", "field 'gb'", "'1,5' is not a number")


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_an_excel_workbook_is_read_from_its_first_sheet_or_the_sheet_named(tmp_path: Path) -> None:
    workbook = write_workbook(
        tmp_path / "traffic.xlsx",
        {
            "june": [["src", "dst", "gb", "team"], ["a", "b", 1.5, "web"], [None, None, None, None], ["b", "a", 2, 7]],
            "july": [["src", "dst", "bytes"], ["a", "b", 1073741824]],
        },
    )
    june = vpccost.load_traffic(workbook).to_frame()
    assert (list(june["gb"]), list(june["team"])) == ([Decimal("1.5"), Decimal(2)], ["web", "7"])
    assert vpccost.load_traffic(workbook, sheet="july").total_gb == Decimal(1)
    with pytest.raises(InputError) as raised:
        vpccost.load_traffic(workbook, sheet="jully")
    assert raised.value.message == "no sheet 'jully' (did you mean 'july'?); the workbook has june, july"
    assert raised.value.field == "sheet"
    csv_file = tmp_path / "traffic.csv"
    csv_file.write_text("src,dst,gb\na,b,1\n")
    with pytest.raises(InputError, match="a sheet \\('july'\\) is named, but this is not an Excel workbook"):
        vpccost.load_traffic(csv_file, sheet="july")


def test_excel_errors_name_the_sheet_row(tmp_path: Path, write_estate: WriteEstate) -> None:
    _, topology = write_estate(TOPOLOGY_TWO_VPCS, "src,dst,gb")
    rows: list[list[object]] = [["src", "dst", "gb"], ["a", "b", 1], [], ["a", "b", "ten"]]
    other: list[list[object]] = [["src", "dst", "gb"], ["a", "b", "x"]]
    workbook = write_workbook(tmp_path / "traffic.xlsx", {"traffic": rows, "other": other})
    compare_fails(tmp_path, workbook, topology, str(workbook), "line 4", "field 'gb'", "'ten' is not a number")
    result = run_cli("compare", workbook, "--sheet", "other", "-t", topology, "--format", "json")
    assert result.exit_code == 2 and "line 2, field 'gb': 'x' is not a number" in result.stderr
    accounts = write_workbook(
        tmp_path / "accounts.xlsx", {"t": [["src", "dst", "gb", "src_account"], ["a", "b", 1, 123]]}
    )
    with pytest.raises(InputError, match="leading zeros") as raised:
        vpccost.load_traffic(accounts)
    assert (raised.value.line, raised.value.field) == (2, "src_account")


RECORDED = (
    "# vpccost-period-hours: 0.5\n"
    "# vpccost-window-start: 2026-11-02T09:00:00Z\n"
    "# vpccost-window-end: 2026-11-02T09:30:00Z\n"
)


def test_a_csv_file_records_its_period_in_comment_lines_before_the_header(tmp_path: Path) -> None:
    path = tmp_path / "traffic.csv"
    path.write_text(RECORDED + "src,dst,gb\na,b,1.5\nb,a,2\n")
    traffic = load_traffic(path)
    assert traffic.period is not None
    assert (traffic.period.hours, traffic.period.start, traffic.period.line) == (
        Decimal("0.5"),
        "2026-11-02T09:00:00Z",
        1,
    )
    assert traffic.total_gb == Decimal("3.5")
    # pandas reads the same file with comment="#"
    assert list(pd.read_csv(path, comment="#")["gb"]) == [1.5, 2.0]


def test_a_file_without_comment_lines_records_no_period(tmp_path: Path) -> None:
    path = tmp_path / "traffic.csv"
    path.write_text("src,dst,gb\na,b,1\n")
    assert load_traffic(path).period is None


def test_errors_name_the_lines_counting_the_comment_lines(tmp_path: Path) -> None:
    path = tmp_path / "traffic.csv"
    path.write_text(RECORDED + "src;dst;gb\na;b;1\na;b;ten\n")
    with pytest.raises(InputError, match=r"line 6, field 'gb': 'ten' is not a number"):
        load_traffic(path)
    path.write_text(RECORDED + "src,dst,gb,gb\na,b,1,1\n")
    with pytest.raises(InputError, match=r"line 4, field 'gb': the column appears twice"):
        load_traffic(path)
    path.write_text(RECORDED + "src,dst,gb\na,b,1\na,b\n")
    with pytest.raises(InputError, match=r"line 6 has 2 fields"):
        load_traffic(path)


def test_a_malformed_period_record_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "traffic.csv"
    path.write_text("# my notes\n# vpccost-period-hours: thirty minutes\nsrc,dst,gb\na,b,1\n")
    with pytest.raises(InputError) as raised:
        load_traffic(path)
    assert str(raised.value) == (
        f"{path}, line 2, field 'vpccost-period-hours': 'thirty minutes' is not a positive number of hours"
    )


def test_a_workbook_records_its_period_in_comment_rows_above_the_header(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["# vpccost-period-hours: 0.5"],
        ["src", "dst", "gb"],
        ["a", "b", 1],
        ["a", "b", "ten"],
    ]
    workbook = write_workbook(tmp_path / "traffic.xlsx", {"traffic": rows})
    with pytest.raises(InputError, match=r"line 4, field 'gb': 'ten' is not a number"):
        load_traffic(workbook)
    workbook = write_workbook(tmp_path / "good.xlsx", {"traffic": rows[:3]})
    traffic = load_traffic(workbook)
    assert traffic.period is not None and traffic.period.hours == Decimal("0.5")


def test_a_parquet_file_records_its_period_in_its_metadata(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"src": ["a"], "dst": ["b"], "gb": [1.5]})
    path = tmp_path / "traffic.parquet"
    pq.write_table(table.replace_schema_metadata({b"vpccost-period-hours": b"0.5"}), path)
    traffic = load_traffic(path)
    assert traffic.period is not None and traffic.period.hours == Decimal("0.5")
    pq.write_table(table.replace_schema_metadata({b"vpccost-period-hours": b"soon"}), path)
    with pytest.raises(InputError, match=r"traffic.parquet, field 'vpccost-period-hours': 'soon' is not a positive"):
        load_traffic(path)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("gb", "1e400", "'1e400' is more than 1,000,000,000,000,000 GB in one row"),
        ("gb", "1000000000000000.5", "is more than 1,000,000,000,000,000 GB in one row"),
        ("gb", "5e-324", "'5e-324' has more than 18 decimal places (below a byte)"),
        ("bytes", "9" * 26, "is more than 1,000,000,000,000,000 GB in one row"),
    ],
    ids=["1e400", "just-over", "5e-324", "bytes"],
)
def test_a_volume_outside_the_documented_range_is_refused(
    tmp_path: Path, column: str, value: str, message: str
) -> None:
    traffic = tmp_path / "traffic.csv"
    traffic.write_text(f"src,dst,{column}\na,internet,1\na,internet,{value}\n")
    with pytest.raises(InputError, match=re.escape(message)) as refused:
        load_traffic(traffic)
    assert (refused.value.line, refused.value.field) == (3, column)


def test_the_largest_volume_and_the_finest_are_read_exactly(tmp_path: Path) -> None:
    # 34 significant digits: more than Python's default decimal context keeps (28)
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("src,dst,gb\na,internet,1000000000000000\na,internet,0.000000000000000001\n")
    loaded = load_traffic(traffic)
    assert loaded.total_gb == Decimal("1000000000000000.000000000000000001")
    assert list(loaded.to_frame()["gb"]) == [Decimal("1000000000000000.000000000000000001")]


@pytest.mark.parametrize("digits", ["٣", "１０", "²"], ids=["arabic-indic", "fullwidth", "superscript"])
def test_a_volume_written_in_other_digits_is_bad_input_not_a_crash(digits: str) -> None:
    frame = pd.DataFrame({"src": ["a"], "dst": ["internet"], "src_region": ["us-east-1"], "gb": [digits]})
    with pytest.raises(InputError, match=f"row 0, field 'gb': '{digits}' is not a number"):
        load_traffic(frame)


def test_a_frame_filtered_to_no_rows_keeps_its_numeric_volume_column() -> None:
    # compare(df[df.gb > 1e9]): no rows left, the volume column still float: an empty estimate, priced at $0
    frame = pd.DataFrame({"src": ["a"], "dst": ["internet"], "src_region": ["us-east-1"], "gb": [5.0]})
    empty = vpccost.compare(frame[frame.gb > 1e9], pricing=SNAPSHOT, optimize=False)
    assert all(design.total_usd == 0 and not design.line_items for design in empty.designs)


@pytest.mark.parametrize("suffix", [".zst", ".lz4"])
def test_a_compression_with_no_decoder_is_named(tmp_path: Path, suffix: str) -> None:
    traffic = tmp_path / f"traffic.csv{suffix}"
    traffic.write_bytes(b"\x28\xb5\x2f\xfd")
    with pytest.raises(InputError, match=f"a {suffix} file is not read: decompress it"):
        load_traffic(traffic)
