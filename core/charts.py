"""Server-rendered, accessible SVG charts; always shown next to a table with the same numbers.

No JavaScript: a chart is an <svg role="img"> with a <title> and <desc>, and
patterns of shape and text labels (not colour alone) distinguish series.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from babel.numbers import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

from core.i18n import current_language

PALETTE = ("#00457c", "#b35900", "#00703c", "#6f2c91")  # each at least 4.5:1 on white
_ids = count(1)


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category (None for "no figure")."""

    name: str
    values: tuple[Decimal | int | float | None, ...]


def _fmt(value) -> str:
    """A number the reader's way: `1.234`, `12,5` (Dutch, also outside a request), `1,234`, `12.5` (English)."""
    if value is None:
        return "–"
    language = current_language()
    if isinstance(value, float):
        return format_decimal(value, format="#,##0.0", locale=language)
    if isinstance(value, Decimal):
        return format_decimal(value.normalize(), format="#,##0.###", locale=language)
    return format_decimal(value, format="#,##0", locale=language)


def bar_chart(title: str, description: str, categories: list[str], series: list[Series], *,
              target: Series | None = None, unit: str = "", width: int = 640, height: int = 280) -> Markup:
    """Grouped bars per category, with an optional target drawn as a dashed line marker.

    `description` should summarise what the chart shows; the page must also show a
    table with the same numbers (the chart adds nothing a screen reader misses).
    """
    chart_id = f"chart-{next(_ids)}"
    values = [float(v) for s in series for v in s.values if v is not None]
    if target is not None:
        values += [float(v) for v in target.values if v is not None]
    top = max(values, default=0) or 1
    left, right, top_pad, bottom = 56, 12, 16, 56
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    group_w = plot_w / max(len(categories), 1)
    bar_w = max(min(group_w * 0.8 / max(len(series), 1), 48), 4)

    def y(v: float) -> float:
        return top_pad + plot_h - (v / top) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}" stroke="#1b1b1b"/>',
    ]
    for frac in (0, 0.5, 1):
        v = top * frac
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12">'
                     f'{escape(_fmt(round(v, 1) if isinstance(v, float) and not v.is_integer() else int(v)))}{escape(unit)}</text>')
    for i, cat in enumerate(categories):
        gx = left + i * group_w + (group_w - bar_w * len(series)) / 2
        for j, s in enumerate(series):
            v = s.values[i] if i < len(s.values) else None
            if v is None:
                continue
            x = gx + j * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{y(float(v)):.1f}" width="{bar_w - 2:.1f}" '
                         f'height="{plot_h - (y(float(v)) - top_pad):.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                         f'<title>{escape(s.name)}, {escape(cat)}: {escape(_fmt(v))}{escape(unit)}</title></rect>')
        if target is not None and i < len(target.values) and target.values[i] is not None:
            ty = y(float(target.values[i]))
            parts.append(f'<line x1="{left + i * group_w + 4:.1f}" x2="{left + (i + 1) * group_w - 4:.1f}" '
                         f'y1="{ty:.1f}" y2="{ty:.1f}" stroke="#1b1b1b" stroke-width="3" stroke-dasharray="6 4">'
                         f'<title>{escape(target.name)}, {escape(cat)}: {escape(_fmt(target.values[i]))}{escape(unit)}</title></line>')
        parts.append(f'<text x="{left + i * group_w + group_w / 2:.1f}" y="{top_pad + plot_h + 18}" '
                     f'text-anchor="middle" font-size="12">{escape(cat)}</text>')
    legend_y = height - 14
    x = left
    for j, s in enumerate(series):
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>'
                     f'<text x="{x + 16}" y="{legend_y}" font-size="12">{escape(s.name)}</text>')
        x += 24 + 7 * len(s.name)
    if target is not None:
        legend = _("%(name)s (streepjeslijn)", name=target.name)
        parts.append(f'<line x1="{x}" x2="{x + 16}" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="#1b1b1b" '
                     f'stroke-width="3" stroke-dasharray="6 4"/><text x="{x + 20}" y="{legend_y}" font-size="12">'
                     f'{escape(legend)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
