"""Read a `langgraph.json` the way `langgraph dev` does, and the server's own options.

The project file format belongs to LangGraph (langgraph_cli.schemas.Config); we read the keys the
dev server honours, keep the ones later features use (store, checkpointer, auth, http), and take
our own settings only from an `"lg_studio"` key or CLI flags, never from a second file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dotenv import dotenv_values
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_CONFIG_NAME = "langgraph.json"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DATA_DIR_NAME = ".lg-studio"


class ConfigError(Exception):
    """The project file cannot be used; the message says what to fix."""


def names_variable(path: str) -> str:
    """`path` as 'file.py:variable' or 'module:variable', or a ValueError saying so."""
    if ":" not in path or not path.rsplit(":", 1)[1]:
        raise ValueError(
            f"'{path}' names no variable: expected './file.py:variable' or 'module:variable'"
        )
    return path


class GraphEntry(BaseModel):
    """One entry of `graphs`: where the graph lives, and how the UI describes it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    path: str
    description: str | None = None

    @field_validator("path")
    @classmethod
    def _has_variable(cls, value: str) -> str:
        return names_variable(value)


DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024


class StudioOptions(BaseModel):
    """Our settings under the `"lg_studio"` key of langgraph.json."""

    model_config = ConfigDict(extra="forbid")

    jobs: int | None = Field(default=None, ge=1, le=1000)
    heartbeat_seconds: float = Field(
        default=5.0, gt=0, description="Idle time after which streams send a keep-alive."
    )
    run_timeout_seconds: float | None = Field(
        default=None,
        gt=0,
        description="How long a run may take before it ends as `timeout` "
        "(default: BG_JOB_TIMEOUT_SECS, else a day, as LangGraph Server).",
    )

    max_body_bytes: int = Field(
        default=DEFAULT_MAX_BODY_BYTES,
        ge=1024,
        description="Largest request body accepted; a larger one is refused with 413 "
        "(LangGraph Server takes 300 MB; a smaller default keeps one request from "
        "exhausting the memory of a shared server).",
    )

    def run_timeout(self) -> float:
        if self.run_timeout_seconds is not None:
            return self.run_timeout_seconds
        return float(os.environ.get("BG_JOB_TIMEOUT_SECS", 86_400))


class StoreIndexConfig(BaseModel):
    """`store.index`: what makes semantic search possible (langgraph_api's IndexConfig)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    dims: int = Field(gt=0, description="Length of the vectors `embed` returns.")
    embed: str = Field(
        description="'./file.py:function' of the project, or a LangChain 'provider:model'."
    )
    fields: list[str] | None = Field(
        default=None, description="JSON paths of the text to embed (default: the whole value)."
    )
    distance_type: Literal["cosine", "l2", "inner_product"] = "cosine"


class StoreTTLConfig(BaseModel):
    """`store.ttl`: when stored items expire (minutes), as LangGraph Server reads it."""

    model_config = ConfigDict(extra="allow", frozen=True)

    refresh_on_read: bool = True
    default_ttl: float | None = Field(default=None, gt=0)
    sweep_interval_minutes: float | None = Field(default=None, gt=0)


class StoreConfig(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    index: StoreIndexConfig | None = None
    ttl: StoreTTLConfig | None = None
    path: str | None = None


class ThreadTTLConfig(BaseModel):
    """`checkpointer.ttl`: when idle threads expire and what happens to them."""

    model_config = ConfigDict(extra="allow", frozen=True)

    strategy: Literal["delete", "keep_latest"] = "delete"
    default_ttl: float | None = Field(default=None, gt=0, description="Minutes of inactivity.")
    sweep_interval_minutes: float | None = Field(default=None, gt=0)
    sweep_limit: int = Field(default=1000, ge=1)


class CheckpointerConfig(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    ttl: ThreadTTLConfig | None = None


class AuthConfig(BaseModel):
    """`auth`: the project's own authentication and authorization (a `langgraph_sdk.Auth`)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    path: str | None = Field(
        default=None, description="'./auth.py:auth' or 'module:auth': the `Auth` object to use."
    )
    disable_studio_auth: bool = Field(
        default=False,
        description="Refuse the studio's `x-auth-scheme: langsmith` requests the custom "
        "`authenticate` handler has not seen (LangGraph Server's dev-mode Studio access).",
    )
    openapi: dict[str, Any] | None = Field(
        default=None,
        description="`securitySchemes` and `security` merged into /openapi.json.",
    )

    @field_validator("path")
    @classmethod
    def _has_variable(cls, value: str | None) -> str | None:
        return None if value is None else names_variable(value)


