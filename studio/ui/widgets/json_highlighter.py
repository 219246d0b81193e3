"""Syntax colours for JSON, from pygments, one text block (line) at a time.

JSON strings cannot span lines, so lexing each line on its own gives the same tokens as lexing
the document, and an edit re-lexes only the lines it touched. For multi-megabyte documents the
highlighter can also be told which lines are near the viewport (`set_window`): lines outside it
stay plain until they scroll into view, so opening a 5 MB value costs little more than Qt's
own text layout.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeAlias

from pygments.lexers import JsonLexer  # type: ignore[import-untyped]
from pygments.styles import get_style_by_name  # type: ignore[import-untyped]
from pygments.token import Token  # type: ignore[import-untyped]
from PySide6.QtGui import (
    QColor,
    QFont,
    QPalette,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
)

TokenType: TypeAlias = Any  # pygments.token._TokenType; pygments ships no type hints

LIGHT_STYLE = "default"
DARK_STYLE = "one-dark"

# Block states: a line that was never coloured keeps Qt's -1; coloured lines are marked so
# that a lazily skipped line can be told from one whose colours must be kept up to date.
_UNSEEN = -1
_COLOURED = 1


class JsonHighlighter(QSyntaxHighlighter):
    """Colours JSON tokens with a pygments style (keys, strings, numbers, constants)."""

    def __init__(self, document: QTextDocument, style: str = LIGHT_STYLE) -> None:
        super().__init__(document)
        self._lexer = JsonLexer()
        self._style_name = style
        self._style = get_style_by_name(style)
        self._formats: dict[TokenType, QTextCharFormat | None] = {}
        self._window: tuple[int, int] | None = None

    # Public API

    def style_name(self) -> str:
        """The pygments style in use (`default` for light palettes, `one-dark` for dark)."""
        return self._style_name

    def set_style(self, name: str) -> None:
        """Switch to another pygments style and recolour the document."""
        if name == self._style_name:
            return
        self._style_name = name
        self._style = get_style_by_name(name)
        self._formats.clear()
        self.rehighlight()

    def format_for(self, token: TokenType) -> QTextCharFormat | None:
        """The character format of a pygments token type, or None to leave it plain."""
        if token in self._formats:
            return self._formats[token]
        fmt = self._build_format(token)
        self._formats[token] = fmt
        return fmt

    def set_window(self, first: int, last: int) -> None:
        """Colour only blocks `first..last` (0-based, inclusive) until told otherwise.

        Lines already coloured stay coloured. Call `color_window` afterwards to colour the
        window's lines that were skipped while they were outside it.
        """
        self._window = (max(0, first), max(0, last))

    def clear_window(self) -> None:
        """Colour every line again (the default, right for small documents)."""
        self._window = None

    def color_window(self) -> int:
        """Colour the lines of the window that were skipped; returns how many were coloured."""
        document = self.document()
        if self._window is None or document is None:
            return 0
        first, last = self._window
        coloured = 0
        block = document.findBlockByNumber(first)
        while block.isValid() and block.blockNumber() <= last:
            if block.userState() == _UNSEEN:
                # Qt goes on to the next lines by itself while their state changes, so most
                # of the window is coloured by this one call.
                self.rehighlightBlock(block)
                coloured += 1
            block = block.next()
        return coloured

    def is_colored(self, block: QTextBlock) -> bool:
        """Whether `block` has been coloured (lines outside the window may not be yet)."""
        return block.userState() == _COLOURED

    # Qt overrides

    def highlightBlock(self, text: str) -> None:
        """Lex one line and apply its token formats (skipped outside the window)."""
        if self._window is not None and self.currentBlockState() != _COLOURED:
            number = self.currentBlock().blockNumber()
            if not self._window[0] <= number <= self._window[1]:
                return
        offsets = None if _is_bmp(text) else _utf16_offsets(text)
        for index, token, value in self._lexer.get_tokens_unprocessed(text):
            fmt = self.format_for(token)
            if fmt is None:
                continue
            if offsets is None:
                self.setFormat(index, len(value), fmt)
            else:
                # Qt counts UTF-16 code units, pygments counts code points (emoji differ).
                start = offsets[index]
                self.setFormat(start, offsets[index + len(value)] - start, fmt)
        self.setCurrentBlockState(_COLOURED)

    # Private helpers

    def _build_format(self, token: TokenType) -> QTextCharFormat | None:
        if token in Token.Text:
            return None  # plain text follows the palette, not the style
        spec = self._style.style_for_token(token)
        fmt = QTextCharFormat()
        styled = False
        if spec["color"]:
            fmt.setForeground(QColor(f"#{spec['color']}"))
            styled = True
        if spec["bold"]:
            fmt.setFontWeight(QFont.Weight.Bold)
            styled = True
        if spec["italic"]:
            fmt.setFontItalic(True)
            styled = True
        if token in Token.Error:
            # Styles mark errors with a border, which text cannot have: underline instead.
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor("#e5484d"))
            styled = True
        return fmt if styled else None


def _is_bmp(text: str) -> bool:
    """True when every character is one UTF-16 unit, so Python and Qt offsets agree."""
    return text.isascii() or all(ord(char) <= 0xFFFF for char in text)


def _utf16_offsets(text: str) -> list[int]:
    """UTF-16 offset of each code point index (and of the end) in `text`."""
    offsets = [0] * (len(text) + 1)
    position = 0
    for index, char in enumerate(text):
        offsets[index] = position
        position += 2 if ord(char) > 0xFFFF else 1
    offsets[len(text)] = position
    return offsets


def palette_style(palette: QPalette) -> str:
    """The pygments style that suits a palette: dark text on light, or the reverse."""
    base = palette.color(QPalette.ColorRole.Base)
    return DARK_STYLE if base.lightness() < 128 else LIGHT_STYLE


@cache
def _token_color(style: str, token: TokenType) -> QColor | None:
    color = get_style_by_name(style).style_for_token(token)["color"]
    return QColor(f"#{color}") if color else None


def scalar_color(value: Any, palette: QPalette) -> QColor | None:
    """The colour a JSON scalar has in the editor (strings, numbers, true/false/null), so
    trees and text show values alike; None for containers."""
    if isinstance(value, str):
        token = Token.Literal.String.Double
    elif isinstance(value, bool) or value is None:
        token = Token.Keyword.Constant
    elif isinstance(value, int | float):
        token = Token.Literal.Number
    else:
        return None
    return _token_color(palette_style(palette), token)
