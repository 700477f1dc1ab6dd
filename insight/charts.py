"""Bar charts as inline SVG, built on the server: no script, no CDN, printable, and every
number also written on the bar so the chart reads without hovering."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1f3a5f", "#4f8fc0", "#9cc3e4", "#e07b39"]


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, Decimal | float):
        return f"{value:,.0f}".replace(",", "\u202f")
    return str(value)


def bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    *,
    title: str,
    fmt: Callable = _fmt,
    width: int = 560,
    height: int = 240,
    empty: str = "–",
) -> SafeString:
    """Vertical bars, one group per label, one bar per series (None = no bar)."""
    top, bottom, left, right = 44, 40, 10, 10
    plot_h = height - top - bottom
    peak = max([v for _n, values in series for v in values if v is not None] or [0]) or 1
    group_w = (width - left - right) / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    parts = [_header(title, width, height)]
    for g, label in enumerate(labels):
        x0 = left + g * group_w + group_w * 0.1
        for s, (_name, values) in enumerate(series):
            value = values[g]
            h = 0 if value is None else float(value) / float(peak) * plot_h
            x, y = x0 + s * bar_w, top + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(label)}: {escape(fmt(value))}'
                "</title></rect>"
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'font-size="10">{escape(fmt(value))}</text>'
            )
        parts.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'font-size="11">{escape(label)}</text>'
        )
    if not labels:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#555">'
            f"{escape(empty)}</text>"
        )
    else:
        parts.append(_legend(series, height))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def hbar_chart(
    labels: Sequence[str], values: Sequence, *, title: str, fmt: Callable = _fmt, width: int = 560
) -> SafeString:
    """Horizontal bars, biggest first, for long labels (customer names)."""
    row_h, top, label_w = 22, 28, 200
    height = top + row_h * max(len(labels), 1) + 8
    peak = max([v for v in values if v is not None] or [0]) or 1
    plot_w = width - label_w - 80
    parts = [_header(title, width, height)]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row_h
        w = float(value or 0) / float(peak) * plot_w
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="11">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="10">{escape(fmt(value))}'
            "</text>"
        )
    if not labels:
        parts.append(f'<text x="{width / 2}" y="{top + 14}" text-anchor="middle">–</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _header(title: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" font-family="system-ui, sans-serif" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<text x="8" y="16" font-size="13" font-weight="bold">{escape(title)}</text>'
    )


def _legend(series, height: int) -> str:
    if len(series) < 2:
        return ""
    parts = []
    for s, (name, _values) in enumerate(series):
        x = 10 + s * 130
        parts.append(
            f'<rect x="{x}" y="{height - 14}" width="10" height="10" '
            f'fill="{PALETTE[s % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="{height - 5}" font-size="10">{escape(name)}</text>'
        )
    return "".join(parts)
