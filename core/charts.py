"""Server-rendered, accessible SVG charts; always shown next to a table with the same numbers.

No JavaScript: a chart is an <svg role="img"> with a <title> and <desc>, and
patterns of shape and text labels (not colour alone) distinguish series.

Every text stays inside the chart's box: the left margin fits the widest axis
label, category labels wrap onto lines under their bars (the chart widens when a
single word does not fit), and legend entries wrap onto rows. Text widths are
estimated on the wide side (see `text_width`), as no font is at hand on the server.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import count

from babel import Locale
from babel.numbers import format_currency, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

from core.i18n import current_language

PALETTE = ("#00457c", "#b35900", "#00703c", "#6f2c91")  # each at least 4.5:1 on white
FONT_SIZE = 12
LINE_HEIGHT = 15
EURO, PERCENT = "€", "%"
_ids = count(1)


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category (None for "no figure")."""

    name: str
    values: tuple[Decimal | int | float | None, ...]


def _half_up(value, places: int) -> Decimal:
    """`value` rounded half-up to `places` decimals (Babel itself rounds half-even: 16,65 would become 16,6)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _fmt(value, unit: str = "") -> str:
    """A value the reader's way, with its unit.

    Amounts (unit "€") as money, the euro sign placed by the locale: `€ 270.000`, `€ 1.234,50` (Dutch),
    `€270,000` (English); percentages (unit "%") with one decimal, rounded half-up: `16,7%`; other numbers
    `1.234`, `12,5`, followed by the unit.
    """
    if value is None:
        return "–"
    language = current_language()
    if unit == EURO:
        amount = Decimal(str(value))
        if amount == amount.to_integral_value():
            pattern = Locale.parse(language).currency_formats["standard"].pattern.replace("#,##0.00", "#,##0")
            return format_currency(amount, "EUR", format=pattern, currency_digits=False, locale=language)
        return format_currency(_half_up(amount, 2), "EUR", locale=language)
    if unit == PERCENT:
        return format_decimal(_half_up(value, 1), format="#,##0.0", locale=language) + PERCENT
    if isinstance(value, float):
        text = format_decimal(_half_up(value, 1), format="#,##0.0", locale=language)
    elif isinstance(value, Decimal):
        text = format_decimal(value.normalize(), format="#,##0.###", locale=language)
    elif type(value) is int and language in ("nl", "en"):  # Babel's "#,##0" for these two, without its parser
        text = f"{value:,}".replace(",", "." if language == "nl" else ",")
    else:
        text = format_decimal(value, format="#,##0", locale=language)
    return text + unit


# Advance widths in em, on the wide side of common sans-serif fonts (DejaVu Sans, Arial, Segoe UI, Roboto).
_NARROW, _SEMI, _WIDE = set("iIjl.,:;'|! \u00a0"), set("frt()[]{}/-\\\"`*"), set("mwMW%@")


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """The width `text` takes at `size` px, estimated generously so that a layout built on it never clips."""
    em = 0.0
    for char in str(text):
        if char in _NARROW:
            em += 0.34
        elif char in _SEMI:
            em += 0.44
        elif char in _WIDE:
            em += 1.0
        elif char.isupper():
            em += 0.8
        elif char.isalnum() or char == "€":
            em += 0.65
        else:
            em += 0.85
    return em * size


def _wrap(text: str, width: float) -> list[str]:
    """`text` in lines of at most `width` px, broken between words (a word wider than that keeps its own line)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _tick(v: float, unit: str) -> str:
    if unit in (EURO, PERCENT):
        return _fmt(v, unit)
    return _fmt(round(v, 1) if not float(v).is_integer() else int(v), unit)


