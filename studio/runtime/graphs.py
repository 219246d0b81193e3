"""The graph registry: load the project's graphs and hand out runnable copies of them.

A graph value in langgraph.json may be a compiled graph, a StateGraph, or a factory called per
access (langgraph_api's `_factory_utils` semantics: 0 parameters, a RunnableConfig, a
`ServerRuntime`, or both). Every copy handed out carries our checkpointer and store, so user
graphs never need their own. A graph that fails to import is recorded with its file, line and
traceback while the others keep serving.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
import sys
import traceback
import typing
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, AbstractContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from uuid import UUID, uuid5

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import StateGraph
from langgraph.pregel import Pregel
from langgraph.store.base import BaseStore
from langgraph_sdk.runtime import ServerRuntime, _ExecutionRuntime, _ReadRuntime

from studio.runtime.config import GraphEntry

logger = logging.getLogger(__name__)

_OWN_PACKAGE = Path(__file__).resolve().parents[1]
# LangGraph Server derives each graph's system assistant id from this namespace (uuid5).
ASSISTANT_NAMESPACE = UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")

Graph = Pregel[Any, Any, Any, Any]
"""A compiled LangGraph graph, whatever its state, context and input types."""

AccessContext = Literal["threads.create_run", "threads.update", "threads.read", "assistants.read"]
FactoryArgs = Callable[[RunnableConfig, Any], dict[str, Any]]


def system_assistant_id(graph_id: str) -> str:
    """The deterministic id LangGraph Server gives the default assistant of `graph_id`."""
    return str(uuid5(ASSISTANT_NAMESPACE, graph_id))


class GraphNotFound(LookupError):
    """No graph of that id is registered (or it failed to load)."""


@dataclass(frozen=True)
class GraphLoadError:
    """Why a graph could not be loaded, pointing at the user's code."""

    graph_id: str
    source: str
    message: str
    file: str | None
    line: int | None
    traceback: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "graph_id": self.graph_id,
            "source": self.source,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "traceback": self.traceback,
        }


@dataclass(frozen=True)
class RegisteredGraph:
    graph_id: str
    entry: GraphEntry
    value: Graph | Callable[..., Any]
    factory_args: FactoryArgs | None

    @property
    def is_factory(self) -> bool:
        return self.factory_args is not None


class GraphRegistry:
    """Graphs of one project, by id."""

    def __init__(self) -> None:
        self._graphs: dict[str, RegisteredGraph] = {}
        self._errors: dict[str, GraphLoadError] = {}
        self._copies: dict[tuple[str, bool], Graph] = {}
        self._checkpointer: BaseCheckpointSaver[Any] | None = None
        self._store: BaseStore | None = None

    def attach(self, checkpointer: BaseCheckpointSaver[Any], store: BaseStore) -> None:
        """Give every graph handed out from now on our persistence."""
        self._checkpointer = checkpointer
        self._store = store
        self._copies.clear()

    def load(self, root: Path, graphs: dict[str, GraphEntry]) -> None:
        """Import every graph; failures are recorded, not raised."""
        self._graphs, self._errors = _load_all(root, graphs)

    def reload(self, root: Path, graphs: dict[str, GraphEntry], sources: Iterable[Path]) -> None:
        """Import the graphs again after their code changed, forgetting every module loaded
        from `sources` (the project's folders) so edits to helpers count too.

        A graph that now fails keeps serving its previous version, with the error recorded
        beside it. Runs already going hold their own copy and finish on the code they began
        with. Blocking (it imports): call it off the event loop. The new tables replace the old
        in single assignments, so readers see one version or the other, never a mix."""
        _forget_modules(sources)
        loaded, errors = _load_all(root, graphs)
        kept = {gid: self._graphs[gid] for gid in errors if gid in self._graphs}
        self._copies = {}
        self._graphs = {**loaded, **kept}
        self._errors = errors

    @property
    def graph_ids(self) -> list[str]:
        return list(self._graphs)

    @property
    def errors(self) -> list[GraphLoadError]:
        return list(self._errors.values())

    def is_stale(self, graph_id: str) -> bool:
        """Serving its previous version because the current code fails to load."""
        return graph_id in self._graphs and graph_id in self._errors

    def __contains__(self, graph_id: object) -> bool:
        return graph_id in self._graphs

    def get(self, graph_id: str) -> RegisteredGraph:
        try:
            return self._graphs[graph_id]
        except KeyError:
            raise GraphNotFound(self.not_found_message(graph_id)) from None

    def not_found_message(self, graph_id: str) -> str:
        if graph_id in self._errors:
            return f"Graph '{graph_id}' failed to load: {self._errors[graph_id].message}"
        return f"Graph '{graph_id}' not found. Expected one of: {sorted(self._graphs)}"

    def resolve_assistant_id(self, assistant_id: str) -> str:
        """Accept a graph id wherever an assistant id goes, as LangGraph Server does."""
        if assistant_id in self._graphs:
            return system_assistant_id(assistant_id)
        return assistant_id

    @asynccontextmanager
    async def graph(
        self,
        graph_id: str,
        config: RunnableConfig | None = None,
        *,
        access: AccessContext = "assistants.read",
        checkpointer: bool = True,
        context: Any = None,
    ) -> AsyncIterator[Graph]:
        """A runnable copy of the graph wired to our checkpointer (unless told not to) and store."""
        registered = self.get(graph_id)
        saver = self._checkpointer if checkpointer else None
        if registered.factory_args is None:
            yield self._compiled_copy(registered, saver)
            return
        runtime = _server_runtime(access, self._store, context)
        kwargs = registered.factory_args(config or {}, runtime)
        produced = registered.value(**kwargs)  # type: ignore[operator]
        async with _as_async_context(produced) as value:
            yield self._wire(graph_id, _as_pregel(graph_id, value), saver)

    def _compiled_copy(self, registered: RegisteredGraph, saver: Any) -> Graph:
        key = (registered.graph_id, saver is not None)
        if key not in self._copies:
            assert isinstance(registered.value, Pregel)
            self._copies[key] = self._wire(registered.graph_id, registered.value, saver)
        return self._copies[key]

    def _wire(self, graph_id: str, graph: Graph, saver: Any) -> Graph:
        update: dict[str, Any] = {"checkpointer": saver, "store": self._store}
        if graph.name == "LangGraph":
            update["name"] = graph_id
        return graph.copy(update=update)


