"""Facts about AWS that every layer reads: the commercial regions with their display names and the prefix of
their availability-zone IDs, and which AWS services a gateway endpoint reaches.

AZ IDs (`use1-az1`) name the same physical zone in every account, unlike AZ names (`us-east-1a`), so
vpccost works with IDs. The prefix says which region an AZ ID belongs to.
"""

from __future__ import annotations

import re

# region code -> (display name, AZ ID prefix)
REGIONS: dict[str, tuple[str, str]] = {
    "us-east-1": ("US East (N. Virginia)", "use1"),
    "us-east-2": ("US East (Ohio)", "use2"),
    "us-west-1": ("US West (N. California)", "usw1"),
    "us-west-2": ("US West (Oregon)", "usw2"),
    "ca-central-1": ("Canada (Central)", "cac1"),
    "ca-west-1": ("Canada West (Calgary)", "caw1"),
    "mx-central-1": ("Mexico (Central)", "mxc1"),
    "sa-east-1": ("South America (Sao Paulo)", "sae1"),
    "eu-west-1": ("Europe (Ireland)", "euw1"),
    "eu-west-2": ("Europe (London)", "euw2"),
    "eu-west-3": ("Europe (Paris)", "euw3"),
    "eu-central-1": ("Europe (Frankfurt)", "euc1"),
    "eu-central-2": ("Europe (Zurich)", "euc2"),
    "eu-north-1": ("Europe (Stockholm)", "eun1"),
    "eu-south-1": ("Europe (Milan)", "eus1"),
    "eu-south-2": ("Europe (Spain)", "eus2"),
    "il-central-1": ("Israel (Tel Aviv)", "ilc1"),
    "me-south-1": ("Middle East (Bahrain)", "mes1"),
    "me-central-1": ("Middle East (UAE)", "mec1"),
    "af-south-1": ("Africa (Cape Town)", "afs1"),
    "ap-east-1": ("Asia Pacific (Hong Kong)", "ape1"),
    "ap-east-2": ("Asia Pacific (Taipei)", "ape2"),
    "ap-south-1": ("Asia Pacific (Mumbai)", "aps1"),
    "ap-south-2": ("Asia Pacific (Hyderabad)", "aps2"),
    "ap-southeast-1": ("Asia Pacific (Singapore)", "apse1"),
    "ap-southeast-2": ("Asia Pacific (Sydney)", "apse2"),
    "ap-southeast-3": ("Asia Pacific (Jakarta)", "apse3"),
    "ap-southeast-4": ("Asia Pacific (Melbourne)", "apse4"),
    "ap-southeast-5": ("Asia Pacific (Malaysia)", "apse5"),
    "ap-southeast-7": ("Asia Pacific (Thailand)", "apse7"),
    "ap-northeast-1": ("Asia Pacific (Tokyo)", "apne1"),
    "ap-northeast-2": ("Asia Pacific (Seoul)", "apne2"),
    "ap-northeast-3": ("Asia Pacific (Osaka)", "apne3"),
}

PUBLIC_ADDRESS_SERVICES = frozenset({"ec2", "amazon"})
"""`aws:ec2` and `aws:amazon` are AWS public addresses that are not a named service: no endpoint reaches them."""

GATEWAY_ENDPOINT_SERVICES = frozenset({"s3", "dynamodb"})
"""The services a (free) gateway endpoint reaches."""

_AZ_ID = re.compile(r"^(?P<prefix>[a-z]+[0-9]+)-az[0-9]+$")


def is_region(code: str) -> bool:
    return code in REGIONS


def region_name(code: str) -> str:
    return REGIONS[code][0] if code in REGIONS else code


def az_id_region(az_id: str) -> str | None:
    """The region an AZ ID belongs to (`use1-az4` -> `us-east-1`), or None if the ID is not well formed
    or its prefix is not a known region's."""
    match = _AZ_ID.match(az_id)
    if match is None:
        return None
    prefix = match.group("prefix")
    for code, (_, az_prefix) in REGIONS.items():
        if az_prefix == prefix:
            return code
    return None
