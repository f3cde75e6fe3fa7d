"""Safe Markdown for agreement texts.

markdown-it-py (CommonMark) with raw HTML switched off: a `<script>` in the
text comes out as visible text. Links are kept only for http(s), mailto and
in-page or site-relative targets; anything else (javascript:, data:,
vbscript:, file:, …) is left as plain text. Images are not rendered (the
text is a legal document, and remote images would leak who reads it).
"""
from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

SAFE_SCHEMES = ("http:", "https:", "mailto:")


def _validate_link(url: str) -> bool:
    cleaned = "".join(ch for ch in url if not ch.isspace() and ord(ch) >= 0x20).lower()
    if cleaned.startswith("//"):
        return False  # protocol-relative: another host
    if cleaned.startswith(("#", "/", "?")):
        return True
    if ":" not in cleaned.split("/", 1)[0]:
        return True  # relative path
    return cleaned.startswith(SAFE_SCHEMES)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough").disable("image")
    md.validateLink = _validate_link
    return md


def render_markdown(text: str, *, top_level: int = 3) -> Markup:
    """HTML for `text`, safe to insert into a page.

    The text's headings are shifted so that its `#` becomes `<h{top_level}>`:
    the page around it has its own h1 and h2, and headings must stay in order.
    """
    md = _parser()
    tokens = md.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + top_level - 1, 6)}"
    return Markup(md.renderer.render(tokens, md.options, {}))