def _load_all(
    root: Path, graphs: dict[str, GraphEntry]
) -> tuple[dict[str, RegisteredGraph], dict[str, GraphLoadError]]:
    loaded: dict[str, RegisteredGraph] = {}
    errors: dict[str, GraphLoadError] = {}
    for graph_id, entry in graphs.items():
        try:
            loaded[graph_id] = _register(graph_id, entry, import_attribute(root, entry.path))
        except Exception as exc:
            error = errors[graph_id] = _describe_error(graph_id, entry.path, exc)
            logger.error(
                "Graph '%s' failed to load from %s (%s:%s): %s",
                graph_id,
                entry.path,
                error.file,
                error.line,
                error.message,
            )
    return loaded, errors


def _forget_modules(sources: Iterable[Path]) -> None:
    """Drop from `sys.modules` what was imported from the project's own folders (not from a
    virtual environment inside them), so the next import reads the files again."""
    folders = [p.resolve() for p in sources]
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file or "site-packages" in file:
            continue
        path = Path(file).resolve()
        if path.is_relative_to(_OWN_PACKAGE):  # a project folder may contain lg-studio itself
            continue
        if any(path.is_relative_to(folder) for folder in folders):
            del sys.modules[name]


def _register(graph_id: str, entry: GraphEntry, value: Any) -> RegisteredGraph:
    if isinstance(value, StateGraph):
        value = value.compile()
    if isinstance(value, Pregel):
        if value.checkpointer not in (None, False, True) or value.store is not None:
            logger.warning(
                "Graph '%s' brings its own checkpointer or store; lg-studio replaces them "
                "with the server's so threads persist and can be inspected.",
                graph_id,
            )
        return RegisteredGraph(graph_id, entry, value, None)
    if callable(value):
        return RegisteredGraph(graph_id, entry, value, _classify_factory(value))
    raise TypeError(
        f"'{entry.path}' is a {type(value).__name__}, not a graph, StateGraph or graph factory"
    )


def _module_name(source: str) -> str:
    """The module name LangGraph Server gives a graph file, so serialized references agree."""
    return source.replace("/", "__").replace(".py", "").replace(" ", "_").lstrip(".")


