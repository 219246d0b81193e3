"""`lg-studio` command line: `lg-studio serve ...` runs the headless server."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import studio


def _serve_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="run the LangGraph-compatible server headless (a drop-in for `langgraph dev`)",
        description="Serve a LangGraph project over the LangGraph Server HTTP API.",
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
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="server log level (default: info)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lg-studio",
        description="A native studio and a drop-in server for LangGraph agents.",
    )
    parser.add_argument("--version", action="version", version=f"lg-studio {studio.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    _serve_parser(subparsers)
    return parser


def _serve(args: argparse.Namespace) -> int:
    from studio.runtime.config import ConfigError, ServerOptions, load_project
    from studio.runtime.server import PortInUse, serve

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        project = load_project(args.config)
    except ConfigError as exc:
        print(f"lg-studio: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    options = ServerOptions(host=args.host, port=args.port, data_dir=args.data_dir)
    if args.jobs is not None:
        if args.jobs < 1:
            print("lg-studio: --jobs must be at least 1", file=sys.stderr)  # noqa: T201
            return 2
        options = ServerOptions(
            host=args.host, port=args.port, data_dir=args.data_dir, jobs=args.jobs
        )
    try:
        return serve(project, options, args.log_level)
    except PortInUse as exc:
        print(f"lg-studio: {exc}", file=sys.stderr)  # noqa: T201
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    parser.print_help()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
