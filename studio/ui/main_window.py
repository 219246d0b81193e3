"""The main window: docks and actions around the graph view, and nothing else.

It shows the start page until a session is attached, wires each panel to the session (panels
send intents, the session answers with signals), and remembers where the user put the docks.
Panel-to-panel links (a history row shown in the inspector) are made once; links to a
session are recorded as they are made and undone exactly when it is detached.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from studio.protocol.schema import ThreadState
from studio.ui import preferences
from studio.ui.actions import MENUS, TOOLBAR, build_actions
from studio.ui.canvas.node_finder import NodeFinder
from studio.ui.canvas.view import GraphView
from studio.ui.checkpoint_files import CheckpointFiles
from studio.ui.debugger.breakpoints import Breakpoints
from studio.ui.debugger.history import HistoryNode
from studio.ui.panels.assistants_panel import AssistantsPanel
from studio.ui.panels.chat_panel import ChatPanel, has_messages
from studio.ui.panels.compare_panel import ComparePanel
from studio.ui.panels.events_panel import EventsPanel
from studio.ui.panels.history_panel import HistoryPanel
from studio.ui.panels.interrupts_panel import InterruptsPanel
from studio.ui.panels.logs_panel import LogsPanel
from studio.ui.panels.messages_panel import MessagesPanel
from studio.ui.panels.run_panel import RunPanel
from studio.ui.panels.state_panel import StatePanel
from studio.ui.panels.threads_panel import ThreadsPanel
from studio.ui.panels.timeline_panel import TimelinePanel
from studio.ui.preferences_dialog import PreferencesDialog
from studio.ui.server_panels import ServerPanels
from studio.ui.session import Session
from studio.ui.start_page import StartPage
from studio.ui.widgets.problem_banner import ProblemBanner

RECENT_KEY = "recent_projects"
MAX_RECENT = 10


class MainWindow(QMainWindow):
    project_requested = Signal(str)
    """The user wants to open a project folder."""
    example_requested = Signal()
    url_requested = Signal(str)
    closed = Signal()
    """The window was closed: the application is done with it."""

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.setWindowTitle("lg-studio")
        self.resize(1400, 880)
        self.settings = settings or QSettings()
        self.session: Session | None = None
        self.commands = build_actions(self)
        self.start_page = StartPage()
        self.graph_view = GraphView()
        self.node_finder = NodeFinder(self.graph_view)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.graph_view)
        self.setCentralWidget(self.stack)
        self.assistants_panel = AssistantsPanel()
        self.threads_panel = ThreadsPanel()
        self.run_panel = RunPanel()
        self.state_panel = StatePanel()
        self.history_panel = HistoryPanel()
        self.interrupts_panel = InterruptsPanel()
        self.events_panel = EventsPanel()
        self.messages_panel = MessagesPanel()
        self.timeline_panel = TimelinePanel()
        self.compare_panel = ComparePanel()
        self.logs_panel = LogsPanel()
        self.chat_panel = ChatPanel()
        self.problem_banner = ProblemBanner(self.graph_view)
        self.problem_banner.space_changed.connect(self.graph_view.reserve_top)
        self.server_panels = ServerPanels()
        self.checkpoint_files = CheckpointFiles(self, self.graph_view.own_nodes)
        self.checkpoint_files.error_occurred.connect(self.show_error)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.docks = {
            "assistants": self._dock("Assistant", self.assistants_panel, left),
            "threads": self._dock("Threads", self.threads_panel, left),
            "history": self._dock("History", self.history_panel, left),
            "run": self._dock("Run", self.run_panel, right),
            "interrupts": self._dock("Interrupts", self.interrupts_panel, right),
            "chat": self._dock("Chat", self.chat_panel, right),
            "state": self._dock("State", self.state_panel, right),
            "events": self._dock("Events", self.events_panel, bottom),
            "messages": self._dock("Messages", self.messages_panel, bottom),
            "timeline": self._dock("Timeline", self.timeline_panel, bottom),
            "compare": self._dock("Compare", self.compare_panel, bottom),
            "logs": self._dock("Logs", self.logs_panel, bottom),
        }
        # The side columns run the full height; the bottom tabs sit under the graph only.
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setCorner(Qt.Corner.BottomRightCorner, right)
        self.tabifyDockWidget(self.docks["run"], self.docks["interrupts"])
        self.tabifyDockWidget(self.docks["run"], self.docks["chat"])
        for name in ("messages", "timeline", "compare", "logs"):
            self.tabifyDockWidget(self.docks["events"], self.docks[name])
        # Each added and tabbed at once: docks side by side, even for a moment, widen the
        # window to the sum of their minimum widths, and it never shrinks back.
        for name, panel in self.server_panels.docked().items():
            self.docks[name] = self._dock(name.capitalize(), panel, bottom)
            self.tabifyDockWidget(self.docks["events"], self.docks[name])
        self._raise_default_tabs()
        self.resizeDocks(
            [self.docks["threads"], self.docks["run"], self.docks["events"]],
            [330, 390, 250],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks(
            [self.docks["assistants"], self.docks["threads"], self.docks["history"]],
            [170, 200, 400],
            Qt.Orientation.Vertical,
        )
        self.resizeDocks(
            [self.docks["run"], self.docks["state"], self.docks["events"]],
            [420, 380, 250],
            Qt.Orientation.Vertical,
        )
        self._default_state = self.saveState()
        self.server_label = QLabel("No server")
        self.statusBar().addPermanentWidget(self.server_label)
        self._session_links: list[tuple[SignalInstance, Callable[..., Any]]] = []
        self._last_run_id = ""
        self._build_menus()
        self._connect_start_page()
        self._connect_panels()
        self._set_docks_visible(False)
        self._restore_geometry()
        self.start_page.set_recent(self.recent_projects())
        self.preferences = preferences.Preferences.load(self.settings)
        self._apply_preferences()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme)

    # --- public API ---------------------------------------------------------------------

    def attach(self, session: Session, title: str) -> None:
        """Show `session`: the graph view, the panels, and the session's signals."""
        self.session = session
        self.setWindowTitle(f"{title} — lg-studio")
        self.stack.setCurrentWidget(self.graph_view)
        self._set_docks_visible(True)
        self._raise_default_tabs()
        self._restore_docks()
        self._wire(session)

    def detach(self) -> None:
        """Forget the session: panels stop sending it intents and the start page returns."""
        if self.session is None:
            return
        self.settings.setValue("window/state", self.saveState())
        for signal, slot in self._session_links:
            signal.disconnect(slot)
        self._session_links.clear()
        self.session = None
        self.logs_panel.clear()
        self.problem_banner.hide()
        self.checkpoint_files.set_session(None)
        self._set_session_actions_enabled(False)
        self._set_docks_visible(False)
        self.stack.setCurrentWidget(self.start_page)
        self.server_label.setText("No server")
        self.setWindowTitle("lg-studio")

    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_error(self, message: str, detail: str = "") -> QMessageBox:
        """A readable message, with the details one click away; never a traceback up front."""
        self.show_status(message, 10000)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("lg-studio")
        box.setText(message)
        if detail:
            box.setDetailedText(detail)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def show_preferences(self) -> PreferencesDialog:
        """Open the Preferences dialog (not modal to the app: runs keep streaming)."""
        dialog = PreferencesDialog(self.preferences, self.commands, self)
        dialog.preferences_chosen.connect(self.set_preferences)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def set_preferences(self, chosen: preferences.Preferences) -> None:
        """Keep `chosen` for the next start, and apply it now."""
        self.preferences = chosen
        chosen.save(self.settings)
        self._apply_preferences()

    def show_chat(self) -> None:
        """Bring the Chat panel forward, ready to type."""
        self.docks["chat"].show()
        self.docks["chat"].raise_()
        self.chat_panel.input.setFocus()

    def show_run_logs(self, run_id: str) -> None:
        """Bring the Logs pane forward with only the lines of `run_id`."""
        self.logs_panel.show_run(run_id)
        self.docks["logs"].show()
        self.docks["logs"].raise_()

    def remember_project(self, path: str) -> None:
        recent = [path, *[p for p in self.recent_projects() if p != path]][:MAX_RECENT]
        self.settings.setValue(RECENT_KEY, recent)
        self.start_page.set_recent(recent)

    def recent_projects(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        stored = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [str(p) for p in stored if Path(str(p)).is_dir()]

    # --- Qt overrides -------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        if self.session is not None:
            self.settings.setValue("window/state", self.saveState())
        super().closeEvent(event)
        self.closed.emit()

    # --- private ------------------------------------------------------------------------

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _raise_default_tabs(self) -> None:
        for name in ("run", "events"):
            self.docks[name].raise_()

    def _set_docks_visible(self, visible: bool) -> None:
        for dock in self.docks.values():
            dock.setVisible(visible)

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def _restore_docks(self) -> None:
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _build_menus(self) -> None:
        for title, entries in MENUS.items():
            menu = self.menuBar().addMenu(title)
            for entry in entries:
                if entry is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.commands[entry])
        panels = self.menuBar().addMenu("&Panels")
        for dock in self.docks.values():
            panels.addAction(dock.toggleViewAction())
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("toolbar_main")
        for entry in TOOLBAR:
            if entry is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.commands[entry])
        toolbar.addSeparator()
        toolbar.addWidget(self.node_finder)
        self.commands["preferences"].triggered.connect(self.show_preferences)
        self.commands["find"].triggered.connect(self._on_find)
        self.commands["quit"].triggered.connect(self.close)
        self.commands["open_project"].triggered.connect(self._on_open_folder)
        self.commands["open_example"].triggered.connect(self.example_requested)
        self.commands["connect"].triggered.connect(self._on_connect)
        self.commands["open_checkpoints"].triggered.connect(self.checkpoint_files.choose)
        self.commands["open_checkpoints_postgres"].triggered.connect(
            self.checkpoint_files.choose_database
        )
        self.commands["fit"].triggered.connect(self.graph_view.fit)
        self.commands["zoom_in"].triggered.connect(lambda: self.graph_view.zoom(1.25))
        self.commands["zoom_out"].triggered.connect(lambda: self.graph_view.zoom(0.8))
        self.commands["export_png"].triggered.connect(lambda: self._on_export("png"))
        self.commands["export_svg"].triggered.connect(lambda: self._on_export("svg"))
        self.commands["reset_layout"].triggered.connect(
            lambda: self.restoreState(self._default_state)
        )
        self.commands["run"].triggered.connect(self.run_panel.request_run)
        self.commands["chat"].triggered.connect(self.show_chat)
        self.commands["continue"].triggered.connect(lambda: self._on_continue(step=False))
        self.commands["step"].triggered.connect(lambda: self._on_continue(step=True))
        self._set_session_actions_enabled(False)

    def _set_session_actions_enabled(self, enabled: bool) -> None:
        for action_id in (
            "run",
            "chat",
            "find",
            "toggle_breakpoint",
            "step_mode",
            "clear_breakpoints",
            "new_thread",
            "refresh",
            "fit",
            "zoom_in",
            "zoom_out",
            "export_png",
            "export_svg",
        ):
            self.commands[action_id].setEnabled(enabled)
        for action_id in ("cancel", "continue", "step"):
            self.commands[action_id].setEnabled(False)

    def _connect_start_page(self) -> None:
        self.start_page.project_requested.connect(self.project_requested)
        self.start_page.open_folder_requested.connect(self._on_open_folder)
        self.start_page.example_requested.connect(self.example_requested)
        self.start_page.url_requested.connect(self.url_requested)

    def _connect_panels(self) -> None:
        """Links between panels, made once (they do not depend on a session)."""
        self.history_panel.checkpoint_selected.connect(self.state_panel.show_checkpoint)
        self.history_panel.compare_requested.connect(self._on_compare)
        self.assistants_panel.assistant_selected.connect(self.graph_view.reset_marks)
        self.problem_banner.logs_requested.connect(lambda: self.show_run_logs(""))
        self.events_panel.error_selected.connect(
            lambda: self.show_run_logs(self._last_run_id) if self._last_run_id else None
        )

    def _link(self, signal: SignalInstance, slot: Callable[..., Any]) -> None:
        """Connect a panel's intent to the session, to be disconnected on detach."""
        signal.connect(slot)
        self._session_links.append((signal, slot))

    def _wire(self, session: Session) -> None:
        self._set_session_actions_enabled(True)
        session.connected.connect(self._on_connected)
        session.error_occurred.connect(self.show_error)
        session.assistants_changed.connect(self.assistants_panel.set_assistants)
        session.assistant_changed.connect(self.assistants_panel.show_assistant)
        session.graph_changed.connect(self.graph_view.show_graph)
        session.graph_changed.connect(lambda _graph: self._on_graph())
        session.schemas_changed.connect(self.run_panel.set_schemas)
        session.schemas_changed.connect(
            lambda schemas: self.chat_panel.set_available(has_messages(schemas))
        )
        session.state_changed.connect(self.chat_panel.show_state)
        session.events_arrived.connect(self.chat_panel.add_events)
        session.schemas_changed.connect(
            lambda schemas: self.state_panel.editor.set_schema(
                schemas.get("state_schema") if schemas else None
            )
        )
        session.threads_changed.connect(
            lambda threads: self.threads_panel.set_threads(
                threads, session.active_thread["thread_id"] if session.active_thread else None
            )
        )
        session.thread_changed.connect(self._on_thread_changed)
        session.state_changed.connect(self.state_panel.show_state)
        session.state_changed.connect(self._on_state)
        session.thread_updated.connect(self.state_panel.show_thread)
        session.history_changed.connect(self.history_panel.set_history)
        session.run_started.connect(self._on_run_started)
        session.events_arrived.connect(self.events_panel.add_events)
        session.events_arrived.connect(self.messages_panel.add_events)
        session.timeline_changed.connect(self.timeline_panel.show_timeline)
        session.node_entered.connect(self.graph_view.mark_running)
        session.node_left.connect(self.graph_view.mark_finished)
        session.breakpoints_changed.connect(self._on_breakpoints)
        session.busy_changed.connect(self._on_busy)
        session.run_ended.connect(self._on_run_ended)
        session.run_failed.connect(self._on_run_failed)
        session.graph_problems_changed.connect(self.problem_banner.show_problems)
        session.graphs_reloaded.connect(self._on_graphs_reloaded)
        session.server_feed.lines_arrived.connect(self.logs_panel.add_events)
        session.server_feed.following_changed.connect(self.logs_panel.set_available)
        link = self._link
        link(self.assistants_panel.assistant_selected, session.select_assistant)
        link(self.threads_panel.thread_selected, session.select_thread)
        link(self.threads_panel.delete_requested, session.delete_thread)
        link(self.threads_panel.search_requested, session.refresh_threads)
        link(self.run_panel.run_requested, session.run)
        link(self.run_panel.cancel_requested, session.cancel_run)
        link(self.chat_panel.send_requested, lambda text: session.run(text, self._chat_modes()))
        link(
            self.chat_panel.resume_requested,
            lambda command: session.resume(command, self._chat_modes()),
        )
        link(self.chat_panel.cancel_requested, session.cancel_run)
        link(self.chat_panel.new_chat_requested, lambda: session.select_thread(None))
        link(
            self.history_panel.replay_requested,
            lambda checkpoint: session.replay(checkpoint, self.run_panel.selected_modes()),
        )
        link(self.history_panel.older_requested, session.load_older_history)
        link(self.state_panel.editor.fork_requested, session.fork)
        link(
            self.interrupts_panel.resume_requested,
            lambda command, step: session.resume(
                command, self.run_panel.selected_modes(), step=step
            ),
        )
        link(self.graph_view.breakpoint_toggled, session.toggle_breakpoint)
        link(self.commands["step_mode"].toggled, session.set_step_mode)
        link(self.commands["toggle_breakpoint"].triggered, self._on_toggle_breakpoint)
        link(self.commands["clear_breakpoints"].triggered, session.clear_breakpoints)
        link(self.commands["cancel"].triggered, session.cancel_run)
        link(self.commands["new_thread"].triggered, lambda: session.select_thread(None))
        link(self.commands["refresh"].triggered, lambda: session.refresh_threads())
        self.server_panels.attach(session, link, self.events_panel, self.docks)
        self.checkpoint_files.set_session(session)

    def _on_connected(self, url: str) -> None:
        self.server_label.setText(f"Connected · {url}")
        self.show_status("Ready", 5000)

    def _on_run_started(self, run_id: str) -> None:
        self._last_run_id = run_id
        self.show_status(f"Running {run_id}…")

    def _on_run_failed(self, run_id: str, message: str, detail: str) -> None:
        box = self.show_error(message, detail)
        logs = box.addButton("Show Log Lines", QMessageBox.ButtonRole.ActionRole)
        logs.setToolTip("The run's log records and output in the Logs pane")
        logs.clicked.connect(lambda: self.show_run_logs(run_id))

    def _on_graphs_reloaded(self, report: dict[str, Any]) -> None:
        changed = ", ".join(Path(p).name for p in report.get("changed") or [])
        failed = "; some failed to load" if report.get("errors") else ""
        self.show_status(f"Graphs reloaded{f' after {changed}' if changed else ''}{failed}", 8000)

    def _on_busy(self, busy: bool) -> None:
        if busy:  # a new run: its events, marks and timeline start afresh
            self.events_panel.clear()
            self.messages_panel.clear()
            self.graph_view.reset_marks()
            self.graph_view.show_paused([])
        self.run_panel.set_running(busy)
        self.chat_panel.set_running(busy)
        self.interrupts_panel.set_running(busy)
        self.commands["run"].setEnabled(not busy)
        self.commands["cancel"].setEnabled(busy)
        if busy:
            self.commands["continue"].setEnabled(False)
            self.commands["step"].setEnabled(False)

    def _on_state(self, state: ThreadState) -> None:
        """The thread's head: what it waits for, on the canvas and in the Interrupts panel."""
        waiting = list(state.get("next") or [])
        self.interrupts_panel.show_state(state)
        self.graph_view.show_paused(waiting)
        self.commands["continue"].setEnabled(bool(waiting))
        self.commands["step"].setEnabled(bool(waiting))
        if state.get("interrupts"):
            self.docks["interrupts"].raise_()

    def _on_graph(self) -> None:
        """Offer the drawn graph's nodes for `as_node` (edits) and `goto` (commands)."""
        nodes = self.graph_view.own_nodes()
        self.state_panel.editor.as_node.set_nodes(nodes)
        self.interrupts_panel.goto.set_nodes([n for n in nodes if n != "__start__"])
        self.checkpoint_files.set_project_nodes(nodes)

    def _apply_preferences(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            preferences.apply(self.preferences, app, self.commands)
        self.graph_view.restyle()

    def _on_color_scheme(self) -> None:
        if self.preferences.theme == "system":
            self._apply_preferences()

    def _on_find(self) -> None:
        self.node_finder.setFocus()
        self.node_finder.selectAll()

    def _on_toggle_breakpoint(self) -> None:
        node = self.node_finder.current
        if node is None or self.session is None:
            self.show_status("Find a node first (Ctrl+F), then toggle its breakpoint", 5000)
            return
        self.session.toggle_breakpoint(node, "before")

    def _chat_modes(self) -> list[str]:
        """What a chat streams: tokens, and whatever else the Run panel asks to watch."""
        return list(dict.fromkeys(["messages-tuple", *self.run_panel.selected_modes()]))

    def _on_breakpoints(self, breakpoints: Breakpoints) -> None:
        self.graph_view.show_breakpoints(breakpoints)
        step_mode = self.commands["step_mode"]
        step_mode.blockSignals(True)
        step_mode.setChecked(breakpoints.step_mode)
        step_mode.blockSignals(False)

    def _on_continue(self, *, step: bool) -> None:
        """Continue (or step) the paused thread; the Interrupts panel holds the answers."""
        self.docks["interrupts"].raise_()
        self.interrupts_panel.request_resume(step=step)

    def _on_compare(self, a: HistoryNode, b: HistoryNode) -> None:
        self.compare_panel.compare(a, b)
        self.docks["compare"].show()
        self.docks["compare"].raise_()

    def _on_run_ended(self, outcome: str) -> None:
        self.show_status(f"Run {outcome}", 8000)

    def _on_thread_changed(self, thread: object) -> None:
        self.graph_view.reset_marks()
        if thread is None:
            self.state_panel.show_state(None)
            self.chat_panel.show_state(None)
            self.interrupts_panel.show_state(None)
            self.graph_view.show_paused([])
            self.threads_panel.tree.clearSelection()
        elif isinstance(thread, dict):
            self.threads_panel.show_current(str(thread["thread_id"]))

    # Dialogs are opened window-modal with open(), never exec(): a nested event loop would
    # stall the qasync loop that runs the session's work (qasync#59).

    def _on_open_folder(self) -> None:
        dialog = QFileDialog(self, "Open a LangGraph project (a folder with langgraph.json)")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(self.project_requested)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _on_connect(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Connect to a server")
        dialog.setLabelText("Server URL")
        dialog.setTextValue("http://127.0.0.1:2024")
        dialog.textValueSelected.connect(
            lambda url: self.url_requested.emit(url.strip()) if url.strip() else None
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _on_export(self, kind: str) -> None:
        dialog = QFileDialog(self, f"Export the graph as {kind.upper()}")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(f"{kind.upper()} (*.{kind})")
        dialog.setDefaultSuffix(kind)
        dialog.selectFile(f"graph.{kind}")
        dialog.fileSelected.connect(lambda path: self._export(kind, path))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _export(self, kind: str, path: str) -> None:
        if kind == "png":
            self.graph_view.export_png(path)
        else:
            self.graph_view.export_svg(path)
        self.show_status(f"Saved {path}", 5000)
