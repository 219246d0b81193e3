"""Messages inside `values` and `updates` payloads, reshaped as the protocol's messages.

LangGraph Server sends state messages as protocol messages, not LangChain's serialization:
`{type, content, id?, name?, tool_calls?, ...}` without `additional_kwargs`, null names or
empty metadata; content blocks in the protocol's vocabulary; `__interrupt__` dropped (it
travels on the `input` channel). Port of langgraph_api.event_streaming.state_normalizers.
"""

from __future__ import annotations

import json
from typing import Any

_MESSAGE_TYPES = frozenset(
    {"human", "user", "ai", "assistant", "system", "tool", "function", "remove"}
)
_BLOCK_TYPES = frozenset(
    {
        "text",
        "reasoning",
        "tool_call",
        "tool_call_chunk",
        "invalid_tool_call",
        "server_tool_call",
        "server_tool_call_chunk",
        "server_tool_call_result",
        "image",
        "audio",
        "video",
        "file",
        "non_standard",
    }
)
_AUDIO_MIME = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "pcm16": "audio/wav",
    "pcm": "audio/wav",
    "opus": "audio/opus",
    "aac": "audio/aac",
    "flac": "audio/flac",
}


def as_record(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: wire input is read leniently."""
    return value if isinstance(value, dict) else {}


def state_payload(value: Any) -> Any:
    """A `values`/`updates` payload with its messages in protocol shape."""
    if isinstance(value, list):
        return [_message(v) if _is_message(v) else state_payload(v) for v in value]
    if not isinstance(value, dict):
        return value
    shaped: dict[str, Any] = {}
    for key, entry in value.items():
        if key == "__interrupt__":
            continue
        if key == "messages" and isinstance(entry, list):
            shaped[key] = [_message(m) if _is_message(m) else m for m in entry]
        else:
            shaped[key] = state_payload(entry)
    return shaped


def _message_type(value: Any) -> str | None:
    if value == "assistant":
        return "ai"
    if value == "user":
        return "human"
    return value if isinstance(value, str) else None


def _is_message(value: Any) -> bool:
    return isinstance(value, dict) and _message_type(value.get("type")) in _MESSAGE_TYPES


def _message(value: dict[str, Any]) -> dict[str, Any]:
    kind = _message_type(value.get("type"))
    extra = value.get("additional_kwargs")
    extra = extra if isinstance(extra, dict) else None
    message: dict[str, Any] = {
        "type": kind,
        "content": _content(value.get("content", ""), extra if kind == "ai" else None),
    }
    for key in ("id", "name"):
        if isinstance(value.get(key), str):
            message[key] = value[key]
    if kind in ("ai", "human") and isinstance(value.get("example"), bool):
        message["example"] = value["example"]
    # HITL cards ride on response_metadata; keep it when it says something.
    if isinstance(value.get("response_metadata"), dict) and value["response_metadata"]:
        message["response_metadata"] = value["response_metadata"]
    if kind == "tool":
        if isinstance(value.get("tool_call_id"), str):
            message["tool_call_id"] = value["tool_call_id"]
        if value.get("status") in ("success", "error"):
            message["status"] = value["status"]
        if "artifact" in value:
            message["artifact"] = value["artifact"]
    if kind == "ai":
        raw_calls = value.get("tool_calls")
        if not (isinstance(raw_calls, list) and raw_calls):
            raw_calls = extra.get("tool_calls") if extra else None
        calls, invalid = _tool_calls(raw_calls)
        raw_invalid = value.get("invalid_tool_calls")
        if isinstance(raw_invalid, list) and raw_invalid:
            invalid = [_invalid_call(c) for c in raw_invalid if isinstance(c, dict)]
        if calls:
            message["tool_calls"] = calls
        if invalid:
            message["invalid_tool_calls"] = invalid
    return message


def _call_identity(call: dict[str, Any]) -> tuple[str | None, str | None]:
    function = as_record(call.get("function"))
    name = call.get("name")
    if not isinstance(name, str):
        name = function.get("name") if isinstance(function.get("name"), str) else None
    return (call["id"] if isinstance(call.get("id"), str) else None), name


def _invalid_call(call: dict[str, Any]) -> dict[str, Any]:
    call_id, name = _call_identity(call)
    entry: dict[str, Any] = {"type": "invalid_tool_call"}
    if call_id is not None:
        entry["id"] = call_id
    if name is not None:
        entry["name"] = name
    if isinstance(call.get("args"), str):
        entry["args"] = call["args"]
    entry["error"] = call["error"] if isinstance(call.get("error"), str) else "Malformed args."
    return entry


def _tool_calls(raw: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if not isinstance(raw, list):
        return [], []
    calls: list[dict[str, Any]] = []
    invalid: list[dict[str, Any]] = []
    for call in raw:
        if not isinstance(call, dict):
            continue
        call_id, name = _call_identity(call)
        function = as_record(call.get("function"))
        args = call["args"] if "args" in call else function.get("arguments")
        valid, parsed = _parsed_args(args)
        entry: dict[str, Any]
        if name is None or not valid:
            entry = {
                "type": "invalid_tool_call",
                "error": "Incomplete tool call." if name is None else "Malformed args.",
            }
            if name is not None:
                entry["name"] = name
            if call_id is not None:
                entry["id"] = call_id
            if isinstance(args, str):
                entry["args"] = args
            invalid.append(entry)
            continue
        entry = {"type": "tool_call", "name": name, "args": parsed}
        if call_id is not None:
            entry["id"] = call_id
        calls.append(entry)
    return calls, invalid


def _parsed_args(value: Any) -> tuple[bool, Any]:
    if value is None or value == "":
        return True, {}
    if not isinstance(value, str):
        return True, value
    try:
        return True, json.loads(value)
    except ValueError:
        return False, value


def _audio_block(extra: dict[str, Any] | None) -> dict[str, Any] | None:
    audio = extra.get("audio") if extra else None
    if not isinstance(audio, dict):
        return None
    data = audio.get("data") if isinstance(audio.get("data"), str) else None
    url = audio.get("url") if isinstance(audio.get("url"), str) else None
    if data is None and url is None:
        return None
    block: dict[str, Any] = {"type": "audio"}
    if isinstance(audio.get("id"), str):
        block["id"] = audio["id"]
    if url is not None:
        block["url"] = url
    if data is not None:
        block["data"] = data
    fmt = audio.get("format")
    if isinstance(audio.get("mime_type"), str):
        block["mime_type"] = audio["mime_type"]
    elif (fmt.lower() if isinstance(fmt, str) else "wav") in _AUDIO_MIME:
        block["mime_type"] = _AUDIO_MIME[fmt.lower() if isinstance(fmt, str) else "wav"]
    if isinstance(audio.get("transcript"), str):
        block["transcript"] = audio["transcript"]
    return block


def _block(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return None
    kind = value["type"]
    if kind in _BLOCK_TYPES:
        return value
    if kind == "image_url":
        image = value.get("image_url")
        url = image.get("url") if isinstance(image, dict) else image
        return {"type": "image", "url": url} if isinstance(url, str) else None
    if kind == "input_audio":
        raw = value.get("input_audio")
        if not isinstance(raw, dict):
            return None
        block: dict[str, Any] = {"type": "audio"}
        block.update({k: raw[k] for k in ("data", "mime_type") if isinstance(raw.get(k), str)})
        return block
    return {"type": "non_standard", "value": dict(value)}


def _content(content: Any, extra: dict[str, Any] | None) -> Any:
    audio = _audio_block(extra)
    if isinstance(content, str):
        if audio is None:
            return content
        return [*([{"type": "text", "text": content}] if content else []), audio]
    if not isinstance(content, list):
        return [audio] if audio is not None else content
    blocks: list[dict[str, Any]] = []
    for entry in content:
        block = {"type": "text", "text": entry} if isinstance(entry, str) else _block(entry)
        if block is not None:
            blocks.append(block)
    if audio is not None and not any(b.get("type") == "audio" for b in blocks):
        blocks.append(audio)
    return blocks or content
