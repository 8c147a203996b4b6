"""The traffic matrix the rules of `vpccost.flowlogs` must produce from the synthetic flow logs, and the record
and byte counts it implies: derived from the connections, never from the records and never by calling the aggregator.
"""

from __future__ import annotations

import numpy as np

from tests.support.synthetic_connections import INI, ROLES, RSP, Connections, Records, Volumes
from tests.support.synthetic_estate import BoolArray, Estate, IntArray


def _matrix_names(estate: Estate) -> tuple[list[str], list[str]]:
    """For each address: its matrix endpoint (VPC id, `internet`, `aws:s3` …) and AZ ID ('' off VPCs)."""
    names = []
    azs = []
    for index, service in enumerate(estate.address_service):
        eni = estate.eni_of_address.get(index)
        if eni is not None:
            item = estate.enis[eni]
            if item.kind == "vpc_endpoint" and estate.spec.inventory:
                endpoint = next(e for e in estate.vpcs[item.vpc].endpoints if e["id"] == item.resource)
                names.append(f"aws:{endpoint['service']}")
                azs.append("")
            else:
                names.append(estate.vpcs[item.vpc].id)
                azs.append(item.az)
        elif service == "-":
            names.append("internet")
            azs.append("")
        else:
            names.append(f"aws:{service.lower()}")
            azs.append("")
    return names, azs


def ground_truth(
    estate: Estate,
    connections: Connections,
    has: BoolArray,
    volumes: Volumes,
    records: Records,
    second: IntArray,
    middlebox: BoolArray,
) -> tuple[str, dict[str, dict[str, int]]]:
    """The matrix the counting rule yields, from the connections; and the record and byte counts it implies."""
    c_count = len(connections.kind)
    ini_eni, rsp_eni = connections.eni[:, INI], connections.eni[:, RSP]
    ini_work = (ini_eni >= 0) & ~middlebox[np.maximum(ini_eni, 0)]
    rsp_work = (rsp_eni >= 0) & ~middlebox[np.maximum(rsp_eni, 0)]
    # rule 1: logged = the local side of some workload record (any action)
    logged = np.zeros(len(estate.addresses), dtype=np.bool_)
    logged[connections.address[has[:, 0] | has[:, 1], INI]] = True
    logged[connections.address[(has[:, 2] | has[:, 3]) & rsp_work, RSP]] = True
    ini_logged = logged[connections.address[:, INI]] & ini_work
    rsp_logged = logged[np.maximum(connections.address[:, RSP], 0)] & rsp_work & (connections.address[:, RSP] >= 0)
    ini_records = has[:, 1] & ini_work
    rsp_records = has[:, 2] & rsp_work
    forward_used = connections.accept & (ini_logged | (~ini_logged & rsp_records))
    reverse_used = connections.accept & (rsp_logged | (~rsp_logged & ini_records))
    # the role whose record is used for each direction
    forward_role = np.where(ini_logged, 0, 2)
    reverse_role = np.where(rsp_logged, 3, 1)

    sums_forward = np.add.reduceat(volumes.forward, volumes.offsets) if c_count else np.zeros(0, dtype=np.int64)
    sums_reverse = np.add.reduceat(volumes.reverse, volumes.offsets) if c_count else np.zeros(0, dtype=np.int64)
    names, azs = _matrix_names(estate)
    names_array, azs_array = np.array(names, dtype=object), np.array(azs, dtype=object)
    ini_addr, rsp_addr = connections.address[:, INI], connections.address[:, RSP]
    rows: dict[tuple[str, str, str, str, str], int] = {}
    for used, sums, src, dst, initiator in (
        (forward_used, sums_forward, ini_addr, rsp_addr, "src"),
        (reverse_used, sums_reverse, rsp_addr, ini_addr, "dst"),
    ):
        keys = zip(
            names_array[src[used]], names_array[dst[used]], azs_array[src[used]], azs_array[dst[used]], strict=True
        )
        for key, volume in zip(keys, sums[used].tolist(), strict=True):
            full = (*key, initiator)
            rows[full] = rows.get(full, 0) + int(volume)
    lines = ["src,dst,src_az,dst_az,initiator,bytes"]
    lines += [",".join((*key, str(volume))) for key, volume in sorted(rows.items()) if volume]
    truth = "\n".join(lines) + "\n"

    # record and byte counts, from the expanded records
    role, conn = records.role, records.connection
    eni = connections.eni[conn, ROLES[role, 0]]
    forward = ROLES[role, 8] == 1
    row = volumes.offsets[conn] + records.interval
    volume = np.where(forward, volumes.forward[row], volumes.reverse[row])
    is_copy = np.zeros(len(conn), dtype=np.bool_)
    doubled = second[eni] >= 0
    is_copy[doubled] = records.flow_log[doubled] == second[eni[doubled]]
    accepted = connections.accept[conn]
    on_middlebox = middlebox[eni]
    used_record = accepted & (
        ((role == forward_role[conn]) & forward & forward_used[conn])
        | ((role == reverse_role[conn]) & ~forward & reverse_used[conn])
    )
    unique = ~is_copy
    counts = {
        "workload": int((unique & accepted & ~on_middlebox).sum()),
        "middlebox": int((unique & accepted & on_middlebox).sum()),
        "duplicate": int((is_copy & accepted).sum()),
        "reject": int((~accepted).sum()),
        "used": int((unique & used_record).sum()),
    }
    byte_counts = {
        "read": int(volume.sum()),
        "used": int(sum(rows.values())),
        "reject": int(volume[~accepted].sum()),
        "duplicate": int(volume[is_copy & accepted].sum()),
        "middlebox": int(volume[unique & accepted & on_middlebox].sum()),
        "other_side": int(volume[unique & accepted & ~on_middlebox & ~used_record].sum()),
    }
    if byte_counts["used"] != int(volume[unique & used_record].sum()):
        raise AssertionError("the ground truth does not equal the bytes of the records the rule uses")
    return truth, {"counts": counts, "bytes": byte_counts}
