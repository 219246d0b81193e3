"""The user a request is made by, as `@auth.authenticate` described it.

Handlers and graphs read users the way LangGraph Server hands them out (its `ProxyUser`): by
attribute (`user.identity`, or any attribute of the object the handler returned) and by key
(`user["identity"]`, `user.get("role")`). A user also travels inside a run's config as a plain
dict (`dict()`), and is rebuilt from it when the run executes (`user_from_dict`).
"""

from __future__ import annotations

from collections.abc import Iterator, KeysView, Mapping, Sequence
from typing import Any

from langgraph_sdk.auth.types import StudioUser
from starlette.authentication import BaseUser

STUDIO_USER = "langgraph-studio-user"
"""The identity LangGraph Server's dev mode gives requests from its Studio."""


class UserMapping(BaseUser):
    """Key access over `dict()`, shared by both kinds of user."""

    def dict(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def permissions(self) -> Sequence[str]:
        return list(self.dict().get("permissions") or [])

    def __getitem__(self, key: str) -> Any:
        return self.dict()[key]

    def __contains__(self, key: object) -> bool:
        return key in self.dict()

    def __iter__(self) -> Iterator[str]:
        return iter(self.dict())

    def __len__(self) -> int:
        return len(self.dict())

    def get(self, key: str, default: Any = None) -> Any:
        return self.dict().get(key, default)

    def keys(self) -> KeysView[str]:
        return self.dict().keys()


class AuthUser(UserMapping):
    """A user returned by the project's `authenticate`: a dict with `identity`, or an object
    with an `identity` attribute (then its other attributes stay reachable)."""

    def __init__(self, fields: Mapping[str, Any], source: object | None = None) -> None:
        self._fields = dict(fields)
        self._source = source

    @property
    def identity(self) -> str:
        return str(self._fields["identity"])

    @property
    def display_name(self) -> str:
        return str(self._fields.get("display_name") or self.identity)

    @property
    def is_authenticated(self) -> bool:
        return bool(self._fields.get("is_authenticated", True))

    def dict(self) -> dict[str, Any]:
        return {
            **self._fields,
            "identity": self.identity,
            "display_name": self.display_name,
            "is_authenticated": self.is_authenticated,
        }

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._source is not None:
            return getattr(self._source, name)
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(f"The user has no attribute '{name}'") from None

    def __repr__(self) -> str:
        return f"AuthUser(identity={self.identity!r})"


class StudioAuthUser(StudioUser, UserMapping):
    """The studio on this machine (`x-auth-scheme: langsmith`), as LangGraph Server's dev mode
    lets it in: `isinstance(ctx.user, Auth.types.StudioUser)` holds in handlers."""

    def __init__(self, username: str = STUDIO_USER) -> None:
        StudioUser.__init__(self, username)

    def dict(self) -> dict[str, Any]:
        return {
            "kind": "StudioUser",
            "identity": self.identity,
            "display_name": self.display_name,
            "is_authenticated": self.is_authenticated,
            "permissions": list(self.permissions),
        }


def user_from_dict(fields: Mapping[str, Any]) -> UserMapping:
    """A user stored with `dict()` (in a run's config), rebuilt."""
    if fields.get("kind") == "StudioUser":
        return StudioAuthUser(str(fields.get("identity") or STUDIO_USER))
    return AuthUser(fields)


def _fields_of(source: object) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for method in ("model_dump", "dict"):
        dump = getattr(source, method, None)
        if callable(dump):
            try:
                dumped = dump()
            except Exception:  # a user object's own method: not ours to judge
                continue
            if isinstance(dumped, Mapping):
                fields.update(dumped)
                break
    fields["identity"] = source.identity  # type: ignore[attr-defined]
    for name in ("display_name", "is_authenticated", "permissions"):
        if hasattr(source, name):
            fields[name] = getattr(source, name)
    return fields


def normalize_user(value: object) -> UserMapping:
    """What `authenticate` returned as the user, as a UserMapping; TypeError if it is none."""
    if isinstance(value, UserMapping):
        return value
    if isinstance(value, str):
        return AuthUser({"identity": value})
    if isinstance(value, Mapping):
        if "identity" not in value:
            raise TypeError("the user dict it returned has no 'identity'")
        return AuthUser(value)
    if hasattr(value, "identity"):
        return AuthUser(_fields_of(value), source=value)
    raise TypeError(
        f"it returned a {type(value).__name__}; return a user id string, a dict with "
        "'identity' (and optionally 'permissions', 'display_name'), or an object with an "
        "`identity` attribute"
    )


def normalize_result(result: object) -> tuple[UserMapping, list[str]]:
    """The user and permissions of an `authenticate` result, read as LangGraph Server reads
    it: `(permissions, user)`, or a user carrying its own `permissions`."""
    if isinstance(result, tuple):
        if len(result) != 2:
            raise TypeError(f"it returned a tuple of {len(result)}; expected (permissions, user)")
        permissions, user = result
    elif isinstance(result, Mapping):
        permissions, user = result.get("permissions") or [], result
    else:
        permissions, user = getattr(result, "permissions", None) or [], result
    if isinstance(permissions, str) or not isinstance(permissions, Sequence | set | frozenset):
        raise TypeError("its permissions must be a list of strings")
    return normalize_user(user), [str(p) for p in permissions]
