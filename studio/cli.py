"""`lg-studio`: the desktop studio; `lg-studio serve`: the headless server.

lg-studio [PROJECT_DIR] [--url URL] [--python INTERPRETER] [--screenshot FILE]
lg-studio serve [--config PATH] [--host HOST] [--port PORT] [--data-dir DIR] [--jobs N]
                [--no-reload] [--postgres-uri URI --redis-uri URI]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import studio


def _serve_parser() -> argparse.ArgumentParser:
    serve = argparse.ArgumentParser(
        prog="lg-studio serve",
        description="Serve a LangGraph project over the LangGraph Server HTTP API "
        "(a drop-in for `langgraph dev`).",
    )
    serve.add_argument(
        "--config",
        default="langgraph.json",
        help="the project's langgraph.json, or its folder (default: ./langgraph.json)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=2024, help="port to listen on (default: 2024)")
    serve.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where threads, runs and checkpoints are kept (default: <project>/.lg-studio)",
    )
    serve.add_argument("--jobs", type=int, default=None, help="how many runs may execute at once")
    serve.add_argument(
        "--no-reload",
        dest="reload",
        action="store_false",
        help="do not reload the graphs when the project's files change",
    )
    serve.add_argument(
        "--postgres-uri",
        default=os.environ.get("DATABASE_URI") or None,
        metavar="URI",
        help="scale out: keep threads, runs, checkpoints and the store in this Postgres "
        "database, shared by every process given it (default: $DATABASE_URI)",
    )
    serve.add_argument(
        "--redis-uri",
        default=os.environ.get("REDIS_URI") or None,
        metavar="URI",
        help="scale out: carry stream events and cancel signals between the processes in "
        "this Redis; required with --postgres-uri (default: $REDIS_URI)",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="server log level (default: info)",
    )
    return serve


def _studio_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lg-studio",
        description="A native studio for LangGraph agents. `lg-studio serve --help` describes "
        "the headless server.",
    )
    parser.add_argument("--version", action="version", version=f"lg-studio {studio.__version__}")
    parser.add_argument(
        "project", nargs="?", type=Path, help="a project folder (with langgraph.json) to open"
    )
    parser.add_argument("--url", help="connect to a running LangGraph server instead")
    parser.add_argument(
        "--python",
        type=Path,
        metavar="INTERPRETER",
        help="run projects' runtimes with this Python (default: the project's .venv if it has "
        "one, else the studio's own)",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="FILE.png",
        help="open, wait until the first graph is drawn, save the window as a PNG, and exit",
    )
    return parser


def _serve(argv: Sequence[str]) -> int:
    args = _serve_parser().parse_args(argv)
    # Start-up allocates ~120,000 long-lived container objects (langgraph, langchain_core, the
    # pydantic models, the project's graphs) and almost no garbage: the cycle collector ran
    # ~300 times on the way (two full passes over the growing heap) to free ~1,500 objects.
    # Waiting until the server answers saves 50-90 ms of a 1.2 s cold start; the runtime then
    # freezes what start-up loaded (`Runtime.start`), so later collections stay short.
    # Only here: the studio's window runs the collector on its own terms (ui/collector.py).
    gc.disable()
    try:
        return _serve_project(args)
    finally:
        gc.enable()


def _serve_project(args: argparse.Namespace) -> int:
    from studio.runtime.config import ConfigError, ServerOptions, load_project
    from studio.runtime.server import PortInUse, serve

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.jobs is not None and args.jobs < 1:
        print("lg-studio: --jobs must be at least 1", file=sys.stderr)  # noqa: T201
        return 2
    if (args.postgres_uri is None) != (args.redis_uri is None):
        print(  # noqa: T201
            "lg-studio: scaling out needs both --postgres-uri and --redis-uri (or DATABASE_URI "
            "and REDIS_URI): Postgres keeps the data, Redis carries streams between processes",
            file=sys.stderr,
        )
        return 2
    try:
        project = load_project(args.config)
    except ConfigError as exc:
        print(f"lg-studio: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    options = ServerOptions(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        reload=args.reload,
        postgres_uri=args.postgres_uri,
        redis_uri=args.redis_uri,
    )
    if args.jobs is not None:
        options = dataclasses.replace(options, jobs=args.jobs)
    try:
        return serve(project, options, args.log_level, on_started=gc.enable)
    except PortInUse as exc:
        print(f"lg-studio: {exc}", file=sys.stderr)  # noqa: T201
        return 2


CHATTY_LOGGERS = ("httpx", "httpcore")
"""Loggers of the studio's own HTTP traffic (a record per request): not the user's logs."""


def configure_studio_logging() -> None:
    """The terminal gets warnings; the process logs from INFO up, so a graph's
    `logging.info(...)` reaches the embedded runtime's Logs pane (its handler listens at INFO)."""
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(console)
    root.setLevel(logging.INFO)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _studio(argv: Sequence[str]) -> int:
    args = _studio_parser().parse_args(argv)
    if args.project is not None and args.url is not None:
        print("lg-studio: give a project folder or --url, not both", file=sys.stderr)  # noqa: T201
        return 2
    configure_studio_logging()
    from studio.launcher import Target, run_studio
    from studio.ui.app import run

    target = Target(args.project, args.url, args.screenshot, args.python)
    return run(lambda: run_studio(target), [sys.argv[0]])


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["serve"]:
        return _serve(arguments[1:])
    return _studio(arguments)


if __name__ == "__main__":
    raise SystemExit(main())
