"""Stage A of flow-log aggregation: SQL that any engine DuckDB and Athena (Trino) agree on runs over the
raw records and returns a few grouped rows, so that only those rows reach Python (Stage B, `counting.py`).

The SQL removes exact duplicates (rule 5 in `vpccost.flowlogs`), classifies every record (accepted, rejected, no
data, skipped data, malformed, outside the time window), infers which side opened each connection from its
TCP flags, else its ports (rule 7), and then forgets ports and times, which is where the volume goes: a long
connection's many interval records and a service's thousands of client ports become one row.

It sticks to what both engines share: CTEs, GROUP BY, CASE, COALESCE, NULLIF, CAST, FLOOR, MOD, LEFT JOIN,
UNION ALL, and double-quoted identifiers (`end` is reserved in Trino). TCP flag bits are tested with integer
MOD alone (SYN, 2, is set when `MOD(flags, 4) >= 2`), never `/`, which divides integers exactly in Trino and in
floating point in DuckDB; a negative value has no bit set in either. Sums are cast to BIGINT (DuckDB would
return HUGEINT).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from vpccost.flowlogs.formats import INTEGER_FIELDS, field_name

MILLISECONDS_THRESHOLD = 100_000_000_000
"""A `start`/`end` at or above this is in milliseconds: 10^11 seconds is the year 5138, 10^11 ms is 1973."""

EPHEMERAL_PORT_START = 32768
"""Linux's default ephemeral range starts here (Windows' and macOS' at 49152): a port below it on one side and
at or above it on the other marks the lower one as the listening side."""

WELL_KNOWN_PORT_END = 1024

VPC_INPUT_COLUMNS: tuple[str, ...] = (
    "interface_id",
    "resource_id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log_status",
    "tcp_flags",
    "pkt_srcaddr",
    "pkt_dstaddr",
    "pkt_src_aws_service",
    "pkt_dst_aws_service",
    "flow_direction",
    "vpc_id",
    "subnet_id",
    "az_id",
    "interface_type",
)
"""The columns Stage A reads from a VPC flow-log relation; every other column is ignored. A column the
relation lacks is read as NULL, except `action` (absent: every record is taken as accepted, as a flow log
with traffic type ACCEPT writes) and `log_status` (absent: OK)."""

CODED_COLUMNS: tuple[str, ...] = (
    "interface_id",
    "resource_id",
    "srcaddr",
    "dstaddr",
    "pkt_srcaddr",
    "pkt_dstaddr",
    "pkt_src_aws_service",
    "pkt_dst_aws_service",
    "flow_direction",
    "vpc_id",
    "subnet_id",
    "az_id",
    "interface_type",
)
"""Text columns Stage A only groups, compares for equality or orders consistently, never matches against
literals: a relation may hold them as integer codes (`flow_rows_sql(coded=…)`)."""

DESCRIBED_COLUMNS: tuple[str, ...] = (
    "interface_id",
    "interface_type",
    "vpc_id",
    "subnet_id",
    "az_id",
    "flow_direction",
    "srcaddr",
    "dstaddr",
    "pkt_srcaddr",
    "pkt_dstaddr",
    "pkt_src_aws_service",
    "pkt_dst_aws_service",
)
"""What a row says about its records, besides status and initiator."""

_SUMS = """CAST(COUNT(*) AS BIGINT) AS records,
  CAST(SUM(COALESCE(packets, 0)) AS BIGINT) AS packets,
  CAST(SUM(COALESCE(bytes, 0)) AS BIGINT) AS bytes,
  CAST(SUM(copies - 1) AS BIGINT) AS duplicate_records,
  CAST(SUM((copies - 1) * COALESCE(bytes, 0)) AS BIGINT) AS duplicate_bytes,
  MIN(start_s) AS first_start,
  MAX(end_s) AS last_end"""

TRANSIT_GATEWAY_INPUT_COLUMNS: tuple[str, ...] = (
    "tgw_id",
    "tgw_attachment_id",
    "tgw_src_vpc_id",
    "tgw_dst_vpc_id",
    "tgw_src_az_id",
    "tgw_dst_az_id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "log_status",
    "packets_lost_no_route",
    "packets_lost_blackhole",
    "packets_lost_mtu_exceeded",
    "packets_lost_ttl_expired",
)
"""The columns the Transit Gateway query reads."""

STATUSES = ("ACCEPT", "REJECT", "NODATA", "SKIPDATA", "MALFORMED", "OUTSIDE_WINDOW")

_STATUS_CODES = {status: code for code, status in enumerate(STATUSES)}
"""Statuses as small integers inside the query, where records are grouped by them; text in its result."""

FLOW_ROW_COLUMNS: tuple[str, ...] = (
    "status",
    *DESCRIBED_COLUMNS,
    "initiator",
    "initiator_evidence",
    "records",
    "packets",
    "bytes",
    "duplicate_records",
    "duplicate_bytes",
    "first_start",
    "last_end",
)
"""The columns of `flow_rows_sql`'s result, in order (its docstring says what each holds)."""