def bar_chart(title: str, description: str, categories: list[str], series: list[Series], *,
              target: Series | None = None, unit: str = "", width: int = 640, height: int = 280) -> Markup:
    """Grouped bars per category, with an optional target drawn as a dashed line marker.

    `unit` "€" shows amounts as money, "%" percentages with one decimal; any other unit follows the number.
    `description` should summarise what the chart shows; the page must also show a
    table with the same numbers (the chart adds nothing a screen reader misses).
    `width` and `height` are the least size: the chart grows so that every label fits.
    """
    chart_id = f"chart-{next(_ids)}"
    values = [float(v) for s in series for v in s.values if v is not None]
    if target is not None:
        values += [float(v) for v in target.values if v is not None]
    top = max(values, default=0) or 1
    ticks = [(top * frac, _tick(top * frac, unit)) for frac in (0, 0.5, 1)]
    right, top_pad, gap = 12, 16, 8
    left = max(56, int(max(text_width(t) for _v, t in ticks)) + 6 + gap)
    plot_h = height - top_pad - 56
    n = max(len(categories), 1)
    # each group at least as wide as its longest word, so that a label wraps but never overflows
    widest_word = max((text_width(w) for c in categories for w in str(c).split()), default=0)
    width = max(width, int(left + right + n * (widest_word + gap)) + 1)
    plot_w = width - left - right
    group_w = plot_w / n
    bar_w = max(min(group_w * 0.8 / max(len(series), 1), 48), 4)
    labels = [_wrap(cat, group_w - gap) for cat in categories]
    label_lines = max((len(lines) for lines in labels), default=1)

    # legend entries in rows: a swatch (16 px, or 20 for the dashed line) and the name, 16 px apart
    entries = [(s.name, PALETTE[j % len(PALETTE)], 16) for j, s in enumerate(series)]
    if target is not None:
        entries.append((_("%(name)s (streepjeslijn)", name=target.name), None, 20))
    width = max(width, int(left + right + max((sw + text_width(name) for name, _c, sw in entries), default=0)) + 1)
    usable = width - left - right
    rows: list[list[tuple[float, str, str | None, int]]] = [[]]
    x = 0.0
    for name, colour, swatch in entries:
        entry_w = swatch + text_width(name)
        if rows[-1] and x + entry_w > usable:
            rows.append([])
            x = 0.0
        rows[-1].append((x, name, colour, swatch))
        x += entry_w + 16
    axis_y = top_pad + plot_h
    legend_top = axis_y + 8 + label_lines * LINE_HEIGHT + 8
    height = max(height, legend_top + len(rows) * (LINE_HEIGHT + 3) + 6)

    def y(v: float) -> float:
        return top_pad + plot_h - (v / top) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="#1b1b1b"/>',
    ]
    for v, text in ticks:
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="{FONT_SIZE}">'
                     f'{escape(text)}</text>')
    for i, cat in enumerate(categories):
        gx = left + i * group_w + (group_w - bar_w * len(series)) / 2
        for j, s in enumerate(series):
            v = s.values[i] if i < len(s.values) else None
            if v is None:
                continue
            x = gx + j * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{y(float(v)):.1f}" width="{bar_w - 2:.1f}" '
                         f'height="{plot_h - (y(float(v)) - top_pad):.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                         f'<title>{escape(s.name)}, {escape(cat)}: {escape(_fmt(v, unit))}</title></rect>')
        if target is not None and i < len(target.values) and target.values[i] is not None:
            ty = y(float(target.values[i]))
            parts.append(f'<line x1="{left + i * group_w + 4:.1f}" x2="{left + (i + 1) * group_w - 4:.1f}" '
                         f'y1="{ty:.1f}" y2="{ty:.1f}" stroke="#1b1b1b" stroke-width="3" stroke-dasharray="6 4">'
                         f'<title>{escape(target.name)}, {escape(cat)}: '
                         f'{escape(_fmt(target.values[i], unit))}</title></line>')
        cx = left + i * group_w + group_w / 2
        lines = "".join(f'<tspan x="{cx:.1f}" y="{axis_y + 18 + k * LINE_HEIGHT}">{escape(line)}</tspan>'
                        for k, line in enumerate(labels[i]))
        parts.append(f'<text text-anchor="middle" font-size="{FONT_SIZE}">{lines}</text>')
    for r, row in enumerate(rows):
        base = legend_top + r * (LINE_HEIGHT + 3) + 12
        for x, name, colour, swatch in row:
            x += left
            if colour is not None:
                parts.append(f'<rect x="{x:.1f}" y="{base - 10}" width="12" height="12" fill="{colour}"/>')
            else:
                parts.append(f'<line x1="{x:.1f}" x2="{x + 16:.1f}" y1="{base - 4}" y2="{base - 4}" stroke="#1b1b1b" '
                             f'stroke-width="3" stroke-dasharray="6 4"/>')
            parts.append(f'<text x="{x + swatch:.1f}" y="{base}" font-size="{FONT_SIZE}">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
