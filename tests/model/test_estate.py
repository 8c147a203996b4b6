"""The estate: traffic rows resolved against the topology (VPCs, regions, AZs), and the CIDR overlaps found
between VPCs."""

from __future__ import annotations

import ipaddress
from decimal import Decimal
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import vpccost
from tests.conftest import SNAPSHOT, WriteEstate, vpc
from tests.support.bad_input import compare_fails
from tests.support.estates import estate
from vpccost.inputs.topology import Topology, Vpc
from vpccost.model.estate import UNKNOWN_ACCOUNT, build_estate

TOPOLOGY_TWO_VPCS = [vpc("a", cidrs=["10.0.0.0/16"]), vpc("b", cidrs=["10.1.0.0/16"])]


def test_region_unknown_without_topology(tmp_path: Path) -> None:
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("src,dst,gb,src_region\na,b,1,us-east-1\n")
    compare_fails(tmp_path, traffic, None, "line 2", "field 'dst_region'", "region of VPC 'b' is not known")


def test_an_az_the_topology_does_not_list_is_bad_input(tmp_path: Path, write_estate: WriteEstate) -> None:
    traffic, topology = write_estate(TOPOLOGY_TWO_VPCS, "src,dst,src_az,gb\na,b,use1-az4,1")
    compare_fails(tmp_path, traffic, topology, "line 2", "field 'src_az'", "not among the AZs of VPC a")


def test_rows_without_azs_in_single_az_vpcs_do_not_cross_azs(write_estate: WriteEstate) -> None:
    # Both VPCs have one AZ, use1-az1: traffic between them and inside one stays in that AZ, so peering and
    # sharing cost $0.00 (a VPC's AZs come from the topology; within one AZ ID transfer is free,
    # https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer).
    traffic, topology = write_estate([vpc("a"), vpc("b")], "src,dst,gb\na,b,100\na,a,10")
    result = vpccost.compare(traffic, topology, designs=["peering", "sharing"], pricing=SNAPSHOT)
    assert [design.total_usd for design in result.designs] == [Decimal(0), Decimal(0)]


