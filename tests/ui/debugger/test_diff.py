"""State diffs: the smallest paths that changed, in order, capped."""

from __future__ import annotations

from studio.ui.debugger.diff import Change, changed_keys, diff_values


def test_equal_values_have_no_changes() -> None:
    value = {"a": [1, 2, {"b": "c"}], "d": None}
    assert not diff_values(value, {"a": [1, 2, {"b": "c"}], "d": None})


def test_changes_are_reported_at_the_deepest_path() -> None:
    old = {"request": "x", "draft": {"action": "x", "steps": ["a"]}, "gone": 1}
    new = {"request": "x", "draft": {"action": "y", "steps": ["a", "b"]}, "new": True}
    diff = diff_values(old, new)
    assert list(diff.changes) == [
        Change(("draft", "action"), "changed", old="x", new="y"),
        Change(("draft", "steps", 1), "added", new="b"),
        Change(("gone",), "removed", old=1),
        Change(("new",), "added", new=True),
    ]
    assert diff.keys() == ["draft", "gone", "new"]


def test_a_type_change_is_one_change() -> None:
    diff = diff_values({"a": 1}, {"a": "1"})
    assert diff.changes == (Change(("a",), "changed", old=1, new="1"),)


def test_appended_messages_are_additions() -> None:
    messages = [{"type": "human", "content": f"m{i}", "id": str(i)} for i in range(10_000)]
    more = [*messages, {"type": "ai", "content": "reply", "id": "x"}]
    diff = diff_values({"messages": messages}, {"messages": more})
    assert [(c.path, c.kind) for c in diff.changes] == [(("messages", 10_000), "added")]


def test_the_list_of_changes_is_capped() -> None:
    diff = diff_values({"a": list(range(100))}, {"a": list(range(1, 101))}, limit=10)
    assert len(diff.changes) == 10
    assert diff.truncated


def test_changed_keys_are_top_level() -> None:
    assert changed_keys({"a": 1, "b": [1]}, {"a": 1, "b": [2], "c": 0}) == ("b", "c")
    assert changed_keys([1], [1]) == ()
    assert changed_keys([1], [2]) == ("(value)",)
