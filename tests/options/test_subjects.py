"""Subjects: which flows belong to which VPC pair, (VPC, service) call and VPC's internet traffic
(vpccost/options/subjects.py)."""

from __future__ import annotations

import numpy as np

from tests.conftest import vpc
from tests.support.estates import context, estate
from vpccost.model.codes import NONE
from vpccost.options import subjects

ROWS = [
    {"src": "b", "dst": "a", "gb": "1"},  # flow 0: pair (a, b), whichever way round
    {"src": "a", "dst": "b", "gb": "1"},  # flow 1: the same pair
    {"src": "a", "dst": "c", "gb": "1"},  # flow 2: pair (a, c)
    {"src": "a", "dst": "a", "gb": "1"},  # flow 3: inside a: no subject
    {"src": "a", "dst": "aws:s3", "gb": "1"},  # flow 4: (a, s3)
    {"src": "aws:s3", "dst": "a", "gb": "1", "initiator": "dst"},  # flow 5: (a, s3), S3 answering
    {"src": "aws:s3", "dst": "a", "gb": "1"},  # flow 6: S3 opened it: a's internet subject
    {"src": "a", "dst": "aws:s3@us-west-2", "gb": "1"},  # flow 7: S3 elsewhere: internet subject
    {"src": "a", "dst": "aws:ec2", "gb": "1"},  # flow 8: an AWS public address: internet subject
    {"src": "b", "dst": "internet", "gb": "1"},  # flow 9: b's internet subject
    {"src": "b", "dst": "aws:sqs", "gb": "1", "ip_version": "6"},  # flow 10: (b, sqs), IPv6 too
]


def test_pairs_are_unordered_and_sorted_by_vpc_code() -> None:
    ctx = context(estate([vpc("a"), vpc("b"), vpc("c")], ROWS))
    found = subjects.pairs(ctx)  # VPC codes in the order the rows first name them: b 0, a 1, c 2
    assert [vpc.id for vpc in ctx.vpcs] == ["b", "a", "c"]
    assert found.keys.tolist() == [[0, 1], [1, 2]]
    assert found.of_flow.tolist() == [0, 0, 1] + [NONE] * 8
    assert np.flatnonzero(found.flows_of(np.array([False, True]))).tolist() == [2]


def test_calls_a_vpc_opens_to_a_named_service_in_its_region() -> None:
    ctx = context(estate([vpc("a"), vpc("b"), vpc("c")], ROWS))
    found = subjects.services(ctx)
    named = [(ctx.vpcs[v].id, ctx.estate.services[s]) for v, s in found.keys.tolist()]
    assert named == [("b", "sqs"), ("a", "s3")]
    assert np.flatnonzero(found.rows).tolist() == [4, 5, 10]
    assert found.of_flow[[4, 5, 10]].tolist() == [1, 1, 0]


def test_the_rest_of_a_vpcs_traffic_outside_is_its_internet_subject() -> None:
    ctx = context(estate([vpc("a"), vpc("b"), vpc("c")], ROWS))
    found = subjects.internet(ctx)
    assert found.keys.tolist() == [[0], [1]]  # b, a
    assert np.flatnonzero(found.rows).tolist() == [6, 7, 8, 9]
    assert found.of_flow[[6, 7, 8, 9]].tolist() == [1, 1, 1, 0]
    assert len(found) == 2


def test_no_traffic_has_no_subjects() -> None:
    ctx = context(estate([vpc("a")], [{"src": "a", "dst": "a", "gb": "1"}]))
    assert [len(subjects.pairs(ctx)), len(subjects.services(ctx)), len(subjects.internet(ctx))] == [0, 0, 0]
