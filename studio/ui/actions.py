"""Every user action of the main window in one registry; menus and toolbars are built from it
and shortcuts are declared once."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class ActionSpec:
    text: str
    shortcut: str | QKeySequence.StandardKey | None = None
    tip: str = ""
    checkable: bool = False


ACTIONS: dict[str, ActionSpec] = {
    "open_project": ActionSpec(
        "&Open Project…", QKeySequence.StandardKey.Open, "Open a folder with langgraph.json"
    ),
    "open_example": ActionSpec(
        "Open the &Example Project", None, "Open the bundled offline example"
    ),
    "connect": ActionSpec(
        "&Connect to Server…", "Ctrl+Shift+O", "Connect to a running LangGraph server"
    ),
    "preferences": ActionSpec("&Preferences…", "Ctrl+,", "Theme, font size and shortcuts"),
    "open_checkpoints": ActionSpec(
        "Open Check&point Database…",
        None,
        "Browse a langgraph SQLite checkpoint file read-only, and copy its threads in",
    ),
    "open_checkpoints_postgres": ActionSpec(
        "Open Postgres Checkpoint &Database…",
        None,
        "Browse a langgraph Postgres checkpointer (by DSN) read-only, and copy its threads in",
    ),
    "quit": ActionSpec("&Quit", QKeySequence.StandardKey.Quit),
    "run": ActionSpec("&Run", "Ctrl+Return", "Run the graph with the current input"),
    "cancel": ActionSpec("&Cancel Run", "Ctrl+.", "Cancel the run in progress"),
    "continue": ActionSpec(
        "C&ontinue", "F8", "Continue the paused thread (with the answers to its interrupts)"
    ),
    "step": ActionSpec("&Step", "F10", "Run the next node, then pause again"),
    "toggle_breakpoint": ActionSpec(
        "&Toggle Breakpoint", "F9", "Pause before the node found with Find (or stop pausing)"
    ),
    "step_mode": ActionSpec(
        "Break on &Every Node", "Ctrl+F10", "Pause before every node of every run", True
    ),
    "clear_breakpoints": ActionSpec(
        "Clear &Breakpoints", "Ctrl+Shift+F9", "Remove every breakpoint of this graph"
    ),
    "new_thread": ActionSpec("&New Thread", QKeySequence.StandardKey.New, "Start a new thread"),
    "refresh": ActionSpec("Re&fresh", QKeySequence.StandardKey.Refresh, "Reload threads and state"),
    "chat": ActionSpec("C&hat", "Ctrl+Shift+C", "Talk to a graph whose state has messages"),
    "find": ActionSpec("F&ind Node…", QKeySequence.StandardKey.Find, "Find a node of the graph"),
    "fit": ActionSpec("&Fit Graph", "Ctrl+0", "Fit the graph to the view"),
    "zoom_in": ActionSpec("Zoom &In", QKeySequence.StandardKey.ZoomIn),
    "zoom_out": ActionSpec("Zoom &Out", QKeySequence.StandardKey.ZoomOut),
    "export_png": ActionSpec("Export Graph as &PNG…", None, "Save the graph as an image"),
    "export_svg": ActionSpec("Export Graph as &SVG…", None, "Save the graph as a vector drawing"),
    "reset_layout": ActionSpec("&Reset Window Layout", None, "Put every panel back in its place"),
}

MENUS: dict[str, list[str | None]] = {
    "&File": [
        "open_project",
        "open_example",
        "connect",
        "open_checkpoints",
        "open_checkpoints_postgres",
        None,
        "preferences",
        None,
        "quit",
    ],
    "&Run": ["run", "cancel", None, "new_thread", "refresh"],
    "&Debug": ["continue", "step", None, "toggle_breakpoint", "step_mode", "clear_breakpoints"],
    "&View": [
        "chat",
        "find",
        None,
        "fit",
        "zoom_in",
        "zoom_out",
        None,
        "export_png",
        "export_svg",
        None,
        "reset_layout",
    ],
}

TOOLBAR: list[str | None] = [
    "run",
    "cancel",
    None,
    "continue",
    "step",
    "step_mode",
    None,
    "new_thread",
    "refresh",
    None,
    "fit",
    "zoom_in",
    "zoom_out",
]


def build_actions(parent: QWidget) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    for action_id, spec in ACTIONS.items():
        action = QAction(spec.text, parent)
        action.setObjectName(action_id)
        action.setCheckable(spec.checkable)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.tip:
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{spec.tip} ({shortcut})" if shortcut else spec.tip)
            action.setStatusTip(spec.tip)
        actions[action_id] = action
    return actions
