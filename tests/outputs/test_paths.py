"""Every output of a run checked before any work: none may name an input, another output, a read-only file, or
the wrong kind of thing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vpccost.errors import InputError
from vpccost.outputs.paths import check_outputs, inputs, snapshot_input


@pytest.fixture
def run_files(tmp_path: Path) -> Path:
    """A folder with the files of a run: traffic, topology, a pricing snapshot folder, flow logs, a link to the
    traffic file, a read-only file."""
    (tmp_path / "traffic.csv").write_text("src,dst,gb\n")
    (tmp_path / "topology.yaml").write_text("vpcs: []\n")
    (tmp_path / "snapshot").mkdir()
    (tmp_path / "snapshot" / "prices.json").write_text("{}")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.log").write_text("")
    (tmp_path / "link.csv").symlink_to(tmp_path / "traffic.csv")
    (tmp_path / "locked.csv").write_text("")
    (tmp_path / "locked.csv").chmod(0o444)
    return tmp_path


# (outputs as option -> name in the folder, the message expected; None: accepted)
CASES: list[tuple[str, dict[str, str], str | None]] = [
    ("new file", {"--output": "out.csv"}, None),
    ("the traffic file", {"--output": "traffic.csv"}, "--output {traffic.csv} is the traffic file this run reads"),
    ("a link to it", {"--output": "link.csv"}, "--output {link.csv} is the traffic file this run reads"),
    ("the same, by another name", {"--html": "./logs/../traffic.csv"}, "is the traffic file this run reads"),
    ("the topology", {"--report": "topology.yaml"}, "--report {topology.yaml} is the topology this run reads"),
    ("the snapshot's prices", {"--output": "snapshot/prices.json"}, "is the pricing snapshot this run reads"),
    ("a flow-log file", {"--output": "logs/a.log"}, "is inside {logs}, a flow-log folder this run reads"),
    ("inside the flow logs", {"--output": "logs/traffic.csv"}, "is inside {logs}, a flow-log folder this run reads"),
    (
        "two outputs, one file",
        {"--output": "x.html", "--html": "x.html"},
        "--output {x.html} and --html {x.html} name the same file",
    ),
    ("read-only", {"--output": "locked.csv"}, "--output {locked.csv} is read-only"),
    ("a folder", {"--output": "snapshot"}, "--output {snapshot} is a folder, not a file"),
    ("no such folder", {"--output": "absent/out.csv"}, "--output {absent/out.csv}: no such folder {absent}"),
    ("a stream", {"--output": "/dev/stdout", "--report": "/dev/null"}, None),
    ("the same stream twice", {"--output": "/dev/stdout", "--html": "/dev/stdout"}, "name the same file"),
]


@pytest.mark.parametrize(("outputs", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_outputs_are_checked_against_the_inputs_and_each_other(
    run_files: Path, outputs: dict[str, str], message: str | None
) -> None:
    read = [
        *inputs("the traffic file", [run_files / "traffic.csv"]),
        *inputs("the topology", [run_files / "topology.yaml", None]),
        *snapshot_input(run_files / "snapshot"),
        *inputs("a flow-log file", [run_files / "logs", "s3://bucket/prefix"], recursive=True),
    ]
    paths = {option: Path(name) if name.startswith("/") else run_files / name for option, name in outputs.items()}
    if message is None:
        check_outputs(paths, read)
        return
    expected = message
    for name in ("traffic.csv", "link.csv", "topology.yaml", "logs", "x.html", "locked.csv", "snapshot"):
        expected = expected.replace(f"{{{name}}}", str(run_files / name))
    expected = expected.replace("{absent/out.csv}", str(run_files / "absent" / "out.csv"))
    expected = expected.replace("{absent}", str(run_files / "absent"))
    with pytest.raises(InputError) as raised:
        check_outputs(paths, read)
    assert expected in str(raised.value)
    assert sorted(os.listdir(run_files)) == sorted(
        ["traffic.csv", "topology.yaml", "snapshot", "logs", "link.csv", "locked.csv"]
    )


def test_a_glob_of_flow_logs_names_each_file_it_matches(run_files: Path) -> None:
    with pytest.raises(InputError, match="is a flow-log file this run reads"):
        check_outputs({"--output": run_files / "logs" / "a.log"}, inputs("a flow-log file", [f"{run_files}/*/*.log"]))


def test_an_output_folder_that_is_a_file_is_refused(run_files: Path) -> None:
    with pytest.raises(InputError, match=r"--output-dir .*traffic\.csv is a file, not a folder"):
        check_outputs({}, folders={"--output-dir": run_files / "traffic.csv"})
