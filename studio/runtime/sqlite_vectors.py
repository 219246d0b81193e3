"""sqlite-vec's distance functions for langgraph's SQLite store, where sqlite-vec cannot load.

`AsyncSqliteStore` ranks semantic search in SQL with sqlite-vec's `vec_distance_cosine`,
`vec_distance_L2` and `vec_distance_L1`, and loads the extension when its index is set up. Many
Python builds (this project's default interpreter among them) compile sqlite3 without loadable
extensions, so the load fails and semantic search with it. This connection loads the real
extension when it can and otherwise registers the same three functions in Python: we compute
the similarity ourselves only because the extension cannot be loaded. Vectors are the float32
blobs sqlite-vec reads (`sqlite_vec.serialize_float32`), so the same database works with both.
The functions run on the connection's own thread, never on the event loop.
"""

from __future__ import annotations

import math
import sqlite3
from array import array
from pathlib import Path

import aiosqlite

CAN_LOAD_EXTENSIONS = hasattr(sqlite3.Connection, "enable_load_extension")


def _floats(blob: bytes) -> array[float]:
    vector = array("f")
    vector.frombytes(blob)
    return vector


def _pair(a: bytes, b: bytes) -> tuple[array[float], array[float]]:
    x, y = _floats(a), _floats(b)
    if len(x) != len(y):
        raise ValueError(f"Vector dimensions differ: {len(x)} and {len(y)}")
    return x, y


def cosine_distance(a: bytes | None, b: bytes | None) -> float | None:
    if a is None or b is None:
        return None
    x, y = _pair(a, b)
    norms = math.sqrt(sum(v * v for v in x)) * math.sqrt(sum(v * v for v in y))
    if norms == 0:
        return 1.0
    return 1.0 - sum(p * q for p, q in zip(x, y, strict=True)) / norms


def l2_distance(a: bytes | None, b: bytes | None) -> float | None:
    if a is None or b is None:
        return None
    return math.dist(*_pair(a, b))


def l1_distance(a: bytes | None, b: bytes | None) -> float | None:
    if a is None or b is None:
        return None
    x, y = _pair(a, b)
    return sum(abs(p - q) for p, q in zip(x, y, strict=True))


DISTANCES = {
    "vec_distance_cosine": cosine_distance,
    "vec_distance_L2": l2_distance,
    "vec_distance_L1": l1_distance,
}


class VectorConnection(aiosqlite.Connection):
    """An aiosqlite connection that stands in for sqlite-vec when extensions cannot load."""

    async def enable_load_extension(self, value: bool) -> None:
        if CAN_LOAD_EXTENSIONS:
            await super().enable_load_extension(value)

    async def load_extension(self, path: str) -> None:
        if CAN_LOAD_EXTENSIONS:
            await super().load_extension(path)
            return
        for name, function in DISTANCES.items():
            await self.create_function(name, 2, function, deterministic=True)


def connect(path: Path) -> VectorConnection:
    """Like `aiosqlite.connect(path, isolation_level=None)`; await it to open."""
    return VectorConnection(lambda: sqlite3.connect(path, isolation_level=None), iter_chunk_size=64)
