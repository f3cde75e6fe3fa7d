"""Measure the texts of a server-rendered SVG chart with a real font: every label inside the box.

The chart lays out with an estimate of text widths; these tests measure with DejaVu Sans (a wide sans-serif
and a common browser default on Linux) when installed, else with the font Pillow ships.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

NS = "{http://www.w3.org/2000/svg}"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@lru_cache(maxsize=None)
def _font(size: int):
    return ImageFont.truetype(str(DEJAVU), size) if DEJAVU.exists() else ImageFont.load_default(size=size)


def text_boxes(svg: str) -> tuple[tuple[float, float], list[tuple[str, float, float, float, float]]]:
    """(width, height) of the viewBox, and (text, left, top, right, bottom) of every visible line of text."""
    root = ET.fromstring(str(svg))
    _x0, _y0, width, height = (float(v) for v in root.get("viewBox").split())
    boxes = []
    for text in root.iter(f"{NS}text"):
        size = int(text.get("font-size", "12"))
        anchor = text.get("text-anchor", "start")
        lines = [(t.text or "", t) for t in text.iter(f"{NS}tspan")] or [(text.text or "", text)]
        for content, where in lines:
            x, y = float(where.get("x")), float(where.get("y"))
            w = _font(size).getlength(content)
            left = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
            boxes.append((content, left, y - 0.95 * size, left + w, y + 0.25 * size))
    return (width, height), boxes


def assert_all_text_inside(svg: str) -> list[str]:
    """Every line of text of `svg` lies inside its viewBox and no two overlap; returns the texts."""
    (width, height), boxes = text_boxes(svg)
    for content, left, top, right, bottom in boxes:
        assert left >= 0 and top >= 0 and right <= width and bottom <= height, (
            f"{content!r} at ({left:.1f}, {top:.1f})-({right:.1f}, {bottom:.1f}) outside 0 0 {width} {height}")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
            assert apart, f"{a[0]!r} overlaps {b[0]!r}"
    return [re.sub(r"\s", " ", b[0]) for b in boxes]
