"""Gateway endpoint: a VPC reaches S3 or DynamoDB in its region through a gateway endpoint in its route
tables, which has "no data processing or hourly charges" — nothing is metered. Only those two services have one."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vpccost.model.aws_facts import GATEWAY_ENDPOINT_SERVICES
from vpccost.options.base import Blocked, Context, Option, OptionUsage

NAME = "gateway-endpoint"
FREE = "Gateway endpoints (S3, DynamoDB) have no hourly or data processing charge."


class GatewayEndpoint(Option):
    name = NAME

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        return OptionUsage(assumptions=[FREE] if rows.any() else [])

    def blocked(self, ctx: Context, subjects: np.ndarray) -> Sequence[Blocked | None]:
        services = ctx.estate.services
        return [
            None
            if services[service] in GATEWAY_ENDPOINT_SERVICES
            else Blocked(
                f"{ctx.vpcs[vpc].label}: aws:{services[service]} has no gateway endpoint (only S3 and DynamoDB do); "
                "not priced"
            )
            for vpc, service in subjects.tolist()
        ]


OPTION = GatewayEndpoint()
