"""The main window: docks and actions around the graph view, and nothing else.

It shows the start page until a session is attached, wires each panel to the session (panels
send intents, the session answers with signals), and remembers where the user put the docks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from studio.ui.actions import MENUS, TOOLBAR, build_actions
from studio.ui.canvas.view import GraphView
from studio.ui.panels.assistants_panel import AssistantsPanel
from studio.ui.panels.events_panel import EventsPanel
from studio.ui.panels.messages_panel import MessagesPanel
from studio.ui.panels.run_panel import RunPanel
from studio.ui.panels.state_panel import StatePanel
from studio.ui.panels.threads_panel import ThreadsPanel
from studio.ui.session import Session
from studio.ui.start_page import StartPage

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
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.graph_view)
        self.setCentralWidget(self.stack)
        self.assistants_panel = AssistantsPanel()
        self.threads_panel = ThreadsPanel()
        self.run_panel = RunPanel()
        self.state_panel = StatePanel()
        self.events_panel = EventsPanel()
        self.messages_panel = MessagesPanel()
        self.docks = {
            "assistants": self._dock(
                "Assistant", self.assistants_panel, Qt.DockWidgetArea.LeftDockWidgetArea
            ),
            "threads": self._dock(
                "Threads", self.threads_panel, Qt.DockWidgetArea.LeftDockWidgetArea
            ),
            "run": self._dock("Run", self.run_panel, Qt.DockWidgetArea.RightDockWidgetArea),
            "state": self._dock("State", self.state_panel, Qt.DockWidgetArea.RightDockWidgetArea),
            "events": self._dock(
                "Events", self.events_panel, Qt.DockWidgetArea.BottomDockWidgetArea
            ),
            "messages": self._dock(
                "Messages", self.messages_panel, Qt.DockWidgetArea.BottomDockWidgetArea
            ),
        }
        self.tabifyDockWidget(self.docks["events"], self.docks["messages"])
        self.docks["events"].raise_()
        self.resizeDocks(
            [self.docks["assistants"], self.docks["run"], self.docks["events"]],
            [300, 360, 230],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks([self.docks["events"]], [230], Qt.Orientation.Vertical)
        self._default_state = self.saveState()
        self.server_label = QLabel("No server")
        self.statusBar().addPermanentWidget(self.server_label)
        self._build_menus()
        self._connect_start_page()
        self._set_docks_visible(False)
        self._restore_geometry()
        self.start_page.set_recent(self.recent_projects())

    # --- public API ---------------------------------------------------------------------

    def attach(self, session: Session, title: str) -> None:
        """Show `session`: the graph view, the panels, and the session's signals."""
        self.session = session
        self.setWindowTitle(f"{title} — lg-studio")
        self.stack.setCurrentWidget(self.graph_view)
        self._set_docks_visible(True)
        self._restore_docks()
        self._wire(session)

    def detach(self) -> None:
        """Forget the session: panels stop sending it intents and the start page returns."""
        if self.session is None:
            return
        self.settings.setValue("window/state", self.saveState())
        for signal in (
            self.assistants_panel.assistant_selected,
            self.threads_panel.thread_selected,
            self.threads_panel.delete_requested,
            self.threads_panel.search_requested,
            self.run_panel.run_requested,
            self.run_panel.cancel_requested,
            self.commands["cancel"].triggered,
            self.commands["new_thread"].triggered,
            self.commands["refresh"].triggered,
        ):
            signal.disconnect()
        self.session = None
        self._set_session_actions_enabled(False)
        self._set_docks_visible(False)
        self.stack.setCurrentWidget(self.start_page)
        self.server_label.setText("No server")
        self.setWindowTitle("lg-studio")

    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_error(self, message: str, detail: str = "") -> None:
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
        self.commands["quit"].triggered.connect(self.close)
        self.commands["open_project"].triggered.connect(self._on_open_folder)
        self.commands["open_example"].triggered.connect(self.example_requested)
        self.commands["connect"].triggered.connect(self._on_connect)
        self.commands["fit"].triggered.connect(self.graph_view.fit)
        self.commands["zoom_in"].triggered.connect(lambda: self.graph_view.zoom(1.25))
        self.commands["zoom_out"].triggered.connect(lambda: self.graph_view.zoom(0.8))
        self.commands["export_png"].triggered.connect(lambda: self._on_export("png"))
        self.commands["export_svg"].triggered.connect(lambda: self._on_export("svg"))
        self.commands["reset_layout"].triggered.connect(
            lambda: self.restoreState(self._default_state)
        )
        self.commands["run"].triggered.connect(self.run_panel.request_run)
        self._set_session_actions_enabled(False)

    def _set_session_actions_enabled(self, enabled: bool) -> None:
        for action_id in (
            "run",
            "new_thread",
            "refresh",
            "fit",
            "zoom_in",
            "zoom_out",
            "export_png",
            "export_svg",
        ):
            self.commands[action_id].setEnabled(enabled)
        self.commands["cancel"].setEnabled(False)

    def _connect_start_page(self) -> None:
        self.start_page.project_requested.connect(self.project_requested)
        self.start_page.open_folder_requested.connect(self._on_open_folder)
        self.start_page.example_requested.connect(self.example_requested)
        self.start_page.url_requested.connect(self.url_requested)

    def _wire(self, session: Session) -> None:
        self._set_session_actions_enabled(True)
        session.connected.connect(self._on_connected)
        session.error_occurred.connect(self.show_error)
        session.assistants_changed.connect(self.assistants_panel.set_assistants)
        session.assistant_changed.connect(self.assistants_panel.show_assistant)
        session.graph_changed.connect(self.graph_view.show_graph)
        session.schemas_changed.connect(self.run_panel.set_schemas)
        session.threads_changed.connect(
            lambda threads: self.threads_panel.set_threads(
                threads, session.active_thread["thread_id"] if session.active_thread else None
            )
        )
        session.thread_changed.connect(self._on_thread_changed)
        session.state_changed.connect(self.state_panel.show_state)
        session.thread_updated.connect(self.state_panel.show_thread)
        session.run_started.connect(self._on_run_started)
        session.events_arrived.connect(self.events_panel.add_events)
        session.events_arrived.connect(self.messages_panel.add_events)
        session.node_entered.connect(self.graph_view.mark_running)
        session.node_left.connect(self.graph_view.mark_finished)
        session.busy_changed.connect(self._on_busy)
        session.run_ended.connect(self._on_run_ended)
        self.assistants_panel.assistant_selected.connect(session.select_assistant)
        self.threads_panel.thread_selected.connect(session.select_thread)
        self.threads_panel.delete_requested.connect(session.delete_thread)
        self.threads_panel.search_requested.connect(session.refresh_threads)
        self.run_panel.run_requested.connect(self._on_run_requested)
        self.run_panel.cancel_requested.connect(session.cancel_run)
        self.assistants_panel.assistant_selected.connect(self.graph_view.reset_marks)
        self.commands["cancel"].triggered.connect(session.cancel_run)
        self.commands["new_thread"].triggered.connect(lambda: session.select_thread(None))
        self.commands["refresh"].triggered.connect(lambda: session.refresh_threads())

    def _on_connected(self, url: str) -> None:
        self.server_label.setText(f"Connected · {url}")
        self.show_status("Ready", 5000)

    def _on_run_requested(self, graph_input: object, modes: list[str]) -> None:
        assert self.session is not None
        self.events_panel.clear()
        self.messages_panel.clear()
        self.graph_view.reset_marks()
        self.session.run(graph_input, modes)

    def _on_run_started(self, run_id: str) -> None:
        self.show_status(f"Running {run_id}…")

    def _on_busy(self, busy: bool) -> None:
        self.run_panel.set_running(busy)
        self.commands["run"].setEnabled(not busy)
        self.commands["cancel"].setEnabled(busy)

    def _on_run_ended(self, outcome: str) -> None:
        self.show_status(f"Run {outcome}", 8000)

    def _on_thread_changed(self, thread: object) -> None:
        self.graph_view.reset_marks()
        if thread is None:
            self.state_panel.show_state(None)
            self.threads_panel.tree.clearSelection()

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
