"""Gateway endpoints: free, and only for S3 and DynamoDB (vpccost/options/gateway_endpoint.py; AWS's VPC pricing
page: "no data processing or hourly charges")."""

from __future__ import annotations

from tests.conftest import vpc
from tests.support.estates import charged, context, estate, every_flow, needed
from vpccost.options import subjects
from vpccost.options.base import Blocked
from vpccost.options.gateway_endpoint import FREE, OPTION

ROWS = [
    {"src": "a", "dst": "aws:s3", "gb": "100"},
    {"src": "a", "dst": "aws:dynamodb", "gb": "10"},
    {"src": "a", "dst": "aws:sqs", "gb": "1"},
]


def test_nothing_is_metered_and_the_assumption_says_so() -> None:
    ctx = context(estate([vpc("a")], ROWS))
    used = OPTION.usage(ctx, every_flow(ctx))
    assert (charged(ctx, used), needed(ctx, used), used.assumptions) == ([], {}, [FREE])
    assert OPTION.usage(ctx, ~every_flow(ctx)).assumptions == []


def test_only_s3_and_dynamodb_have_one() -> None:
    ctx = context(estate([vpc("a")], ROWS))
    calls = subjects.services(ctx).keys  # (VPC, service) codes; services in the order the rows name them
    assert [ctx.estate.services[service] for _, service in calls.tolist()] == ["s3", "dynamodb", "sqs"]
    assert OPTION.blocked(ctx, calls) == {
        2: Blocked("a: aws:sqs has no gateway endpoint (only S3 and DynamoDB do); not priced")
    }
