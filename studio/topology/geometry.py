"""Plain geometry values shared by the layout and the canvas.

Named tuples rather than dataclasses so the canvas can unpack them straight into Qt
(`QPointF(*point)`, `QRectF(*rect)`) without this package knowing Qt exists. The y axis
grows downwards, as in Qt's scene coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class Point(NamedTuple):
    """A position in scene coordinates."""

    x: float
    y: float


class Size(NamedTuple):
    """A node's measured extent; the canvas measures text, the layout only reads it."""

    width: float
    height: float


class Rect(NamedTuple):
    """An axis-aligned rectangle given by its top-left corner and its size."""

    x: float
    y: float
    width: float
    height: float

    @classmethod
    def around(cls, center: Point, size: Size) -> Rect:
        """The rectangle of `size` centred on `center`."""
        return cls(center.x - size.width / 2, center.y - size.height / 2, size.width, size.height)

    @classmethod
    def spanning(cls, points: Iterable[Point]) -> Rect:
        """The smallest rectangle holding every point (raises ValueError when there are none)."""
        xs: list[float] = []
        ys: list[float] = []
        for point in points:
            xs.append(point.x)
            ys.append(point.y)
        if not xs:
            raise ValueError("Rect.spanning() needs at least one point")
        return cls(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))

    @property
    def left(self) -> float:
        return self.x

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def center(self) -> Point:
        return Point(self.x + self.width / 2, self.y + self.height / 2)

    def contains(self, other: Rect | Point, tolerance: float = 1e-6) -> bool:
        """Whether a point or a whole rectangle lies inside (borders included)."""
        if isinstance(other, Point):
            other = Rect(other.x, other.y, 0.0, 0.0)
        return (
            other.left >= self.left - tolerance
            and other.right <= self.right + tolerance
            and other.top >= self.top - tolerance
            and other.bottom <= self.bottom + tolerance
        )

    def intersects(self, other: Rect) -> bool:
        """Whether the interiors overlap (touching borders do not count)."""
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def on_border(self, point: Point, tolerance: float = 1e-6) -> bool:
        """Whether `point` lies on the rectangle's outline, where edges attach to nodes."""
        if not self.contains(point, tolerance):
            return False
        return (
            abs(point.x - self.left) <= tolerance
            or abs(point.x - self.right) <= tolerance
            or abs(point.y - self.top) <= tolerance
            or abs(point.y - self.bottom) <= tolerance
        )

    def translated(self, dx: float, dy: float) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.width, self.height)

    def united(self, other: Rect) -> Rect:
        """The smallest rectangle holding both."""
        left = min(self.left, other.left)
        top = min(self.top, other.top)
        return Rect(
            left, top, max(self.right, other.right) - left, max(self.bottom, other.bottom) - top
        )
