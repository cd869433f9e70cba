"""What crosses the sandbox is plain data, read strictly; test cells are read, never run."""

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from autograder import verdicts
from sociallearning import plaindata
from sociallearning.data import load


@pytest.mark.parametrize("name", ["org_after", "posts", "sponsors", "memberships"])
def test_sample_frames_cross_unchanged_with_their_types(name):
    frame = load(name)
    back = plaindata.decode(plaindata.encode(frame))
    pd.testing.assert_frame_equal(back, frame)
    assert list(back.dtypes.astype(str)) == list(frame.dtypes.astype(str))


@pytest.mark.parametrize("value", [
    None, True, 3, 2.5, "text", [1, (2, "x")], {1: "a", "b": frozenset({2})},
    pd.Timestamp("2026-01-01", tz="UTC"), np.int64(4),
    pd.Series([1, 2], index=["a", "b"], name="n"), pd.DataFrame(columns=["a", "b"]),
])
def test_plain_values_cross_with_their_type(value):
    back = plaindata.decode(plaindata.encode(value))
    assert type(back) is type(value)
    if isinstance(value, pd.Series | pd.DataFrame):
        assert back.equals(value)
    else:
        assert back == value


def test_graphs_cross_with_nodes_and_edges():
    graph = nx.DiGraph([("a", "b"), ("b", "c")])
    back = plaindata.decode(plaindata.encode(graph))
    assert type(back) is nx.DiGraph and sorted(back.edges) == sorted(graph.edges)


def test_objects_that_cannot_cross_come_back_as_their_type_name_only():
    class Anything:
        def __eq__(self, other):
            return True

    back = plaindata.decode(plaindata.encode(Anything()))
    assert isinstance(back, plaindata.Unsupported) and "Anything" in back.type_name
    assert back != 1 and back != back.type_name


@pytest.mark.parametrize("text", [
    "NaN", '{"pickle": "x"}', '{"list": [1], "extra": 2}', "[" * 5000 + "]" * 5000,
    json.dumps({"dataframe": {"columns": {"range": [0, 1, 1], "name": None}, "data": [],
                              "index": {"range": [0, 0, 1], "name": None}}}),
    '{"numpy": ["object", 1]}', '{"series": {"values": {"dtype": "evil", "values": []}}}',
])
def test_malformed_or_foreign_data_is_refused(text):
    with pytest.raises(plaindata.PlainDataError):
        plaindata.decode(text)


def test_data_over_the_size_cap_is_refused_before_parsing():
    with pytest.raises(plaindata.PlainDataError, match="larger than"):
        plaindata.decode("[" + "1," * 1000 + "1]", max_bytes=100)


def test_a_test_cell_is_read_as_checks_and_hidden_flags():
    source = ('"""doc"""\nchecks.a(f)\n### BEGIN HIDDEN TESTS\nchecks.b(f, top=3)\n'
              "### END HIDDEN TESTS")
    calls = verdicts.plan_test_cell(source, "test_f")
    assert calls == [verdicts.CheckCall("a", "f", (), False),
                     verdicts.CheckCall("b", "f", (("top", 3),), True)]


@pytest.mark.parametrize("source", [
    "assert f(1) == 2", "import os\nchecks.a(f)", "checks.a(f())", "checks.a(f, top=len([]))",
    '"""only a docstring"""',
])
def test_anything_else_in_a_test_cell_is_refused(source):
    with pytest.raises(verdicts.TestCellError):
        verdicts.plan_test_cell(source, "test_f")


class FakeChecks:
    @staticmethod
    def exact(learner):
        from sociallearning import feedback

        got = learner([1, 2])
        feedback.expect(got == 3, f"expected 3, got {got!r}")
        feedback.passed("adds up")


def sandbox_returning(envelope: dict):
    return lambda name, request: json.dumps(envelope).encode()


@pytest.mark.parametrize("envelope, passed, words", [
    ({"returned": 3}, True, "adds up"),
    ({"returned": 4}, False, "expected 3, got 4"),
    ({"raised": ["NotImplementedError", "NotImplementedError", ""]}, False, "not written yet"),
    ({"raised": ["KeyError", "KeyError", "'x'"]}, False, "raised KeyError"),
    ({"missing": "f"}, False, "no function named f"),
    ({"returned": {"unsupported": ["Anything", "<x>"]}}, False, "expected 3"),
    ({"returned": {"pickle": "..."}}, False, "could not be read"),
])
def test_the_verdict_is_made_here_from_what_the_sandbox_returned(envelope, passed, words):
    calls = [verdicts.CheckCall("exact", "f")]
    verdict = verdicts.judge(FakeChecks, calls, sandbox_returning(envelope))
    assert verdict.passed is passed
    shown = json.dumps(verdict.outputs)
    assert words in shown
    assert any(o["output_type"] == "error" for o in verdict.outputs) is (not passed)


def test_a_result_may_not_be_a_recipe_that_expands_in_the_grader():
    """{"sample": ...} stands for an input going in; coming back, 19 bytes of it would make
    the grader load a whole dataset, so a result holding one is refused."""
    bomb = json.dumps({"returned": {"list": [{"sample": "posts"}] * 1000}}).encode()
    with pytest.raises(verdicts.CouldNotCall, match="could not be read"):
        verdicts.result_of(bomb, "f")
    client = json.dumps({"returned": {"x_client": {"wait_on_rate_limit": False,
                                                   "realistic_rate_limits": False}}})
    with pytest.raises(verdicts.CouldNotCall):
        verdicts.result_of(client.encode(), "f")


def test_inputs_may_still_travel_as_recipes():
    frame = load("org_after")
    assert json.loads(plaindata.encode(frame)) == {"sample": "org_after"}
    with plaindata.without_recipes():  # how the kernel encodes what a function returned
        assert "dataframe" in json.loads(plaindata.encode(frame))


@pytest.mark.parametrize("text", [
    '{"numpy": ["U100000000", "a"]}', '{"ndarray": ["S500000000", ["a"], [1]]}'])
def test_numpy_text_of_enormous_width_is_refused(text):
    with pytest.raises(plaindata.PlainDataError):
        plaindata.decode(text)
