"""Errors the API answers with a status and a `{"detail": ...}` a person can act on."""

from __future__ import annotations

from collections.abc import Mapping


class ApiError(Exception):
    """An error the client caused (or may retry): 404 names what is missing, 422 the bad
    field, 409 the conflict."""

    def __init__(
        self, status_code: int, detail: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.headers = dict(headers or {})


def not_found(what: str) -> ApiError:
    return ApiError(404, what)


def conflict(what: str) -> ApiError:
    return ApiError(409, what)
