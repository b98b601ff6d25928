"""Text for the terminal: client values never drive it.

A cell value is client text. Printed raw, ``\\x1b[2J`` clears the screen, ``\\x1b]0;…\\x07`` sets the window title,
``\\x1b[32m数据有效`` fakes a green verdict and ``\\r`` or a newline overwrites or invents a line. :func:`clean` removes
every escape sequence (CSI, OSC, DCS/APC/PM/SOS strings, two-byte escapes, their 8-bit C1 forms) and shows any other
control or invisible direction character as ``<U+XXXX>``, so the user sees that something is there. Chinese and every
other printable character are kept.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator

__all__ = ["clean", "clean_line", "CleanStream", "clean_streams"]

# ESC/C1 string commands (OSC, DCS, SOS, PM, APC) up to their terminator (BEL or ST) or the end of the text
_STRING = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
# CSI sequences: ESC [ or 8-bit CSI, parameters, intermediates, final byte
_CSI = r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
# other escapes: ESC followed by intermediates and one final byte (ESC c resets the terminal, ESC ( B, …)
_ESC = r"\x1b[\x20-\x2f]*[\x30-\x7e]?"
_SEQUENCE = re.compile(f"{_STRING}|{_CSI}|{_ESC}")
# what remains and is not printable: C0 (but \n, \t), DEL, C1, bidi overrides/isolates, zero-width marks, BOM
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]")


def _show(m: re.Match) -> str:
    return f"<U+{ord(m.group()):04X}>"


def clean(text: object, *, newlines: bool = True) -> str:
    """``text`` without terminal escape sequences; other control characters made visible as ``<U+XXXX>``.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    newlines : bool
        Keep ``\\n`` (and tabs) — for messages of several lines. With ``False`` they are shown as ``<U+000A>``
        (one table cell, one value).
    """
    text = _SEQUENCE.sub("", str(text))
    text = _INVISIBLE.sub(_show, text)
    if not newlines:
        text = re.sub("[\n\t]", _show, text)
    return text


def clean_line(text: object) -> str:
    """:func:`clean` for a single line (newlines and tabs shown as ``<U+000A>``/``<U+0009>``)."""
    return clean(text, newlines=False)


_INVISIBLE_STREAM = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]")


class CleanStream:
    """A text stream that writes through :func:`clean` (keeping ``\r`` for progress bars): the last guard for every
    ``print`` of a command, whatever value it carries. Every other attribute is the wrapped stream's."""

    def __init__(self, raw) -> None:
        self._raw = raw

    def write(self, text: str) -> int:
        self._raw.write(_INVISIBLE_STREAM.sub(_show, _SEQUENCE.sub("", text)))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._raw, name)


@contextlib.contextmanager
def clean_streams() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`CleanStream` for the block."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanStream(out), CleanStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
