"""`vpccost flowlogs athena`: the matrix written from a query that moto answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flowlogs.builders import without_comments
from tests.support.athena_results import ACCEPTED, HEADER_ROW, NODATA, column_info, result_row


@pytest.fixture(autouse=True)
def offline_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)


def test_the_athena_command_writes_the_matrix_from_a_moto_query(tmp_path: Path) -> None:
    from moto import mock_aws
    from moto.athena.models import QueryResults, athena_backends
    from moto.core import DEFAULT_ACCOUNT_ID  # type: ignore[attr-defined]

    from tests.conftest import run_cli

    topology = tmp_path / "topology.yaml"
    topology.write_text(
        "vpcs:\n"
        "  - {id: vpc-0a1b2c3d4e5f60718, account: '111111111111', region: us-east-1, cidrs: [10.0.0.0/16],"
        " azs: [use1-az1]}\n"
        "  - {id: vpc-0b1b2c3d4e5f60718, account: '111111111111', region: us-east-1, cidrs: [10.1.0.0/16],"
        " azs: [use1-az1]}\n"
    )
    output, report = tmp_path / "traffic.csv", tmp_path / "report.json"
    with mock_aws():
        backend = athena_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
        backend.query_results_queue.append(
            QueryResults(rows=[HEADER_ROW, result_row(ACCEPTED), result_row(NODATA)], column_info=column_info())
        )
        result = run_cli(
            "flowlogs", "athena", "--database", "flowlogs", "--table", "vpc_flow_logs", "--workgroup", "primary",
            "--output-location", "s3://results/", "--topology", topology, "--documented-table",
            "--output", output, "--report", report, "--region", "us-east-1",
        )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # the one accepted group: 9,000,000,000 bytes sent from 10.0.1.5 (vpc-0a…) to 10.1.0.7 (vpc-0b…), egress
    lines = without_comments(output.read_text()).splitlines()
    assert lines[0].startswith("src,dst,")
    assert any(
        line.startswith("vpc-0a1b2c3d4e5f60718,vpc-0b1b2c3d4e5f60718,") and "9000000000" in line for line in lines
    )
    assert '"athena_query_id"' in report.read_text()
