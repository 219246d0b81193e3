"""JSON text in and out, with errors a person can act on.

Kept free of Qt so the parsing rules (and their messages) are the same in the editor, the
form's JSON fields and any non-UI code that wants them.
"""

from __future__ import annotations

import json
from typing import Any

INDENT = 2


class JsonError(ValueError):
    """Invalid JSON text, located by 1-based line and column.

    Attributes:
        line: The 1-based line of the error.
        column: The 1-based column (in characters) of the error.
        message: What is wrong, as `json` words it ("Expecting ',' delimiter").
        field: The form field the text belongs to, when it came from a form.
    """

    def __init__(self, line: int, column: int, message: str, field: str | None = None) -> None:
        self.line = line
        self.column = column
        self.message = message
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        """The human message: "Line 3, column 5: Expecting ',' delimiter"."""
        where = f"Line {self.line}, column {self.column}: {self.message}"
        return f"{self.field}: {where}" if self.field else where

    def in_field(self, field: str) -> JsonError:
        """The same error, attributed to a form field (nested fields join with dots)."""
        name = f"{field}.{self.field}" if self.field else field
        return JsonError(self.line, self.column, self.message, name)


def parse_json(text: str) -> Any:
    """Parse `text`, raising `JsonError` (never `json.JSONDecodeError`) when it is invalid."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonError(error.lineno, error.colno, error.msg) from None
    except RecursionError:
        raise JsonError(1, 1, "Nested too deeply") from None


def dump_json(value: Any) -> str:
    """Pretty-print `value` the way every widget shows JSON: 2-space indent, real Unicode.

    Non-JSON values (datetimes, sets, objects) are shown with `str()` rather than refused, since
    the widgets display what a server sent and must not fail on it.
    """
    return json.dumps(value, indent=INDENT, ensure_ascii=False, default=str)


def dump_compact(value: Any) -> str:
    """One-line JSON for labels and summaries."""
    return json.dumps(value, ensure_ascii=False, default=str)
