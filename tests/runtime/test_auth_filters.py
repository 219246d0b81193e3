"""The filters `@auth.on` handlers return, matched as LangGraph Server matches them
(`_check_filter_match` of its runtime), and merged into store searches."""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio.runtime.api.store_filters import NOTHING, with_auth_filter
from studio.runtime.auth.filters import FilterError, matches, sql_matches, validate

META = {"owner": "ann", "team": "x", "tags": ["a", "b"], "n": 1}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, True),
        ({"owner": "ann"}, True),
        ({"owner": "bob"}, False),
        ({"owner": {"$eq": "ann"}, "team": "x"}, True),
        ({"missing": None}, False),
        ({"tags": {"$contains": "a"}}, True),
        ({"tags": {"$contains": ["a", "b"]}}, True),
        ({"tags": {"$contains": ["a", "c"]}}, False),
        ({"owner": {"$contains": "a"}}, False),  # not a list
        ({"$or": [{"owner": "bob"}, {"team": "x"}]}, True),
        ({"$or": [{"owner": "bob"}, {"team": "y"}]}, False),
        ({"$and": [{"owner": "ann"}, {"$or": [{"n": 2}, {"tags": {"$contains": "b"}}]}]}, True),
    ],
)
def test_filters_match_metadata(filters: dict[str, Any], expected: bool) -> None:
    validate(filters)
    assert matches(META, filters) is expected
    assert sql_matches(json.dumps(META), json.dumps(filters)) == int(expected)


@pytest.mark.parametrize(
    ("filters", "problem"),
    [
        ({"$or": [{"a": 1}]}, "at least 2"),
        ({"$and": {"a": 1}}, "at least 2"),
        ({"a": {"$gt": 1}}, "must be a value or one of"),
        ({"$or": [{"$or": [{"$or": [{"a": 1}, {"b": 1}]}, {"c": 1}]}, {"d": 1}]}, "nested"),
    ],
)
def test_filters_the_server_cannot_apply_are_refused(filters: dict[str, Any], problem: str) -> None:
    with pytest.raises(FilterError, match=problem):
        validate(filters)


def test_store_search_filters_are_anded_with_the_handlers() -> None:
    assert with_auth_filter({"kind": "note"}, None) == {"kind": "note"}
    assert with_auth_filter({"kind": "note"}, {"owner": "ann"}) == {"kind": "note", "owner": "ann"}
    assert with_auth_filter({"n": {"$gt": 1}}, {"n": {"$lt": 5}}) == {"n": {"$gt": 1, "$lt": 5}}
    assert with_auth_filter({"owner": "bob"}, {"owner": "ann"}) is NOTHING
    assert with_auth_filter(None, {"owner": "ann"}) == {"owner": "ann"}
