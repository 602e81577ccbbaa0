"""Reads over findings: status counts, the overdue list and the escalation list."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from supervision.models import Finding, Inspection
from supervision.rules import escalation_level, step_overdue_q, steps

# The list's filter for what waits for the unit's answer (未整改 and 整改中): the reporter's
# 我的待办 links to it, and counts the same statuses.
WAITING = "waiting"
WAITING_STATUSES = (Finding.Status.OPEN, Finding.Status.IN_PROGRESS)


def status_counts(findings: QuerySet[Finding], *, today: date) -> dict[str, int]:
    """How many findings in each state, and how many overdue (one query)."""
    counts = findings.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Finding.overdue_q(on=today)),
        **{status.value: Count("pk", filter=Q(status=status)) for status in Finding.Status},
    )
    return counts


def overdue_findings(findings: QuerySet[Finding], *, today: date) -> QuerySet[Finding]:
    """Findings past their 整改时限 and not closed out, the longest overdue first."""
    return (
        findings.filter(Finding.overdue_q(on=today))
        .select_related("unit", "project")
        .order_by("deadline", "unit__name", "pk")
    )


@dataclass
class Escalation:
    finding: Finding
    level: int
    step: str  # the furthest clock that has run out
    days_overdue: int


# What `escalation_level` and `steps` read of a finding: the clocks are judged on these alone.
CLOCK_FIELDS = ("status", "clock", "found_on", "assigned_on", "first_reply_on", "deadline",
                "closed_on")  # fmt: skip


def escalations(
    findings: QuerySet[Finding], *, today: date, min_level: int = 1, limit: int | None = None
) -> list[Escalation]:
    """Findings with an overdue clock, at ``min_level`` or above, highest level first; the
    first ``limit`` of them when given. Two queries: every candidate's clocks (a city has a
    thousand overdue findings), then the rows kept with their units."""
    rows = []
    candidates = findings.filter(step_overdue_q(today)).only(*CLOCK_FIELDS)
    for finding in candidates.order_by("deadline", "found_on", "pk"):
        level = escalation_level(finding, today)
        if level < min_level:
            continue
        # The furthest clock that has run out says how serious it is (办结 over 首次反馈).
        step = [s for s in steps(finding) if s.state(today) == "overdue"][-1]
        rows.append(Escalation(finding, level, step.label, step.days_overdue(today)))
    rows.sort(key=lambda e: (-e.level, -e.days_overdue))
    rows = rows[:limit]
    shown = findings.select_related("unit").in_bulk([row.finding.pk for row in rows])
    for row in rows:
        row.finding = shown[row.finding.pk]
    return rows


def counts_by_inspection(
    findings: QuerySet[Finding], inspections: Iterable[Inspection]
) -> dict[int, Mapping[str, Any]]:
    """Findings and closed findings per inspection (one query)."""
    rows = (
        findings.filter(inspection__in=list(inspections))
        .order_by()
        .values("inspection")
        .annotate(total=Count("pk"), closed=Count("pk", filter=Q(status=Finding.Status.CLOSED)))
    )
    return {row["inspection"]: row for row in rows}


EXPORT_HEADERS = ("责任单位", "问题描述", "问题类别", "项目代码", "项目名称", "发现日期",
                  "整改时限", "督办机制", "整改状态", "是否逾期", "销号日期", "整改情况")  # fmt: skip


def export_rows(findings: QuerySet[Finding], *, today: date) -> Iterator[tuple[Any, ...]]:
    """The finding list as a sheet, in the list's order, one query."""
    rows = findings.select_related("unit", "project").order_by("status", "deadline", "pk")
    for f in rows:
        yield (
            f.unit.name, f.description, f.get_category_display(),
            f.project.code if f.project else "", f.project.name if f.project else "",
            f.found_on, f.deadline, f.get_clock_display(), f.get_status_display(),
            "是" if f.overdue_on(today) else "否", f.closed_on, f.rectification,
        )  # fmt: skip
