"""Test helpers: draw.io's compressed page format, and reading tables back out of HTML."""

from __future__ import annotations

import base64
import re
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NESTED = FIXTURES / "checkout-nested.drawio"


def compress_page(model_xml: str) -> str:
    """What draw.io stores in a compressed <diagram>: encodeURIComponent → raw DEFLATE → base64."""
    encoded = quote(model_xml, safe="~()*!.'")  # the characters encodeURIComponent keeps
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw: no zlib header, no checksum
    raw = deflater.compress(encoded.encode("ascii")) + deflater.flush()
    return base64.b64encode(raw).decode("ascii")


def graph_model(file_text: str) -> str:
    """The first <mxGraphModel>...</mxGraphModel> of an uncompressed file."""
    m = re.search(r"<mxGraphModel\b.*?</mxGraphModel>", file_text, re.S)
    assert m, "no mxGraphModel in the fixture"
    return m.group(0)


def compressed_file(pages: list[tuple[str, str]]) -> str:
    """A .drawio file whose pages (name, mxGraphModel xml) are stored compressed."""
    body = "".join(f'  <diagram id="pg{i}" name="{name}">{compress_page(xml)}</diagram>\n'
                   for i, (name, xml) in enumerate(pages))
    return ('<mxfile host="app.diagrams.net" modified="2024-05-14T09:12:41.118Z" '
            'agent="Mozilla/5.0 (X11; Linux x86_64)" etag="c0mpr3ss3d" version="21.2.8" '
            f'type="device" compressed="true">\n{body}</mxfile>\n')


class TableReader(HTMLParser):
    """Every <table> of an HTML page as rows of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(text: str) -> list[list[list[str]]]:
    reader = TableReader()
    reader.feed(text)
    return reader.tables
