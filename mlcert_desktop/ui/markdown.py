"""A deliberately small Markdown subset -> HTML for everything a pack shows.

Paragraphs, line breaks, **bold**, *italic*, `code` and fenced code blocks. Everything else is
escaped, so pack content can never inject HTML, images or remote resources into the app.
"""

from __future__ import annotations

import html
import re

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)


def inline(text: str) -> str:
    out = html.escape(text, quote=False)
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _BOLD.sub(r"<b>\1</b>", out)
    return _ITALIC.sub(r"<i>\1</i>", out)


def _paragraphs(text: str) -> str:
    paras = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{inline(p).replace(chr(10), '<br>')}</p>" for p in paras)


def to_html(text: str) -> str:
    out, pos = [], 0
    for m in _FENCE.finditer(text):
        out.append(_paragraphs(text[pos : m.start()]))
        out.append(f"<pre>{html.escape(m.group(1).rstrip(), quote=False)}</pre>")
        pos = m.end()
    out.append(_paragraphs(text[pos:]))
    return "".join(out)
