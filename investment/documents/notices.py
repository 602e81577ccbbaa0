"""Notices (通报): the supervision office issues one for a period from the unit ranking.

The content combines figures of several apps (the ranking and lag list from `investment`,
the overdue findings from `supervision`), so it is assembled here and handed to
`supervision.services.notice_issue`, which keeps it as it stood on the day of issue: a
notice once published does not change when a report is corrected later.
"""

from datetime import date
from typing import Any

from core import formatting
from core.formatting import percent, points
from investment.documents.briefing import BRIEFING_LIST, furthest_behind
from investment.models import WarningLevel
from investment.selectors.portfolio import portfolio_summary, report_completeness
from investment.selectors.progress import lag_warnings, level_counts
from investment.selectors.rankings import unit_ranking
from supervision.models import Finding
from supervision.rules import escalation_level
from supervision.selectors import overdue_findings


def notice_title(*, year: int, period: str, month: int) -> str:
    return f"关于{formatting.period_label(year=year, kind=period, month=month)}全县重点项目建设情况的通报"


def notice_content(*, year: int, month: int, period: str, today: date) -> dict[str, Any]:
    """Everything a notice shows, as plain text and numbers ready to keep (JSON)."""
    ranking = unit_ranking(year=year, month=month, today=today)
    summary = portfolio_summary(year=year, month=month)
    completeness = report_completeness(year=year, month=month, today=today)
    overdue = overdue_findings(Finding.objects.all(), today=today)
    lagging = lag_warnings(year=year, month=month)
    red = {score.unit for score in ranking.red_list}
    black = {score.unit for score in ranking.black_list}
    return {
        "period_label": formatting.period_label(year=year, kind=period, month=month),
        # Kept with the notice: how many of the period's reports were in on the day of issue.
        "completeness": {
            "expected": completeness.expected,
            "reported": completeness.reported,
            "units_missing": completeness.units_missing,
            "complete": completeness.complete,
            "text": completeness.text,
            "quality": completeness.quality.text,
            "unexamined": completeness.quality.unexamined,
        },
        "summary": {
            "projects": summary.projects,
            "completion_rate": percent(summary.completion_rate),
            "time_progress": percent(summary.time_progress),
            "ahead": points(summary.ahead_pp),
            "start_rate": percent(summary.start_rate),
        },
        "ranking": [
            {
                "rank": score.rank,
                "unit": score.unit,
                "score": str(score.score),
                "completion_rate": percent(score.completion_rate),
                "start_rate": percent(score.start_rate),
                "milestone_rate": percent(score.milestone_rate),
                "findings_rate": percent(score.findings_rate),
                "reporting_rate": percent(score.reporting_rate),
                "projects": score.projects,
                "list": "red" if score.unit in red else "black" if score.unit in black else "",
            }
            for score in ranking.units
        ],
        "red_list": [score.unit for score in ranking.red_list],
        "black_list": [score.unit for score in ranking.black_list],
        # Long lists are cut as the briefing cuts them (the worst first) with their totals;
        # the full lists are the 督查 and 滞后预警 pages.
        "overdue_total": overdue.count(),
        "lagging_total": len(lagging),
        "lagging_levels": {c.level: c.total for c in level_counts(lagging)},
        "overdue_findings": [
            {
                "unit": finding.unit.name,
                "description": finding.description,
                "project": finding.project.name if finding.project else "",
                "deadline": f"{finding.deadline:%Y-%m-%d}",
                "days_overdue": (today - finding.deadline).days,
                "escalated": escalation_level(finding, today) == 2,
            }
            for finding in overdue[:BRIEFING_LIST]
        ],
        "lagging": [
            {
                "code": warning.progress.code,
                "name": warning.progress.name,
                "unit": warning.progress.unit,
                "level": warning.level,
                "level_label": warning.level_label,
                "reasons": [
                    f"{r.reason}（{WarningLevel(r.level).label}）：{r.details}"
                    for r in warning.reasons
                ],
            }
            for warning in furthest_behind(lagging)
        ],
        "as_of": f"{today:%Y-%m-%d}",
    }