TRANSIT_GATEWAY_ROW_COLUMNS: tuple[str, ...] = (
    "status",
    "tgw_id",
    "tgw_attachment_id",
    "tgw_src_vpc_id",
    "tgw_dst_vpc_id",
    "tgw_src_az_id",
    "tgw_dst_az_id",
    "records",
    "packets",
    "bytes",
    "duplicate_records",
    "duplicate_bytes",
    "packets_lost",
    "first_start",
    "last_end",
)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def flow_rows_sql(
    table: str,
    columns: Iterable[str],
    *,
    start: datetime | int | None = None,
    end: datetime | int | None = None,
    where: str | None = None,
    coded: Iterable[str] = (),
) -> str:
    """The Stage A query over a relation of VPC flow-log records.

    `table` is the relation (`name`, `schema.name` or `catalog.schema.name`); `columns` are the columns it
    has, with underscores as in Athena's flow-log tables (`pkt_srcaddr`): text columns hold text, with `-`
    or NULL for a missing value; integer columns (`srcport dstport protocol packets bytes start end tcp_flags`)
    hold integers or NULL. `start`/`end` bound the time window, `start` inclusive and `end` exclusive, on each
    record's `start` (after milliseconds are turned into seconds); `where` is an extra predicate written by the
    caller, e.g. on the table's date partitions so that Athena reads fewer files (it is SQL, never user text).
    `coded` names text columns (among `CODED_COLUMNS`) that the relation holds as integer codes of their text
    instead, NULL for missing: the local reader codes them, because grouping integers is several times faster
    than grouping text; the result then holds the codes in those columns.

    Result rows, one per group (`FLOW_ROW_COLUMNS`):

    - `status`: `ACCEPT` (log-status OK, action ACCEPT), `REJECT`, `NODATA`, `SKIPDATA`, `MALFORMED` (an OK
      record without addresses or bytes, an unknown log-status or action) or `OUTSIDE_WINDOW`.
    - `interface_id`: the ENI, or `resource-id` when `interface-id` is `-` (regional NAT gateways).
    - For `ACCEPT` and `REJECT` rows (NULL otherwise): `interface_type vpc_id subnet_id az_id flow_direction
      srcaddr dstaddr pkt_srcaddr pkt_dstaddr pkt_src_aws_service pkt_dst_aws_service` as in the records (`-`
      as NULL): rejected records still show which addresses an ENI has (rule 1).
    - For `ACCEPT` rows only: `initiator`: `src` when the record's sender opened the connection, `dst` when
      its receiver did, NULL when neither TCP flags nor ports tell; `initiator_evidence`: `tcp_flags`, `ports`
      or `none`. TCP flags decide on the connection's 5-tuple, whichever record carries them: SYN without ACK is
      sent by the initiator, SYN-ACK by the responder. Otherwise the side on a well-known port (below 1024)
      facing a port at or above it, or on a port below the ephemeral range (32768) facing one in it, is the
      responder.
    - `records`: the distinct records in the group; `packets`, `bytes`: their sums (0 where unknown);
      `duplicate_records`, `duplicate_bytes`: the extra copies of those records that were removed (same
      interface, 5-tuple, start, end, packets and bytes) and their bytes.
    - `first_start`, `last_end`: Unix seconds. `SKIPDATA` rows are one per interface and interval, so these
      are the interval the ENI's records were lost for; `NODATA`, `MALFORMED` and `OUTSIDE_WINDOW` rows are one
      per interface.
    """
    present = _checked_columns(columns)
    as_codes = frozenset(coded)
    unknown = as_codes - set(CODED_COLUMNS)
    if unknown:
        raise ValueError(f"columns {', '.join(sorted(unknown))} cannot be coded")
    window = _window_predicate("start_s", start, end)

    def text(name: str) -> str:
        if name in as_codes:
            return f"CAST({_quote(name)} AS INTEGER)" if name in present else "CAST(NULL AS INTEGER)"
        return f"NULLIF(NULLIF({_quote(name)}, '-'), '')" if name in present else "CAST(NULL AS VARCHAR)"

    def integer(name: str) -> str:
        return f"CAST({_quote(name)} AS BIGINT)" if name in present else "CAST(NULL AS BIGINT)"

    def seconds(name: str) -> str:
        value = integer(name)
        return (
            f"CASE WHEN {value} >= {MILLISECONDS_THRESHOLD} THEN CAST(FLOOR({value} / 1000) AS BIGINT) ELSE {value} END"
        )

    def empty(name: str) -> str:
        return "CAST(NULL AS INTEGER)" if name in as_codes else "CAST(NULL AS VARCHAR)"

    action = text("action") if "action" in present else "'ACCEPT'"
    log_status = text("log_status") if "log_status" in present else "'OK'"
    where_clause = f"\n  WHERE {where}" if where else ""
    outside = f"WHEN {window} THEN {_STATUS_CODES['OUTSIDE_WINDOW']}\n      " if window else ""
    record_key = "status, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, start_s, end_s, packets, bytes"
    # the key's own columns are not aggregated again (srcaddr, dstaddr): one column each, and less work
    kept = [name for name in (*DESCRIBED_COLUMNS[1:], "tcp_flags") if name not in record_key.split(", ")]
    kept_maxima = ",\n    ".join(f"MAX({name}) AS {name}" for name in kept)
    described = ", ".join(DESCRIBED_COLUMNS)
    bit = "MOD(tcp_flags, {twice}) >= {value}"
    syn, ack = bit.format(value=2, twice=4), bit.format(value=16, twice=32)
    text_columns = "".join(f"\n    {text(name)} AS {name}," for name in DESCRIBED_COLUMNS[1:])
    described_nulls = ", ".join(empty(name) for name in DESCRIBED_COLUMNS[1:])
    malformed = _STATUS_CODES["MALFORMED"]
    status_text = "CASE status " + " ".join(f"WHEN {code} THEN '{name}'" for name, code in _STATUS_CODES.items())
    status_text += " END"
    return f"""WITH records AS (
  SELECT
    COALESCE({text("interface_id")}, {text("resource_id")}) AS interface_id,{text_columns}
    {integer("srcport")} AS srcport,
    {integer("dstport")} AS dstport,
    {integer("protocol")} AS protocol,
    {integer("packets")} AS packets,
    {integer("bytes")} AS bytes,
    {seconds("start")} AS start_s,
    {seconds("end")} AS end_s,
    {action} AS action,
    {log_status} AS log_status,
    {integer("tcp_flags")} AS tcp_flags
  FROM {quote_table(table)}{where_clause}
),
classified AS (
  SELECT records.*,
    CASE
      WHEN log_status IS NULL OR log_status NOT IN ('OK', 'NODATA', 'SKIPDATA') THEN {malformed}
      {outside}WHEN log_status = 'NODATA' THEN {_STATUS_CODES["NODATA"]}
      WHEN log_status = 'SKIPDATA' THEN {_STATUS_CODES["SKIPDATA"]}
      WHEN srcaddr IS NULL OR dstaddr IS NULL OR bytes IS NULL OR bytes < 0 THEN {malformed}
      WHEN action = 'REJECT' THEN {_STATUS_CODES["REJECT"]}
      WHEN action = 'ACCEPT' THEN {_STATUS_CODES["ACCEPT"]}
      ELSE {malformed}
    END AS status
  FROM records
),
unique_records AS (
  SELECT {record_key},
    {kept_maxima},
    COUNT(*) AS copies
  FROM classified
  GROUP BY {record_key}
),
identified AS (
  SELECT unique_records.*,
    COALESCE(pkt_srcaddr, srcaddr) AS id_src,
    COALESCE(pkt_dstaddr, dstaddr) AS id_dst,
    COALESCE(srcport, -1) AS src_port,
    COALESCE(dstport, -1) AS dst_port,
    CASE WHEN tcp_flags IS NOT NULL AND {syn} AND NOT ({ack}) THEN 1 ELSE 0 END AS syn,
    CASE WHEN tcp_flags IS NOT NULL AND {syn} AND {ack} THEN 1 ELSE 0 END AS syn_ack
  FROM unique_records
  WHERE status = {_STATUS_CODES["ACCEPT"]}
),
oriented AS (
  SELECT identified.*,
    CASE WHEN id_src < id_dst OR (id_src = id_dst AND src_port <= dst_port) THEN 1 ELSE 0 END AS forward
  FROM identified
),
keyed AS (
  SELECT oriented.*,
    CASE WHEN forward = 1 THEN id_src ELSE id_dst END AS side_a,
    CASE WHEN forward = 1 THEN src_port ELSE dst_port END AS side_a_port,
    CASE WHEN forward = 1 THEN id_dst ELSE id_src END AS side_b,
    CASE WHEN forward = 1 THEN dst_port ELSE src_port END AS side_b_port,
    COALESCE(protocol, -1) AS connection_protocol
  FROM oriented
),
connections AS (
  SELECT side_a, side_a_port, side_b, side_b_port, connection_protocol,
    MAX(CASE WHEN (syn = 1 AND forward = 1) OR (syn_ack = 1 AND forward = 0) THEN 1 ELSE 0 END) AS a_opened,
    MAX(CASE WHEN (syn = 1 AND forward = 0) OR (syn_ack = 1 AND forward = 1) THEN 1 ELSE 0 END) AS b_opened
  FROM keyed
  WHERE syn = 1 OR syn_ack = 1
  GROUP BY side_a, side_a_port, side_b, side_b_port, connection_protocol
),
decided AS (
  SELECT keyed.*,
    CASE
      WHEN connections.a_opened = 1 AND connections.b_opened = 0 THEN
        CASE WHEN keyed.forward = 1 THEN 'src' ELSE 'dst' END
      WHEN connections.b_opened = 1 AND connections.a_opened = 0 THEN
        CASE WHEN keyed.forward = 1 THEN 'dst' ELSE 'src' END
    END AS flag_initiator,
    CASE
      WHEN keyed.srcport IS NULL OR keyed.dstport IS NULL THEN NULL
      WHEN keyed.srcport < {WELL_KNOWN_PORT_END} AND keyed.dstport >= {WELL_KNOWN_PORT_END} THEN 'dst'
      WHEN keyed.dstport < {WELL_KNOWN_PORT_END} AND keyed.srcport >= {WELL_KNOWN_PORT_END} THEN 'src'
      WHEN keyed.srcport < {EPHEMERAL_PORT_START} AND keyed.dstport >= {EPHEMERAL_PORT_START} THEN 'dst'
      WHEN keyed.dstport < {EPHEMERAL_PORT_START} AND keyed.srcport >= {EPHEMERAL_PORT_START} THEN 'src'
    END AS port_initiator
  FROM keyed
  LEFT JOIN connections
    ON keyed.side_a = connections.side_a AND keyed.side_a_port = connections.side_a_port
    AND keyed.side_b = connections.side_b AND keyed.side_b_port = connections.side_b_port
    AND keyed.connection_protocol = connections.connection_protocol
),
accepted AS (
  SELECT {described},
    COALESCE(flag_initiator, port_initiator) AS initiator,
    CASE
      WHEN flag_initiator IS NOT NULL THEN 'tcp_flags'
      WHEN port_initiator IS NOT NULL THEN 'ports'
      ELSE 'none'
    END AS initiator_evidence,
    packets, bytes, copies, start_s, end_s
  FROM decided
)
SELECT 'ACCEPT' AS status, {described}, initiator, initiator_evidence,
  {_SUMS}
FROM accepted
GROUP BY {described}, initiator, initiator_evidence
UNION ALL
SELECT 'REJECT' AS status, {described}, CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
  {_SUMS}
FROM unique_records
WHERE status = {_STATUS_CODES["REJECT"]}
GROUP BY {described}
UNION ALL
SELECT {status_text}, interface_id, {described_nulls}, CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
  {_SUMS}
FROM unique_records
WHERE status NOT IN ({_STATUS_CODES["ACCEPT"]}, {_STATUS_CODES["REJECT"]})
GROUP BY status, interface_id,
  CASE WHEN status = {_STATUS_CODES["SKIPDATA"]} THEN start_s END,
  CASE WHEN status = {_STATUS_CODES["SKIPDATA"]} THEN end_s END
"""


