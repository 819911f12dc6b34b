"""Rich text written by people, made safe to show as HTML (nh3, the Ammonia cleaner)."""

from __future__ import annotations

import nh3

TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "h4",
    "blockquote", "a", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan"}}


def clean_html(html: str) -> str:
    """Keep text formatting, lists, headings, tables and links; drop scripts, styles,
    event handlers, frames, forms and any link that is not http(s) or mailto."""
    return nh3.clean(
        html or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def was_changed(html: str) -> bool:
    """True when cleaning removed something (to tell the author)."""
    return nh3.clean(html or "", tags=TAGS, attributes=ATTRIBUTES).strip() != (html or "").strip()