class ProjectFile(BaseModel):
    """The validated content of langgraph.json; unknown keys are kept but unused."""

    model_config = ConfigDict(extra="allow")

    graphs: dict[str, GraphEntry]
    dependencies: list[str] = Field(default_factory=list)
    env: dict[str, str] | str | None = None
    store: StoreConfig = Field(default_factory=StoreConfig)
    checkpointer: CheckpointerConfig = Field(default_factory=CheckpointerConfig)
    auth: AuthConfig | None = None
    http: dict[str, Any] | None = None
    webhooks: dict[str, Any] | None = None
    lg_studio: StudioOptions = Field(default_factory=StudioOptions)

    @field_validator("graphs", mode="before")
    @classmethod
    def _normalise_graphs(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {
            graph_id: {"path": entry} if isinstance(entry, str) else entry
            for graph_id, entry in value.items()
        }


@dataclass(frozen=True)
class Project:
    """A LangGraph project on disk: its folder and its parsed langgraph.json."""

    root: Path
    config_path: Path
    file: ProjectFile

    @property
    def graphs(self) -> dict[str, GraphEntry]:
        return self.file.graphs

    def dependency_paths(self) -> list[Path]:
        """Local folders among `dependencies`, which `langgraph dev` puts on sys.path."""
        paths = []
        for dep in self.file.dependencies:
            if dep.startswith((".", "/")):
                candidate = (self.root / dep).resolve()
                if candidate.is_dir():
                    paths.append(candidate)
        return paths

    def thread_ttl(self) -> ThreadTTLConfig | None:
        """Thread expiry: `LANGGRAPH_THREAD_TTL` (minutes, or a JSON object) as LangGraph Server
        reads it, else `checkpointer.ttl`."""
        raw = os.environ.get("LANGGRAPH_THREAD_TTL", "").strip()
        if not raw:
            return self.file.checkpointer.ttl
        try:
            value = json.loads(raw) if raw.startswith("{") else {"default_ttl": float(raw)}
            return ThreadTTLConfig.model_validate(value)
        except (ValueError, ValidationError) as exc:
            raise ConfigError(f"LANGGRAPH_THREAD_TTL is not valid: {exc}") from exc

    def environment(self) -> dict[str, str]:
        """The `env` entry: a mapping, or the variables of a dotenv file next to the config."""
        env = self.file.env
        if env is None:
            return {}
        if isinstance(env, dict):
            return dict(env)
        env_path = (self.root / env).resolve()
        if not env_path.is_file():
            raise ConfigError(f"env file '{env}' named in {self.config_path} does not exist")
        return {k: v for k, v in dotenv_values(env_path).items() if v is not None}


def load_project(config: Path | str) -> Project:
    """Parse a project's langgraph.json; `config` may be the file or its folder."""
    path = Path(config).expanduser()
    if path.is_dir():
        path = path / DEFAULT_CONFIG_NAME
    path = path.resolve()
    if not path.is_file():
        raise ConfigError(f"No LangGraph project file at {path}")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path} is not valid JSON: {exc}") from exc
    try:
        project_file = ProjectFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"{path} is not a valid LangGraph project: {problems}") from exc
    return Project(root=path.parent, config_path=path, file=project_file)


@dataclass(frozen=True)
class ServerOptions:
    """How one server process runs: where it listens, where it keeps data, how much it runs."""

    host: str = "127.0.0.1"
    port: int = 2024
    data_dir: Path | None = None
    jobs: int = field(default_factory=lambda: max(4, (os.cpu_count() or 1) * 4))
    reload: bool = True
    """Reload the graphs when the project's code changes (studio/runtime/reload.py)."""
    postgres_uri: str | None = None
    """Scale-out: keep everything durable in this Postgres database instead of SQLite."""
    redis_uri: str | None = None
    """Scale-out: carry stream events and cancel signals between processes in this Redis."""

    @property
    def scale_out(self) -> bool:
        """Sharing Postgres and Redis with other processes (studio/runtime/scaleout.py)."""
        return self.postgres_uri is not None

    @property
    def loopback(self) -> bool:
        """Listening only to this machine."""
        return self.host in LOOPBACK_HOSTS

    def resolved_data_dir(self, project: Project) -> Path:
        return (self.data_dir or project.root / DATA_DIR_NAME).resolve()
