"""Gateway endpoint: a VPC reaches S3 or DynamoDB in its region through a gateway endpoint in its route
tables, which has "no data processing or hourly charges" — nothing is metered. Only those two services have one."""

from __future__ import annotations

import numpy as np

from vpccost.model.aws_facts import GATEWAY_ENDPOINT_SERVICES
from vpccost.options.base import Blocked, Context, Option, OptionUsage

NAME = "gateway-endpoint"
FREE = "Gateway endpoints (S3, DynamoDB) have no hourly or data processing charge."


class GatewayEndpoint(Option):
    name = NAME

    def usage(self, ctx: Context, rows: np.ndarray) -> OptionUsage:
        return OptionUsage(assumptions=[FREE] if rows.any() else [])

    def blocked(self, ctx: Context, subjects: np.ndarray) -> dict[int, Blocked]:
        services = ctx.estate.services
        reachable = np.array([name in GATEWAY_ENDPOINT_SERVICES for name in services], dtype=bool)
        return {
            index: Blocked(
                f"{ctx.vpcs[vpc].label}: aws:{services[service]} has no gateway endpoint (only S3 and DynamoDB do); "
                "not priced"
            )
            for index in np.flatnonzero(~reachable[subjects[:, 1]]).tolist()
            for vpc, service in [subjects[index].tolist()]
        }


OPTION = GatewayEndpoint()
