"""Notices (通报): the supervision office issues one for a period from the unit ranking.

The content combines figures of several apps (the ranking and lag list from `investment`,
the overdue findings from `supervision`), so it is assembled here and handed to
`supervision.services.notice_issue`, which keeps it as it stood on the day of issue: a
notice once published does not change when a report is corrected later.
"""

from dataclasses import dataclass
from typing import Any

from core import formatting
from core.formatting import percent, points
from investment.documents.briefing import BRIEFING_LIST, furthest_behind
from investment.models import WarningLevel
from investment.rules.indicators import INDICATORS
from investment.rules.periods import Period
from investment.selectors.portfolio import portfolio_summary, report_completeness
from investment.selectors.progress import lag_warnings, level_counts
from investment.selectors.rankings import unit_ranking
from supervision.models import Finding
from supervision.rules import escalation_level
from supervision.selectors import overdue_findings


def notice_title(*, year: int, period: str, month: int) -> str:
    return f"关于{formatting.period_label(year=year, kind=period, month=month)}全县重点项目建设情况的通报"


def notice_content(period: Period) -> dict[str, Any]:
    """Everything a notice of ``period`` shows, as it stands on the period's ``today``, as plain
    text and numbers ready to keep (JSON)."""
    today = period.today
    ranking = unit_ranking(period)
    summary = portfolio_summary(period)
    completeness = report_completeness(period)
    overdue = overdue_findings(Finding.objects.all(), today=today)
    lagging = lag_warnings(period)
    red = {score.unit for score in ranking.red_list}
    black = {score.unit for score in ranking.black_list}
    return {
        "period_label": period.label,
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
                **{key: percent(rate) for key, rate in score.rates.items()},
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


@dataclass
class NoticeRanking:
    """A notice's kept ranking as its table shows it: a column per indicator."""

    headers: list[str]
    rows: list[tuple[dict[str, Any], list[str]]]  # each kept row with its rates, in order

    @property
    def columns(self) -> int:
        return 4 + len(self.headers)  # 名次, 责任单位, 项目数, 得分 and the rates


def notice_ranking(content: dict[str, Any]) -> NoticeRanking:
    """The ranking a notice kept (``notice_content``), a rate per indicator; "—" for an
    indicator added after the notice was issued."""
    return NoticeRanking(
        headers=[indicator.notice_label for indicator in INDICATORS],
        rows=[
            (row, [row.get(indicator.rate_key, "—") for indicator in INDICATORS])
            for row in content.get("ranking", [])
        ],
    )
