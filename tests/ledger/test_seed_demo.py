"""seed_demo: a plausible county through the real import, and one login per role."""

from collections import Counter
from datetime import date, datetime, time

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from bonds.models import FundApplication, FundStatus, FundType
from core.formatting import wan_text
from investment.models import MonthlyReport, QualityFlag
from investment.rules import period_end
from investment.rules.periods import Period, due_period
from investment.selectors.progress import LagReason, board, lag_warnings
from ledger.services.demo import TOWNSHIPS, build_ledger, seed_demo
from projects.models import AnnualPlan, Milestone, Project, ProjectRevision, Stage, Unit, User
from supervision import rules as clocks
from supervision.models import Finding
from tests.counties import DEMO_DAY, SEEDED


def test_it_builds_a_county_with_every_kind_of_record(demo_county):
    """The prebuilt demo county is the command's (tests/counties.py), its output kept."""
    assert 25 <= Unit.objects.count() <= 35
    assert 140 <= Project.objects.count() <= 160
    assert set(AnnualPlan.objects.values_list("year", flat=True)) == {2024, 2025, 2026}
    assert set(FundApplication.objects.values_list("fund_type", flat=True)) == set(FundType.values)
    assert set(FundApplication.objects.values_list("status", flat=True)) == set(FundStatus.values)
    assert set(Finding.objects.values_list("status", flat=True)) == set(Finding.Status.values)
    assert Milestone.objects.filter(actual_date__isnull=True).exists()
    assert AnnualPlan.objects.filter(year=2026, actual_start__isnull=True).exists()
    statuses = MonthlyReport.objects.filter(plan__year=2026, month=10).values_list(
        "status", flat=True
    )
    assert {"approved", "submitted"} <= set(statuses)
    reporter = User.objects.get(username="reporter")
    assert MonthlyReport.objects.filter(submitted_by=reporter).exists()  # their unit's, sent
    assert (
        not MonthlyReport.objects.exclude(plan__project__unit=reporter.unit)
        .filter(submitted_by=reporter)
        .exists()
    )
    assert "Demo@2026" in SEEDED[0]
    # 项目调整: 概算 raised with a reason and 批复文号, a completion pushed back, by the office
    revisions = ProjectRevision.objects.all()
    assert {r.field for r in revisions} == {"total_investment", "planned_end"}
    assert all(r.reason and r.approval_number and r.recorded_by.username == "office"
               for r in revisions)  # fmt: skip
    assert all(r.new_total > r.old_total for r in revisions if r.field == "total_investment")


def signs_in(client, username: str, password: str) -> bool:
    """Through the login page; a demo user is not sent to change the password first (the 三员
    administrators' home is their own page: 总体情况 redirects there)."""
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    home = client.get(reverse("dashboard"))
    at_home = home.status_code == 200 or home.url != reverse("password_change")
    return response.status_code == 302 and home.status_code in (200, 302) and at_home


# What an office clerk would find odd in a demo county, stated as rules.
TOO_LONG_OVERDUE = 45  # days: a real office has closed or escalated a finding long before
REMITS = {  # words in a department project's name → the department that would run it
    "客运": "县交通运输局",
    "公路": "县交通运输局",
    "医院": "县卫生健康局",
    "卫生院": "县卫生健康局",
    "幼儿园": "县教育局",
    "小学": "县教育局",
    "水库": "县水利局",
    "养老": "县民政局",
    "产业园区": "县产业园区管委会",
}


def test_the_demo_county_reads_as_a_real_one_on_the_day_it_is_seeded(demo_county):
    reads_as_a_real_county(DEMO_DAY)  # the prebuilt county (tests/counties.py), seeded that day


@pytest.mark.slow  # the whole demo county seeded on another day
def test_seeded_on_a_july_day_it_reads_as_a_real_county_too():
    with time_machine.travel("2027-07-10 09:00+08:00", tick=False):  # a clerk seeds it that day
        seed_demo(today=date(2027, 7, 10))
        reads_as_a_real_county(date(2027, 7, 10))


def test_the_command_refuses_a_day_after_today_in_chinese():
    # A county dated ahead would record 开工 and 竣工 that have not happened yet.
    with (
        time_machine.travel("2026-12-08 09:00+08:00", tick=False),
        pytest.raises(CommandError, match="演示数据的日期（2027-07-10）不能晚于今天（2026-12-08）"),
    ):
        call_command("seed_demo", today="2027-07-10")
    assert not Project.objects.exists()


