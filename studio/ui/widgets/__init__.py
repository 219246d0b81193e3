"""Reusable widgets for JSON values: an editor, a schema-driven form and a lazy tree.

They take and give plain Python data (what `json.loads` returns) and know nothing of servers,
so every panel can use them and tests can drive them without a runtime.
"""

from __future__ import annotations

from studio.ui.widgets.json_editor import JsonEditor
from studio.ui.widgets.json_highlighter import JsonHighlighter
from studio.ui.widgets.json_text import JsonError
from studio.ui.widgets.json_tree import JsonTreeModel, JsonTreeView
from studio.ui.widgets.schema_form import SchemaForm

__all__ = [
    "JsonEditor",
    "JsonError",
    "JsonHighlighter",
    "JsonTreeModel",
    "JsonTreeView",
    "SchemaForm",
]
