"""Rich text written by people, made safe to show as HTML (nh3, the Ammonia cleaner)."""

from __future__ import annotations

import re
from html import escape, unescape
from html.parser import HTMLParser

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


# --- plain text typed by an author ------------------------------------------------------

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|<!--")
_BULLET = re.compile(r"^\s*[-*•]\s+")


def looks_like_html(text: str) -> bool:
    """True when the text contains markup (pasted from a web page or an editor)."""
    return bool(_TAG.search(text or ""))


def text_to_html(text: str) -> str:
    """Plain paragraphs (separated by a blank line) and "- " bullet lines become HTML;
    text that already contains markup is cleaned instead."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    if looks_like_html(text):
        return clean_html(text)
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        # runs of consecutive lines of the same sort: (is a bullet, [lines])
        runs: list[tuple[bool, list[str]]] = []
        for line in lines:
            bullet = bool(_BULLET.match(line))
            if not runs or runs[-1][0] != bullet:
                runs.append((bullet, []))
            runs[-1][1].append(_BULLET.sub("", line, count=1).strip() if bullet else line.strip())
        for bullet, run in runs:
            if bullet:
                blocks.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in run) + "</ul>")
            else:
                blocks.append("<p>" + "<br>".join(escape(p) for p in run) + "</p>")
    return "".join(blocks)


def html_to_text(html: str) -> str:
    """The plain text an author would type to get ``html`` back, when ``html`` is made of
    paragraphs and bullet lists only; otherwise the HTML itself (to edit as HTML)."""
    html = (html or "").strip()
    if not html:
        return ""
    parts: list[str] = []
    for match in re.finditer(r"<p>(.*?)</p>|<ul>(.*?)</ul>|(\S[^<]*|<)", html, re.S):
        para, bullets, other = match.groups()
        if other is not None:
            return html
        if para is not None:
            parts.append(unescape(para.replace("<br>", "\n")))
        else:
            items = re.findall(r"<li>(.*?)</li>", bullets, re.S)
            parts.append("\n".join(f"- {unescape(i)}" for i in items))
    text = "\n\n".join(parts)
    return text if text_to_html(text) == html else html


# --- telling the author what was removed ------------------------------------------------


class _Inventory(HTMLParser):
    """The elements, attributes and link addresses of a piece of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.bad_links = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name in ("href", "src") and value is not None:
                scheme = value.strip().split(":", 1)[0].lower() if ":" in value else ""
                if scheme and scheme not in ("http", "https", "mailto"):
                    self.bad_links += 1

    handle_startendtag = handle_starttag


def _inventory(html: str) -> _Inventory:
    parser = _Inventory()
    parser.feed(html or "")
    parser.close()
    return parser


def removed_parts(original: str, cleaned: str) -> list[str]:
    """What cleaning took out of ``original``, in words ("the <script> element", …)."""
    if not looks_like_html(original or ""):
        return []
    before, after = _inventory(original), _inventory(cleaned)
    out = [f"the <{t}> element" for t in sorted(before.tags - after.tags)]
    gone = before.attributes - after.attributes - {"rel"}
    if before.bad_links:
        gone -= {"href", "src"}
    out += [f"the {a} attribute" for a in sorted(gone)]
    if before.bad_links:
        out.append("links that are not http, https or mailto addresses")
    if "<!--" in original and "<!--" not in cleaned:
        out.append("comments")
    return out


def removal_note(original: str, cleaned: str) -> str:
    """A sentence for the author, or "" when nothing was removed."""
    parts = removed_parts(original, cleaned)
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (
        f"Some formatting was removed because it is not allowed in course text: {listed}. "
        "Check the text reads as you intended."
    )
