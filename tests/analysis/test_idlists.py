"""The scenarios' id lists (``analysis.idlists.IdList``): built when first read, and
reading like the lists they replace everywhere the report's readers use them."""

from __future__ import annotations

import copy
import json
import pickle

import numpy as np
import pytest

from modeller.analysis import analyze
from modeller.analysis.idlists import IdList
from tests.bench.families import chain

NAMES = np.array(["lb", "web", "db", "cache", "users"], dtype=object)


def _ids(base, part) -> IdList:  # noqa: ANN001
    return IdList(NAMES, np.array(base, dtype=np.int64), np.array(part, dtype=np.int64))


def test_it_reads_like_the_list_of_its_ids_in_position_order() -> None:
    ids = _ids([0, 3], [1, 4])
    assert len(ids) == 4 and bool(ids)  # without building it
    assert ids._list is None
    assert ids == ["lb", "web", "cache", "users"] and list(ids) == ["lb", "web", "cache", "users"]
    assert ids[0] == "lb" and ids[-1] == "users" and ids[:2] == ["lb", "web"] and ids[1:] == ["web", "cache", "users"]
    assert "cache" in ids and "db" not in ids
    assert ids + ["x"] == ["lb", "web", "cache", "users", "x"]
    assert ["x"] + ids == ["x", "lb", "web", "cache", "users"]
    assert [*ids, *_ids([], [2])] == ["lb", "web", "cache", "users", "db"]
    assert ", ".join(ids) == "lb, web, cache, users" and sorted(ids)[0] == "cache"
    assert json.dumps(list(ids)) == '["lb", "web", "cache", "users"]'
    assert repr(ids) == repr(["lb", "web", "cache", "users"])
    assert ids == _ids([0, 1], [3, 4]) and ids != ["lb"] and ids != ("lb", "web", "cache", "users")


def test_empty_lists_are_false_and_equal_to_an_empty_list() -> None:
    empty = _ids([], [])
    assert not empty and len(empty) == 0 and empty == [] and list(empty) == []
    with pytest.raises(IndexError):
        empty[0]
    with pytest.raises(TypeError):
        hash(empty)  # like a list


def test_copies_and_pickles_keep_the_ids() -> None:
    ids = _ids([2], [0])
    assert copy.deepcopy(ids) == ["lb", "db"] and pickle.loads(pickle.dumps(ids)) == ["lb", "db"]
    assert ids._list is None  # copying did not build the original
    assert copy.copy(ids) == ["lb", "db"]


def test_a_chains_scenarios_list_nothing_until_read() -> None:
    """Chain of 60 (users -> s0000 -> ... -> s0058, each needing the next): "s_i down"
    takes s_0..s_i and the client down. The report holds the lists unbuilt; each reads as that prefix."""
    report = analyze(chain(60), simulation_years=0, sweeps=False)
    scenarios = {f.down: f for f in report.failures}
    assert len(scenarios) == 59
    assert all(isinstance(f.nodes_down, IdList) and f.nodes_down._list is None for f in scenarios.values())
    assert all(len(scenarios[f"s{i:04d}"].nodes_down) == i + 1 for i in range(59))  # still unbuilt
    assert all(f.nodes_down._list is None for f in scenarios.values())
    s = scenarios["s0007"]
    assert s.nodes_down == [f"s{i:04d}" for i in range(8)]
    assert s.clients_down == ["users"] and not s.survives and s.overloaded == []
    assert report.to_dict()["failures"][7]["nodes_down"] == list(report.failures[7].nodes_down)
