"""The boto3 sessions and clients vpccost talks to AWS with, all from boto3's usual credential chain (a named
profile or `AWS_PROFILE`, the environment, …; `AWS_ENDPOINT_URL` honoured). Credentials are never logged.

Discovery reads several accounts: `account_sessions` gives one session per account, from profiles, sessions or
roles assumed with `sts:AssumeRole` (RoleSessionName `vpccost-discover`), each named by the account id that
`sts:GetCallerIdentity` returns. Discovery's and S3's clients retry throttled and transient calls in botocore's
standard mode (`standard_retries`); the Price List and Athena clients keep botocore's default retry settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3  # type: ignore[import-untyped,unused-ignore]
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]
from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped,unused-ignore]

if TYPE_CHECKING:
    from vpccost.aws.pricelist import PricingClient

ROLE_SESSION_NAME = "vpccost-discover"


def standard_retries(max_attempts: int, **options: Any) -> Config:
    """botocore's standard retry mode: throttling and transient errors are retried with backoff, at most
    `max_attempts` times after the first attempt (botocore's meaning). `options` are further `Config` settings."""
    return Config(retries={"mode": "standard", "max_attempts": max_attempts}, **options)


DISCOVERY_CONFIG = standard_retries(10, user_agent_extra="vpccost-discover")
"""Every call discovery makes (STS, EC2, ELB): up to 10 retries."""

S3_CONFIG = standard_retries(8)
"""Listing and reading flow-log objects: up to 8 retries."""


def pricing_client(profile: str | None = None) -> PricingClient:
    """The Price List API client (its endpoint is in us-east-1), from the default credential chain or a
    named profile. Credentials are never logged."""
    session = boto3.Session(profile_name=profile)
    client: PricingClient = session.client("pricing", region_name="us-east-1")
    return client


def athena_client(region: str | None = None, profile: str | None = None) -> Any:
    """A boto3 Athena client from the usual credential chain (`profile` or `AWS_PROFILE`, environment, …)."""
    session = boto3.Session(profile_name=profile, region_name=region)
    return session.client("athena")


def s3_client_for(profile: str | None = None) -> Any:
    """An S3 client from boto3's usual credential chain, retrying throttled calls (standard mode)."""
    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    return session.client("s3", config=S3_CONFIG)


@dataclass
class AccountSession:
    """A session that reaches one account, and how it was given (`profile P`, `role ARN`, …)."""

    account: str
    label: str
    session: Any


def account_sessions(sources: Sequence[Any], role_arns: Sequence[str], warnings: list[str]) -> list[AccountSession]:
    """One session per account, each with its account id; a source that cannot be used becomes a warning.

    `sources` are boto3 sessions or profile names; `role_arns` are assumed with the first source's credentials,
    or the default credentials. With neither, the default credentials' account is the one session."""
    sessions: list[tuple[str, Any]] = []
    for source in sources:
        if isinstance(source, str):
            try:
                sessions.append((f"profile {source}", boto3.Session(profile_name=source)))
            except BotoCoreError as error:
                warnings.append(f"profile {source}: cannot be used ({error})")
        else:
            sessions.append(("session", source))
    if not sources and not role_arns:
        sessions.append(("default credentials", boto3.Session()))
    base = sessions[0][1] if sessions else boto3.Session()
    for role_arn in role_arns:
        try:
            sts = base.client("sts", region_name=home_region(base), config=DISCOVERY_CONFIG)
            credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME)["Credentials"]
        except (BotoCoreError, ClientError) as error:
            warnings.append(f"role {role_arn}: AssumeRole failed: {error_reason(error)}")
            continue
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=base.region_name,
        )
        sessions.append((f"role {role_arn}", session))
    accounts: list[AccountSession] = []
    for label, session in sessions:
        try:
            sts = session.client("sts", region_name=home_region(session), config=DISCOVERY_CONFIG)
            account = str(sts.get_caller_identity()["Account"])
        except (BotoCoreError, ClientError) as error:
            warnings.append(f"{label}: GetCallerIdentity failed, account not read: {error_reason(error)}")
            continue
        if any(known.account == account for known in accounts):
            continue  # the same account through two sources: read it once
        accounts.append(AccountSession(account=account, label=label, session=session))
    return accounts


def home_region(session: Any) -> str:
    """Where account-wide calls (STS, DescribeRegions) go: the session's region, else us-east-1."""
    return str(session.region_name or "us-east-1")


def error_reason(error: BaseException) -> str:
    """The error's code and message; botocore's messages name the action and principal, never secrets."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', 'error')}: {details.get('Message', '')}".rstrip(": ")
    return str(error)
