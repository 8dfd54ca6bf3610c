"""Text from a design on its way out: to a terminal, or into an XML file.

A design keeps whatever text its author typed (names may hold any Unicode; ids may not
hold control characters, see docs/semantics.md). What leaves the program is escaped:

- ``for_terminal``: C0/C1 control characters and DEL become visible escapes (``\\x1b``),
  so a name cannot move the cursor, clear the screen or retitle the window; line breaks
  are kept only when asked.
- ``for_xml``: characters XML 1.0 cannot hold at all (even as ``&#11;``) become U+FFFD,
  so an exported .svg or .drawio stays well-formed.
- ``shorten``: a bounded echo of an untrusted string, with an ellipsis.
"""

from __future__ import annotations

import re

__all__ = ["for_terminal", "for_xml", "for_xml_bytes", "shorten"]

_TERMINAL_KEEP_NL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps \t and \n
_TERMINAL_ONE_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # keeps \t only
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_BAD_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_ESCAPES = {"\r": "\\r", "\n": "\\n", "\x1b": "\\x1b"}
REPLACEMENT = "\ufffd"


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _ESCAPES.get(ch) or f"\\x{ord(ch):02x}"


def for_terminal(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every control character (but tab, and newline when kept) escaped."""
    pattern = _TERMINAL_KEEP_NL if keep_newlines else _TERMINAL_ONE_LINE
    return pattern.sub(_escape, text)


def for_xml(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by U+FFFD."""
    return _XML_BAD.sub(REPLACEMENT, text)


def for_xml_bytes(data: bytes) -> bytes:
    """UTF-8 XML bytes with the forbidden characters replaced by U+FFFD (a finished .svg)."""
    return _XML_BAD_BYTES.sub(REPLACEMENT.encode("utf-8"), data)


def shorten(text: str, limit: int = 80) -> str:
    """At most ``limit`` characters; an ellipsis marks a cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"