def reads_as_a_real_county(day: date) -> None:
    year, month = due_period(day)

    # Every unit has an active reporter.
    reporters = User.objects.filter(role=User.Role.REPORTER, is_active=True)
    assert set(reporters.values_list("unit", flat=True)) == set(
        Unit.objects.values_list("pk", flat=True)
    )
    # A township's projects lie in that township and are named with it; departments run
    # what their remit covers.
    for project in Project.objects.select_related("unit"):
        township = next((t for t in TOWNSHIPS if project.name.startswith(t)), None)
        if project.unit.kind == Unit.Kind.TOWNSHIP or township:
            assert project.unit.name == township, project.name
        else:
            for word, unit in REMITS.items():
                if word in project.name and "公司" not in project.name:
                    assert project.unit.name == unit, project.name
    # Stages from 储备 to 投产, and one replaced project.
    stages = Counter(Project.objects.values_list("stage", flat=True))
    assert set(stages) == set(Stage.values)
    assert stages[Stage.REPLACED] == 1
    assert stages[Stage.CONSTRUCTION] > Project.objects.count() / 2
    # Findings as an office has them: most closed, a few overdue by days or weeks and
    # escalated to the leaders, none forgotten for months.
    findings = list(Finding.objects.all())
    overdue = [f for f in findings if f.status != Finding.Status.CLOSED and f.deadline < day]
    assert sum(f.status == Finding.Status.CLOSED for f in findings) > len(findings) / 2
    assert 2 <= len(overdue) <= 8
    assert all((day - f.deadline).days <= TOO_LONG_OVERDUE for f in overdue)
    assert all(clocks.escalation_level(f, day) == clocks.LEVEL_LEADERS for f in overdue)
    assert {f.status for f in findings} == set(Finding.Status.values)
    assert all(f.found_on <= day and (f.closed_on or day) <= day for f in findings)
    # Most projects on schedule, some lagging, for every reason of DESIGN.md §3.
    now = timezone.make_aware(datetime.combine(day, time(12)))
    warnings = lag_warnings(Period.of(year, month, today=timezone.localdate(now)))
    rows = AnnualPlan.objects.counted(year).count()
    assert 0.08 * rows <= len(warnings) <= 0.3 * rows
    reasons = Counter(reason for warning in warnings for reason, *_ in warning.reasons)
    assert set(reasons) == {
        LagReason.NOT_STARTED,
        LagReason.INVESTMENT,
        LagReason.MILESTONE,
        LagReason.NOT_REPORTED,
    }
    # A project with money in the year's plan is planned to start later in the year: no
    # warning, and grey 未到开工期 on the board (DESIGN.md §3).
    later = AnnualPlan.objects.counted(year).filter(
        planned_investment__gt=0,
        project__planned_start__gt=period_end(year, month),
        project__planned_start__year=year,
    )
    assert later.count() >= 1
    assert not {p.project.code for p in later} & {w.progress.code for w in warnings}
    cells = board(Period.of(year, month, today=day), plans=later)[0].cells
    assert cells[-1].label == "未到开工期"
    # Data-quality flags as an office has them: a few, and none on a report approved without
    # the office examining it (全部通过 leaves those).
    flags = QualityFlag.objects.all()
    assert 1 <= flags.count() <= 20
    assert not flags.filter(
        report__status=MonthlyReport.Status.APPROVED, status__in=QualityFlag.UNEXAMINED
    ).exists()
    # The period that is due is reported; nothing is dated after the seed day.
    assert MonthlyReport.objects.filter(plan__year=year, month=month).count() > rows / 2
    assert not Milestone.objects.filter(actual_date__gt=day).exists()
    assert not AnnualPlan.objects.filter(actual_start__gt=day).exists()
    # A 建设内容 that names a 总投资 names the project's own, a revised one's too.
    for name, content, total in Project.objects.values_list("name", "content", "total_investment"):
        assert f"总投资{wan_text(total)}" in content, name


def test_the_demo_is_the_same_county_every_time_it_is_built_for_the_same_day(db):
    assert build_ledger(today=date(2026, 12, 3)) == build_ledger(today=date(2026, 12, 3))


def test_a_day_it_cannot_read_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_demo", "--today", "12/03/2026")


def test_every_role_can_log_in_with_the_demo_password(client, demo_county):

    for username in ("admin", "office", "reporter", "supervisor", "leader"):
        assert signs_in(client, username, "Demo@2026")
    assert User.objects.get(username="reporter").unit.name == "县住房和城乡建设局"


def test_if_empty_leaves_existing_data_alone(client, capsys, demo_county):
    before = MonthlyReport.objects.count()

    call_command("seed_demo", "--if-empty", "--password", "Other@2026")

    assert MonthlyReport.objects.count() == before
    assert signs_in(client, "office", "Other@2026")


def test_the_demo_units_are_numbered_in_tens_departments_before_townships(demo_county):

    orders = list(Unit.objects.order_by("sort_order").values_list("kind", "sort_order"))

    assert [order for _, order in orders] == [10 * i for i in range(1, len(orders) + 1)]
    kinds = [kind for kind, _ in orders]
    assert kinds == sorted(kinds, key=lambda kind: kind != Unit.Kind.DEPARTMENT)
