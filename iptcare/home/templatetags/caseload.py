"""`{% score_cell row.phq %}`: a caseload row's latest score, with its band and trend.

It formats what the caseload selector read and runs no query. Written with `format_html`
rather than as template markup: the caseload shows two scores for every client, and the
template engine spent half the page's rendering on those eight values per score.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from iptcare.measures.selectors import LatestScore

register = template.Library()


@register.simple_tag
def score_cell(score: LatestScore | None) -> SafeString:
    if score is None:
        return format_html('<span class="muted">{}</span>', "—")
    trend = score.trend_label
    return format_html(
        '<span class="caseload-instrument">{}</span> {} <span class="band band--{}">{}</span> '
        '<span class="trend trend--{}" title="{}" aria-label="{}">{}</span>',
        score.short_name,
        score.total,
        score.severity,
        score.severity_label,
        score.trend,
        trend,
        trend,
        score.trend_arrow,
    )
