"""Charts drawn on the server as accessible SVG: no script, no CDN, no external service.

Each chart is an <svg role="img"> labelled by its own <title> and <desc> (the desc states
the main finding in words), and every chart on a page sits beside a table with the same
numbers. Sizes are in viewBox units, so a chart scales to the width of its column. Colours
are SVG presentation attributes (the CSP allows no inline styles) and keep at least 3:1
contrast against the white plot area.
"""

from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from annotations.reading import heat_level

NOTE_COLOUR = "#8c2f1b"  # the site's accent (oxblood)
REPLY_COLOUR = "#1f4f7a"  # the link blue
# Heat levels, from no notes to the most annotated paragraphs (light to dark oxblood);
# level 0 is a faint rule colour, so an empty paragraph still has a visible cell.
HEAT_COLOURS = ["#ece6da", "#f0c9bd", "#dc9480", "#c05f45", "#8c2f1b", "#5a1a0d"]

_ids = count(1)


def _frame(chart_id, title, desc, width, height, body, role="img"):
    # role="img" hides everything inside from assistive technology; a chart whose parts are
    # links (the heat map) is a "group" instead, so its links are announced and reachable.
    return format_html(
        '<svg class="chart" id="{id}" role="{role}" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id, w=width, h=height, title=title, desc=desc, body=body, role=role,
    )


def _new_id(prefix):
    return f"{prefix}-{next(_ids)}"


def bar_chart(title: str, desc: str, rows: list[tuple[str, int]], *, unit: str = "", limit: int = 20):
    """Horizontal bars, one per (label, value), largest expected first; at most `limit` bars."""
    rows = rows[:limit]
    label_width, bar_width, row_height = 180, 360, 26
    height = max(1, len(rows)) * row_height + 8
    maximum = max((value for _, value in rows), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(rows):
        y = 4 + index * row_height
        length = round(bar_width * value / maximum) if value else 0
        short = label if len(label) <= 24 else label[:23] + "…"
        bars.append(format_html(
            '<g><text x="{lx}" y="{ty}" text-anchor="end" font-size="13" fill="#1d1b18">{short}</text>'
            '<rect x="{bx}" y="{y}" width="{len}" height="{bh}" rx="2" fill="{colour}"><title>{label}: {value}{unit}</title></rect>'
            '<text x="{vx}" y="{ty}" font-size="13" fill="#4a463f">{value}</text></g>',
            lx=label_width - 8, ty=y + 16, short=short, bx=label_width, y=y, len=length, bh=row_height - 8,
            colour=NOTE_COLOUR, label=label, value=value, unit=unit, vx=label_width + length + 6,
        ))
    return _frame(_new_id("bars"), title, desc, label_width + bar_width + 60, height, mark_safe("".join(bars)))


def column_chart(title: str, desc: str, days) -> str:
    """Stacked columns per day: notes (bottom) and replies (top). `days` are stats.Day rows."""
    plot_height, column, gap, left, bottom = 160, 14, 4, 36, 22
    # At least a month's width, so that a few days draw as slim columns, not giant ones.
    width = left + max(30, len(days)) * (column + gap) + 8
    maximum = max((d.total for d in days), default=0) or 1
    parts = [format_html(
        '<line x1="{x}" y1="8" x2="{x}" y2="{y}" stroke="#6b665c"/><line x1="{x}" y1="{y}" x2="{w}" y2="{y}" stroke="#6b665c"/>'
        '<text x="{tx}" y="16" text-anchor="end" font-size="11" fill="#4a463f">{max}</text>'
        '<text x="{tx}" y="{y}" text-anchor="end" font-size="11" fill="#4a463f">0</text>',
        x=left - 2, y=8 + plot_height, w=width, tx=left - 6, max=maximum,
    )]
    for index, day in enumerate(days):
        x = left + index * (column + gap) + gap
        notes_h = round(plot_height * day.annotations / maximum)
        replies_h = round(plot_height * day.replies / maximum)
        base = 8 + plot_height
        label = f"{day.day:%-d %b}: {day.annotations} notes, {day.replies} replies"
        parts.append(format_html(
            '<g><title>{label}</title>'
            '<rect x="{x}" y="{ny}" width="{w}" height="{nh}" fill="{nc}"/>'
            '<rect x="{x}" y="{ry}" width="{w}" height="{rh}" fill="{rc}"/></g>',
            label=label, x=x, w=column, ny=base - notes_h, nh=notes_h, nc=NOTE_COLOUR,
            ry=base - notes_h - replies_h, rh=replies_h, rc=REPLY_COLOUR,
        ))
        if index == 0 or index == len(days) - 1 or len(days) <= 10:
            parts.append(format_html(
                '<text x="{x}" y="{y}" text-anchor="middle" font-size="10" fill="#4a463f">{d}</text>',
                x=x + column / 2, y=base + 15, d=f"{day.day:%-d %b}",
            ))
    return _frame(_new_id("columns"), title, desc, width, 8 + plot_height + bottom, mark_safe("".join(parts)))


def heat_map(title: str, desc: str, cells, href) -> str:
    """One cell per paragraph in reading order, darker for more notes and replies; each cell a
    link to its paragraph (`href(cell)`), with the count in its tooltip. `cells` are stats.ParagraphHeat."""
    columns, size, gap = 25, 18, 3
    rows = max(1, -(-len(cells) // columns))
    maximum = max((c.total for c in cells), default=0)
    parts = []
    for index, cell in enumerate(cells):
        x = (index % columns) * (size + gap)
        y = (index // columns) * (size + gap)
        level = heat_level(cell.total, maximum)
        parts.append(format_html(
            '<a href="{href}"><title>{label}: {a} notes, {r} replies</title>'
            '<rect class="heat-cell" x="{x}" y="{y}" width="{s}" height="{s}" rx="2" fill="{fill}"/></a>',
            href=href(cell), label=cell.label, a=cell.annotations, r=cell.replies, x=x, y=y, s=size,
            fill=HEAT_COLOURS[level],
        ))
    return _frame(
        _new_id("heat"), title, desc, columns * (size + gap), rows * (size + gap), mark_safe("".join(parts)),
        role="group",
    )


def legend(items) -> str:
    """A small key for the colours: [(colour, label)]."""
    return format_html(
        '<ul class="chart-legend">{}</ul>',
        format_html_join(
            "", '<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="{}"/></svg> {}</li>',
            items,
        ),
    )
