"""History as a tree: parents, writers, branches, and the order rows show them."""

from __future__ import annotations

from studio.ui.debugger.history import History, flatten
from tests.ui.debugger.states import state, task


def _approval_run() -> list:
    """input -> draft -> review (interrupted) -> execute, newest first as the server lists."""
    return [
        state("cp04", "cp03", 2, values={"request": "x", "done": True}),
        state(
            "cp03",
            "cp02",
            1,
            values={"request": "x", "draft": "d"},
            tasks=[task("review", {"done": True}, interrupts=1)],
        ),
        state("cp02", "cp01", 0, values={"request": "x"}, tasks=[task("draft", {"draft": "d"})]),
        state("cp01", None, -1, source="input", tasks=[task("__start__", {"request": "x"})]),
    ]


def test_a_straight_run_is_one_lane_oldest_first() -> None:
    history = History(_approval_run())
    (lane,) = history.lanes()
    assert [n.checkpoint_id for n in lane.nodes] == ["cp01", "cp02", "cp03", "cp04"]
    assert not lane.forks
    assert history.head is not None
    assert history.head.checkpoint_id == "cp04"


def test_writers_come_from_the_parents_finished_tasks() -> None:
    history = History(_approval_run())
    labels = {n.checkpoint_id: n.label() for n in history.by_id.values()}
    assert labels == {
        "cp01": "-1 · input",
        "cp02": "0 · start",
        "cp03": "1 · draft",
        "cp04": "2 · review",
    }
    cp03 = history.get("cp03")
    assert cp03 is not None
    assert cp03.interrupt_count == 1
    assert cp03.next == ("review",)


def test_an_edit_branches_off_where_it_was_made() -> None:
    states = _approval_run()
    edited = state("cp05", "cp03", 2, source="update", values={"request": "y", "draft": "d"})
    history = History([edited, *states])
    (lane,) = history.lanes()
    assert [n.checkpoint_id for n in lane.nodes] == ["cp01", "cp02", "cp03", "cp04"]
    (branch,) = lane.forks["cp03"]
    assert [n.checkpoint_id for n in branch.nodes] == ["cp05"]
    node = history.get("cp05")
    assert node is not None
    assert node.label() == "2 · edited request"
    assert history.head is node
    rows = [n.checkpoint_id for n in flatten(history.lanes())]
    assert rows == ["cp01", "cp02", "cp03", "cp05", "cp04"], "a branch shows under its fork"


def test_branches_nest_and_continue() -> None:
    states = _approval_run()
    fork = state("cp05", "cp02", 1, source="fork", tasks=[task("draft", {"draft": "e"})])
    after = state("cp06", "cp05", 2)
    again = state("cp07", "cp05", 2, source="update")
    history = History([again, after, fork, *states])
    (lane,) = history.lanes()
    (branch,) = lane.forks["cp02"]
    assert [n.checkpoint_id for n in branch.nodes] == ["cp05", "cp06"]
    assert [n.checkpoint_id for n in branch.forks["cp05"][0].nodes] == ["cp07"]
    cp06 = history.get("cp06")
    assert cp06 is not None
    assert cp06.writers() == ("draft",)
    assert [n.checkpoint_id for n in flatten(history.lanes())] == [
        "cp01",
        "cp02",
        "cp05",
        "cp07",
        "cp06",
        "cp03",
        "cp04",
    ]


def test_a_page_of_history_without_its_oldest_checkpoints() -> None:
    history = History(_approval_run()[:2])
    assert [root.checkpoint_id for root in history.roots] == ["cp03"]
    cp03 = history.get("cp03")
    assert cp03 is not None
    assert cp03.label() == "1 · step", "its writer is on a page not loaded yet"


def test_an_empty_thread_has_no_head() -> None:
    history = History([])
    assert history.head is None
    assert history.lanes() == []
    assert len(history) == 0
