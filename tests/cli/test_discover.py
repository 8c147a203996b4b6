"""`vpccost discover`: what it refuses before calling AWS (tests/aws/test_discovery.py runs it against a moto
server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.fixture(autouse=True)
def no_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials, no instance metadata, no ~/.aws files, and an endpoint nothing listens on: a call that
    reached AWS would fail at once rather than leave the machine."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_the_cli_refuses_an_unknown_region(tmp_path: Path) -> None:
    output = tmp_path / "topology.yaml"
    result = run_cli("discover", "--regions", "us-east-1,mars-north-1", "--output", output)
    assert result.exit_code == 2
    assert "mars-north-1" in result.stderr
    assert not output.exists()