def import_attribute(root: Path, spec: str) -> Any:
    """The variable a langgraph.json reference names: './file.py:variable' (relative to the
    project) or 'package.module:variable' (graphs, and embedding functions of `store.index`)."""
    source, variable = spec.rsplit(":", 1)
    if "/" in source or source.endswith(".py"):
        path = (root / source).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"No such graph file: {path}")
        name = _module_name(source)
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            raise ImportError(f"Cannot import {path} as a Python module")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        try:
            module_spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
    else:
        module = importlib.import_module(source)
    try:
        return getattr(module, variable)
    except AttributeError:
        candidates = [
            name
            for name, member in vars(module).items()
            if isinstance(member, Pregel | StateGraph) and not name.startswith("_")
        ]
        hint = f" Graphs found there: {', '.join(candidates)}." if candidates else ""
        raise AttributeError(f"'{source}' has no variable '{variable}'.{hint}") from None


def _describe_error(graph_id: str, source: str, exc: BaseException) -> GraphLoadError:
    """Point at the innermost frame of the user's project, or the file of a syntax error."""
    file: str | None = None
    line: int | None = None
    if isinstance(exc, SyntaxError):
        file, line = exc.filename, exc.lineno
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        user_frames = [f for f in frames if "site-packages" not in f.filename]
        chosen = (user_frames or frames)[-1:] if frames else []
        if chosen:
            file, line = chosen[0].filename, chosen[0].lineno
    return GraphLoadError(
        graph_id=graph_id,
        source=source,
        message=f"{type(exc).__name__}: {exc}",
        file=file,
        line=line,
        traceback="".join(traceback.format_exception(exc)),
    )


_RUNTIME_TYPES = (_ExecutionRuntime, _ReadRuntime)


def _is_runtime_annotation(annotation: Any) -> bool:
    if annotation is ServerRuntime:
        return True
    if isinstance(annotation, type):
        return issubclass(annotation, _RUNTIME_TYPES)
    origin = typing.get_origin(annotation)
    if origin is ServerRuntime:
        return True
    args = typing.get_args(annotation)
    return bool(origin is not None and args and _is_runtime_annotation(args[0]))


def _classify_factory(fn: Callable[..., Any]) -> FactoryArgs:
    """Which arguments a factory takes: nothing, a config, a ServerRuntime, or both."""
    params = list(inspect.signature(fn).parameters.values())
    try:
        hints = typing.get_type_hints(
            fn, localns={"ServerRuntime": ServerRuntime, "RunnableConfig": RunnableConfig}
        )
    except Exception:
        hints = {}

    def is_runtime(param: inspect.Parameter) -> bool:
        return _is_runtime_annotation(hints.get(param.name, param.annotation))

    if not params:
        return lambda config, runtime: {}
    if len(params) == 1:
        only = params[0].name
        if is_runtime(params[0]):
            return lambda config, runtime: {only: runtime}
        return lambda config, runtime: {only: config}
    if len(params) == 2:
        runtime_params = [p.name for p in params if is_runtime(p)]
        if len(runtime_params) == 1:
            rt_name = runtime_params[0]
            cfg_name = next(p.name for p in params if p.name != rt_name)
            return lambda config, runtime: {rt_name: runtime, cfg_name: config}
    raise TypeError(
        f"Graph factory {fn.__name__} must take no argument, a RunnableConfig, a "
        f"ServerRuntime, or both; it takes {[p.name for p in params]}"
    )


def _server_runtime(access: AccessContext, store: BaseStore | None, context: Any) -> Any:
    assert store is not None, "attach() gives the registry its store before any graph is used"
    if access == "threads.create_run":
        return _ExecutionRuntime(access_context=access, user=None, store=store, context=context)
    return _ReadRuntime(access_context=access, user=None, store=store)


@asynccontextmanager
async def _as_async_context(value: Any) -> AsyncIterator[Any]:
    """Factories may return a graph, an awaitable, or a (sync or async) context manager."""
    if inspect.isawaitable(value):
        value = await value
    if isinstance(value, AbstractAsyncContextManager):
        async with value as inner:
            yield inner
    elif isinstance(value, AbstractContextManager):
        with value as inner:
            yield inner
    else:
        yield value


def _as_pregel(graph_id: str, value: Any) -> Graph:
    if isinstance(value, StateGraph):
        return value.compile()
    if isinstance(value, Pregel):
        return value
    raise TypeError(
        f"The factory of graph '{graph_id}' returned {type(value).__name__}, not a graph"
    )


def prepend_sys_path(paths: Iterable[Path]) -> None:
    """Put the project's local dependencies first on sys.path, as `langgraph dev` does."""
    for path in reversed([str(p) for p in paths]):
        if path not in sys.path:
            sys.path.insert(0, path)
