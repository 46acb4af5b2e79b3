"""Read the report's tables back from its HTML (headings, shown texts, raw values)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

_TABLE = re.compile(r"<table class=\"data sortable\">(.*?)</table>", re.S)
_TH = re.compile(r"<th [^>]*>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
_TD = re.compile(r"<td [^>]*data-v=\"([^\"]*)\"[^>]*>(.*?)</td>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Table:
    """One table of the page: headings, the text of each cell and its sort value."""

    headings: list[str]
    texts: list[list[str]]
    values: list[list[str]]

    def column(self, heading: str, *, raw: bool = False) -> list[str]:
        """Cells of the column titled ``heading``."""
        at = self.headings.index(heading)
        rows = self.values if raw else self.texts
        return [row[at] for row in rows]


def tables(html: str) -> list[Table]:
    """Every table of ``html``, in order."""
    out = []
    for body in _TABLE.findall(html):
        heads = [unescape(_TAG.sub("", h)).strip() for h in _TH.findall(body)]
        texts, values = [], []
        for row in _ROW.findall(body):
            cells = _TD.findall(row)
            if cells:
                values.append([unescape(v) for v, _ in cells])
                texts.append(
                    [unescape(_TAG.sub("", t)).replace("\u2691", "").strip() for _, t in cells]
                )
        out.append(Table(heads, texts, values))
    return out


def table_after(html: str, marker: str) -> Table:
    """The first table after the text ``marker``."""
    assert marker in html, marker
    return tables(html.split(marker, 1)[1])[0]