def transit_gateway_rows_sql(
    table: str,
    columns: Iterable[str],
    *,
    start: datetime | int | None = None,
    end: datetime | int | None = None,
    where: str | None = None,
) -> str:
    """The query over a relation of Transit Gateway flow-log records: exact duplicates removed as for VPC
    records, then one row per attachment, source and destination VPC and AZ, and status
    (`TRANSIT_GATEWAY_ROW_COLUMNS`; `status` is `ACCEPT` for log-status OK, else as `flow_rows_sql`).
    These records say which attachments traffic crossed; they are never matrix edges (the VPC records of the
    same packets are)."""
    present = _checked_columns(columns)

    def text(name: str) -> str:
        return f"NULLIF(NULLIF({_quote(name)}, '-'), '')" if name in present else "CAST(NULL AS VARCHAR)"

    def integer(name: str) -> str:
        return f"CAST({_quote(name)} AS BIGINT)" if name in present else "CAST(NULL AS BIGINT)"

    def seconds(name: str) -> str:
        value = integer(name)
        return (
            f"CASE WHEN {value} >= {MILLISECONDS_THRESHOLD} THEN CAST(FLOOR({value} / 1000) AS BIGINT) ELSE {value} END"
        )

    window = _window_predicate("start_s", start, end)
    outside = f"WHEN {window} THEN 'OUTSIDE_WINDOW'\n      " if window else ""
    log_status = text("log_status") if "log_status" in present else "'OK'"
    lost = " + ".join(
        f"COALESCE({integer(name)}, 0)"
        for name in (
            "packets_lost_no_route",
            "packets_lost_blackhole",
            "packets_lost_mtu_exceeded",
            "packets_lost_ttl_expired",
        )
    )
    where_clause = f"\n  WHERE {where}" if where else ""
    described = "tgw_id, tgw_attachment_id, tgw_src_vpc_id, tgw_dst_vpc_id, tgw_src_az_id, tgw_dst_az_id"
    record_key = (
        f"status, {described}, srcaddr, dstaddr, srcport, dstport, protocol, start_s, end_s, packets, bytes, lost"
    )
    return f"""WITH records AS (
  SELECT
    {text("tgw_id")} AS tgw_id,
    {text("tgw_attachment_id")} AS tgw_attachment_id,
    {text("tgw_src_vpc_id")} AS tgw_src_vpc_id,
    {text("tgw_dst_vpc_id")} AS tgw_dst_vpc_id,
    {text("tgw_src_az_id")} AS tgw_src_az_id,
    {text("tgw_dst_az_id")} AS tgw_dst_az_id,
    {text("srcaddr")} AS srcaddr,
    {text("dstaddr")} AS dstaddr,
    {integer("srcport")} AS srcport,
    {integer("dstport")} AS dstport,
    {integer("protocol")} AS protocol,
    {integer("packets")} AS packets,
    {integer("bytes")} AS bytes,
    {seconds("start")} AS start_s,
    {seconds("end")} AS end_s,
    {log_status} AS log_status,
    {lost} AS lost
  FROM {quote_table(table)}{where_clause}
),
classified AS (
  SELECT records.*,
    CASE
      WHEN log_status IS NULL OR log_status NOT IN ('OK', 'NODATA', 'SKIPDATA') THEN 'MALFORMED'
      {outside}WHEN log_status = 'NODATA' THEN 'NODATA'
      WHEN log_status = 'SKIPDATA' THEN 'SKIPDATA'
      WHEN bytes IS NULL OR bytes < 0 THEN 'MALFORMED'
      ELSE 'ACCEPT'
    END AS status
  FROM records
),
unique_records AS (
  SELECT {record_key}, COUNT(*) AS copies
  FROM classified
  GROUP BY {record_key}
)
SELECT status, {described},
  CAST(COUNT(*) AS BIGINT) AS records,
  CAST(SUM(COALESCE(packets, 0)) AS BIGINT) AS packets,
  CAST(SUM(COALESCE(bytes, 0)) AS BIGINT) AS bytes,
  CAST(SUM(copies - 1) AS BIGINT) AS duplicate_records,
  CAST(SUM((copies - 1) * COALESCE(bytes, 0)) AS BIGINT) AS duplicate_bytes,
  CAST(SUM(lost) AS BIGINT) AS packets_lost,
  MIN(start_s) AS first_start,
  MAX(end_s) AS last_end
FROM unique_records
GROUP BY status, {described}
"""


