"""VPC Flow Logs → traffic matrix: each byte counted once, addresses resolved against the topology.

A packet is recorded at its sender and at its receiver, again on the middlebox ENIs it crosses, and again by
overlapping flow logs. The counting rules, cited elsewhere by number:

1. A sender's bytes count from the egress record at its ENI when the sender is logged: its address is the local
   side of some workload (non-middlebox) record in the input, whatever the topology says.
2. The ingress record at the receiver's ENI counts only when the sender is not logged (the internet, AWS public
   services, VPCs or accounts without flow logs).
3. Records of middlebox ENIs (NAT gateway, TGW attachment, interface endpoint, load balancer) are not edges; they
   classify the path and measure processed bytes. An ENI is a middlebox when the topology's `interfaces` or the
   `interface-type` field says so, else when some of its records show address translation: then all of them are.
4. Traffic to an interface-endpoint or load-balancer ENI the inventory knows is attributed to the service or
   provider VPC behind it, not to the ENI's own VPC.
5. Exact duplicates (same ENI, 5-tuple, start, end, packets, bytes) count once, across flow logs and files.
6. Without `flow-direction`, the local side is the address that belongs to the logged ENI or subnet; a record
   whose side cannot be decided is unattributed, not guessed.
7. A flow's initiator comes from `tcp-flags` on its 5-tuple (SYN without ACK from the initiator, SYN-ACK from the
   responder), else from ports (the side on a well-known or listening port is the responder).

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
