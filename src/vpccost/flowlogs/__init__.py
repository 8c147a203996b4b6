"""VPC Flow Logs → traffic matrix: each byte counted once (FLOWLOGS.md), addresses resolved against the topology.

Two stages, so that the same counting serves local files and Athena: Stage A (`sql.flow_rows_sql`) is SQL that
DuckDB and Athena both run, removing duplicates and grouping records; Stage B (`counting.count_flows`) applies
the counting rule to its rows and resolves addresses. `aggregate_flowlogs` runs both on files or S3 objects.
"""

from vpccost.flowlogs.aggregate import (
    MONTHLY_OUTPUT_COLUMNS,
    OUTPUT_COLUMNS,
    FlowLogAggregate,
    Progress,
    aggregate_flowlogs,
    parse_time,
)
from vpccost.flowlogs.counting import CountedTraffic, count_flows
from vpccost.flowlogs.report import SKIP_REASONS, FlowLogReport

__all__ = [
    "MONTHLY_OUTPUT_COLUMNS",
    "OUTPUT_COLUMNS",
    "SKIP_REASONS",
    "CountedTraffic",
    "FlowLogAggregate",
    "FlowLogReport",
    "Progress",
    "aggregate_flowlogs",
    "count_flows",
    "parse_time",
]