def epoch_seconds(moment: datetime | int) -> int:
    """Unix seconds of a moment (a naive datetime is taken as UTC, as flow logs are)."""
    if isinstance(moment, int):
        return moment
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return int(aware.timestamp())


def quote_table(table: str) -> str:
    """`db.table` → `"db"."table"`; refuses anything but dotted identifiers, so no SQL can ride on a name."""
    parts = table.split(".")
    if not all(_IDENTIFIER.match(part) for part in parts) or len(parts) > 3:
        raise ValueError(f"'{table}' is not a table name (letters, digits and underscores, dotted)")
    return ".".join(_quote(part) for part in parts)


def integer_column(column: str) -> bool:
    """Whether Stage A expects integers in this column."""
    return field_name(column) in INTEGER_FIELDS


def _window_predicate(column: str, start: datetime | int | None, end: datetime | int | None) -> str:
    """SQL that is true for a record OUTSIDE the window (NULL-safe: a record without a start is outside)."""
    conditions = []
    if start is not None:
        conditions.append(f"{column} < {epoch_seconds(start)}")
    if end is not None:
        conditions.append(f"{column} >= {epoch_seconds(end)}")
    if not conditions:
        return ""
    return f"{column} IS NULL OR " + " OR ".join(conditions)


def _checked_columns(columns: Iterable[str]) -> frozenset[str]:
    present = frozenset(columns)
    for column in present:
        if not _IDENTIFIER.match(column):
            raise ValueError(f"'{column}' is not a column name (letters, digits and underscores)")
    return present


def _quote(identifier: str) -> str:
    return f'"{identifier}"'