@st.composite
def networks(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        prefix = draw(st.integers(8, 28))
        address = draw(st.integers(0, 2**32 - 1)) >> (32 - prefix) << (32 - prefix)
        return f"{ipaddress.IPv4Address(address)}/{prefix}"
    prefix = draw(st.integers(40, 64))
    address = draw(st.integers(0, 2**64 - 1)) >> (64 - prefix) << (128 - prefix)
    return f"{ipaddress.IPv6Address(address)}/{prefix}"


@given(st.lists(st.lists(networks(), min_size=1, max_size=3), min_size=2, max_size=8))
def test_cidr_overlaps_match_a_pairwise_check(blocks: list[list[str]]) -> None:
    vpcs = [Vpc(id=f"v{i}", account="1", region="us-east-1", cidrs=cidrs) for i, cidrs in enumerate(blocks)]
    rows = pd.DataFrame({"src": [v.id for v in vpcs], "dst": "internet", "gb": "1"})
    estate = build_estate(vpccost.load_traffic(rows), Topology(vpcs=vpcs))
    expected = {
        (x, y)
        for x in range(len(vpcs))
        for y in range(x + 1, len(vpcs))
        if any(
            a.version == b.version and a.overlaps(b) for a in estate.vpcs[x].networks for b in estate.vpcs[y].networks
        )
    }
    assert set(estate.overlapping_cidrs) == expected


def test_overlaps_name_their_ip_family_and_pairs_the_families_of_their_traffic() -> None:
    # a and b overlap in IPv6 only; a sends IPv4 to b, b answers over IPv6; c talks to nobody
    vpcs = [
        vpc("a", cidrs=["10.0.0.0/16", "2600:1f18:1::/56"]),
        vpc("b", cidrs=["10.1.0.0/16", "2600:1f18:1::/56"]),
        vpc("c", cidrs=["10.2.0.0/16"]),
    ]
    rows = [{"src": "a", "dst": "b", "gb": "1"}, {"src": "b", "dst": "a", "gb": "1", "ip_version": "6"},
            {"src": "c", "dst": "internet", "gb": "1"}]  # fmt: skip
    built = estate(vpcs, rows)
    assert built.cidr_overlaps == {(0, 1): [(6, "2600:1f18:1::/56 / 2600:1f18:1::/56")]}
    assert built.overlapping_cidrs == {(0, 1): ["2600:1f18:1::/56 / 2600:1f18:1::/56"]}
    assert built.pair_ip_versions == {0 * 3 + 1: frozenset({4, 6})}  # the pair (a, b) packed: 0 × 3 VPCs + 1


def test_without_a_topology_a_vpcs_owner_is_its_most_common_account_in_the_rows() -> None:
    rows = pd.DataFrame(
        {
            "src": ["a", "a", "a", "b"],
            "dst": ["internet"] * 4,
            "gb": ["1"] * 4,
            "src_region": ["us-east-1"] * 4,
            "src_account": ["222222222222", "111111111111", "222222222222", ""],
        }
    )
    built = build_estate(vpccost.load_traffic(rows))
    assert [(vpc.id, vpc.account, vpc.azs_from) for vpc in built.vpcs] == [
        ("a", "222222222222", "default"),  # two rows of 2…2 against one of 1…1
        ("b", UNKNOWN_ACCOUNT, "default"),
    ]
    assert built.assumptions[0].startswith("Without a topology, a VPC's owner is the account most often given")
    assert built.assumptions[1] == "2 AZs assumed for a, b (no AZ known)."


def test_the_network_account_is_the_topologys_or_its_most_common_owner() -> None:
    vpcs = [vpc("a", account="222222222222"), vpc("b", account="111111111111"), vpc("c", account="222222222222")]
    rows = [{"src": "a", "dst": "b", "gb": "1"}, {"src": "c", "dst": "b", "gb": "1"}]
    most_common = estate(vpcs, rows)
    assert most_common.accounts[most_common.network_account] == "222222222222"
    named = estate(vpcs, rows, network_account="999999999999")
    assert named.accounts[named.network_account] == "999999999999"


def test_azs_seen_in_the_traffic_are_the_vpcs_azs_without_a_topology_list() -> None:
    rows = [
        {"src": "a", "dst": "b", "gb": "1", "src_az": "use1-az4"},
        {"src": "a", "dst": "b", "gb": "1", "src_az": "use1-az1"},
    ]
    built = estate([vpc("a", azs=[]), vpc("b")], rows)
    assert [(vpc.id, vpc.azs, vpc.azs_from) for vpc in built.vpcs] == [
        ("a", ("use1-az1", "use1-az4"), "traffic"),
        ("b", ("use1-az1",), "topology"),
    ]
    assert built.assumptions == ["AZs taken from the traffic rows for a (no AZ list in a topology)."]


def test_a_reference_that_is_one_vpcs_id_and_anothers_name_is_refused(
    tmp_path: Path, write_estate: WriteEstate
) -> None:
    # vpc "a" and a VPC named "a": which one `a` in the traffic means is not for vpccost to guess
    traffic, topology = write_estate([vpc("a"), vpc("vpc-0b", name="a")], "src,dst,gb\na,vpc-0b,1")
    compare_fails(tmp_path, traffic, topology, "line 2", "field 'src'", "'a' is one VPC's id and another's name")


def test_a_name_several_vpcs_share_is_refused(tmp_path: Path, write_estate: WriteEstate) -> None:
    traffic, topology = write_estate([vpc("vpc-0a", name="web"), vpc("vpc-0b", name="web")], "src,dst,gb\nweb,vpc-0a,1")
    compare_fails(tmp_path, traffic, topology, "line 2", "VPC name 'web' is ambiguous (vpc-0a, vpc-0b): use the id")
