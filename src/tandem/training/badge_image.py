"""Badge images (E3): a 400×400 rosette in the course's colour with the unit's title
and the issuing organisation's name, and the same image baked with the signed
credential (an Open Badges 3.0 ``openbadgecredential`` iTXt chunk)."""

from __future__ import annotations

import colorsys
import functools
import hashlib
import io
import math
from typing import Any

from openbadgeslib import baking
from PIL import Image, ImageDraw, ImageFont

from tandem.training.models import Credential, CredentialKind

SIZE = 400
SCALE = 2  # drawn at twice the size, then reduced, for smooth edges
WHITE = (255, 255, 255)
INK = (11, 12, 12)


@functools.lru_cache(maxsize=16)
def _font(size: int, bold: bool = True) -> Any:
    names = (
        ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf")
        if bold
        else ("DejaVuSans.ttf", "LiberationSans-Regular.ttf")
    )
    for name in names:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def course_colour(seed: str) -> tuple[int, int, int]:
    """A dark, saturated colour derived from the course (white text stays readable)."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    hue = digest[0] / 255
    red, green, blue = colorsys.hls_to_rgb(hue, 0.30, 0.65)
    return int(red * 255), int(green * 255), int(blue * 255)


def _lighter(colour: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    r, g, b = colour
    return tuple(int(c + (255 - c) * amount) for c in (r, g, b))  # type: ignore[return-value]


def _rosette(
    draw: ImageDraw.ImageDraw, centre: float, radius: float, points: int, fill: Any
) -> None:
    outline = []
    for i in range(points * 2):
        angle = math.pi * i / points - math.pi / 2
        r = radius if i % 2 == 0 else radius * 0.9
        outline.append((centre + r * math.cos(angle), centre + r * math.sin(angle)))
    draw.polygon(outline, fill=fill)


def _centred(draw: ImageDraw.ImageDraw, y: float, text: str, font: Any, fill: Any) -> float:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((SIZE * SCALE - (right - left)) / 2 - left, y - top), text, font=font, fill=fill)
    return y + (bottom - top)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Any, width: float) -> list[str]:
    """Words into lines no wider than ``width`` pixels (a word too long is cut)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while draw.textlength(word, font=font) > width:
            cut = len(word) - 1
            while cut > 1 and draw.textlength(word[:cut] + "-", font=font) > width:
                cut -= 1
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut] + "-")
            word = word[cut:]
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def _fit_title(draw: ImageDraw.ImageDraw, title: str, inner: float) -> tuple[list[str], Any]:
    """The largest type at which the title fits inside the inner circle (of radius ``inner``)."""
    width, height = inner * 1.5, inner * 1.05
    for size in (38, 34, 30, 26, 23, 20, 18):
        font = _font(size * SCALE)
        lines = _wrap(draw, title, font, width)
        if len(lines) * font.size * 1.15 <= height:
            return lines, font
    font = _font(18 * SCALE)
    lines = _wrap(draw, title, font, width)
    keep = int(height // (font.size * 1.15))
    if len(lines) > keep:
        lines = lines[:keep]
        lines[-1] = lines[-1].rstrip(" -") + "\u2026"
    return lines, font


def draw_badge(
    title: str, organisation: str, *, seed: str = "", kind: str = CredentialKind.BADGE
) -> bytes:
    """A 400×400 PNG: a rosette with the title wrapped in its centre."""
    big = SIZE * SCALE
    image = Image.new("RGBA", (big, big), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    colour = course_colour(seed or title)
    centre = big / 2
    is_certificate = kind == CredentialKind.CERTIFICATE
    if is_certificate:
        # Ribbons behind the seal.
        for dx in (-70, 30):
            x = centre + dx * SCALE
            draw.polygon(
                [
                    (x, centre + 100 * SCALE),
                    (x + 40 * SCALE, centre + 100 * SCALE),
                    (x + 40 * SCALE, big - 4 * SCALE),
                    (x + 20 * SCALE, big - 24 * SCALE),
                    (x, big - 4 * SCALE),
                ],
                fill=_lighter(colour, 0.25),
            )
    outer = (big / 2 - 6 * SCALE) if not is_certificate else (big / 2 - 40 * SCALE)
    _rosette(draw, centre, outer, 24, colour)
    ring = outer * 0.86
    draw.ellipse(
        (centre - ring, centre - ring, centre + ring, centre + ring),
        fill=WHITE,
    )
    inner = ring - 8 * SCALE
    draw.ellipse(
        (centre - inner, centre - inner, centre + inner, centre + inner),
        fill=_lighter(colour, 0.88),
        outline=colour,
        width=3 * SCALE,
    )

    label = "CERTIFICATE" if is_certificate else "BADGE"
    lines, font = _fit_title(draw, title, inner)
    line_height = font.size * 1.15
    small = _font(15 * SCALE)
    regular = _font(15 * SCALE, bold=False)
    org_lines = _wrap(draw, organisation, regular, inner * 1.6)[:2]
    block = (
        small.size * 1.6 + len(lines) * line_height + 12 * SCALE + len(org_lines) * small.size * 1.3
    )
    y = centre - block / 2
    _centred(draw, y, label, small, colour)
    y += small.size * 1.6
    for line in lines:
        _centred(draw, y, line, font, INK)
        y += line_height
    y += 12 * SCALE
    for line in org_lines:
        _centred(draw, y, line, regular, INK)
        y += small.size * 1.3

    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def credential_image(credential: Credential) -> bytes:
    """The credential's image, not baked (the achievement's image)."""
    if credential.kind == CredentialKind.BADGE and credential.module is not None:
        title = credential.module.title
    else:
        title = credential.course.title
    return draw_badge(
        title, credential.issuer.name, seed=str(credential.course.uuid), kind=credential.kind
    )


def baked_image(credential: Credential) -> bytes:
    """The credential's image with its signed token baked in."""
    return bake(credential_image(credential), credential.token)


def bake(png: bytes, token: str) -> bytes:
    return baking.bake_png(png, token, keyword=baking.ITXT_KEYWORD_OB3)


def extract(png: bytes) -> str | None:
    """The credential baked into a PNG, or None when there is none (or it is no PNG)."""
    try:
        return baking.extract_png(png, keyword=baking.ITXT_KEYWORD_OB3)
    except Exception:  # noqa: BLE001 - any unreadable image simply carries no credential
        return None
