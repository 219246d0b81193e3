"""One-line descriptions of JSON values, for tree rows, tooltips and labels.

Pure Python: what a value "looks like" in one line is decided here once, so the tree, the
state inspector and any list of messages agree (and it can be tested without Qt).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from studio.ui.widgets.json_text import dump_compact

MESSAGE_TYPES = frozenset({"human", "ai", "tool", "system", "chat", "function", "remove"})
# OpenAI-style roles, as some graphs put them in state without converting them.
MESSAGE_ROLES = {"user": "human", "assistant": "ai", "human": "human", "ai": "ai"} | {
    role: role for role in ("system", "tool", "function")
}

DEFAULT_WIDTH = 120
_ELLIPSIS = "…"


def json_type(value: Any) -> str:
    """The JSON type name of a Python value: object, array, string, integer, ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, Sequence):
        return "array"
    return type(value).__name__


def count_label(count: int, noun: str) -> str:
    """`1 key`, `3 keys`, `10000 items`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def message_role(value: Any) -> str | None:
    """The role of a LangChain message dict (`human`, `ai`, ...), or None if it is not one."""
    if not isinstance(value, Mapping) or "content" not in value:
        return None
    kind = value.get("type")
    if isinstance(kind, str):
        kind = kind.removesuffix("MessageChunk").lower() if kind.endswith("Chunk") else kind
        if kind in MESSAGE_TYPES:
            return kind
    role = value.get("role")
    if isinstance(role, str) and role in MESSAGE_ROLES:
        return MESSAGE_ROLES[role]
    return None


def message_text(value: Mapping[str, Any]) -> str:
    """The readable text of a message: its content, or what it asks tools to do."""
    text = content_text(value.get("content"))
    if not text:
        calls = value.get("tool_calls")
        if isinstance(calls, Sequence) and calls:
            names = [str(c.get("name", "?")) for c in calls if isinstance(c, Mapping)]
            text = "→ " + ", ".join(f"{name}()" for name in names)
    return text


def content_text(content: Any) -> str:
    """Text of a message content: a string, or the text parts of a list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, Mapping) and isinstance(block.get("text"), str):
                parts.append(block["text"])
            elif isinstance(block, Mapping):
                parts.append(f"[{block.get('type', 'block')}]")
        return " ".join(parts)
    return "" if content is None else dump_compact(content)


def one_line(text: str, width: int = DEFAULT_WIDTH) -> str:
    """`text` on one line (newlines shown as ⏎), cut to `width` characters with an ellipsis."""
    flat = " ⏎ ".join(part.strip() for part in text.strip().splitlines())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + _ELLIPSIS


def summarize(value: Any, width: int = DEFAULT_WIDTH) -> str:
    """The value column of a tree row.

    Containers are summarised (`{3 keys}`, `[10000 items]`) rather than rendered, so a row
    costs the same whatever its size; messages read as `ai: Hello from…`.
    """
    role = message_role(value)
    if role is not None:
        return one_line(f"{role}: {message_text(value)}", width)
    if isinstance(value, Mapping):
        return "{" + count_label(len(value), "key") + "}"
    if isinstance(value, (list, tuple)):
        return "[" + count_label(len(value), "item") + "]"
    if isinstance(value, str):
        shown = dump_compact(value[:width])  # don't escape megabytes to show a line
        if len(value) > width or len(shown) > width:
            return shown[: width - 1] + _ELLIPSIS
        return shown
    return one_line(dump_compact(value), width)


def size_exceeds(value: Any, budget: int) -> bool:
    """Whether `value` has more than `budget` parts, stopping as soon as it knows."""
    stack = [value]
    seen = 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > budget:
            return True
        if isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False
