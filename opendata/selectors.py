"""What a year's OC4IDS package is built from, read in a fixed number of queries whatever the
number of projects: the period's settings and lock (`Period.due_on`), the year's plan rows with
their project, unit and completed investment, the projects' milestones, and the names of the
people the register knows (kept out of the published text)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import money
from investment.models import MonthlyReport
from investment.rules.periods import Period, month_judged
from projects.models import AnnualPlan, Milestone, Project, User
from projects.rules import is_counted

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=18, decimal_places=4))


@dataclass(frozen=True)
class PublishedProject:
    """One project of year ``year``'s list as it is published."""

    plan: AnnualPlan
    completed_in_year: Decimal  # 万元, months 1..through of the year (counted reports)
    completed_to_date: Decimal  # 万元, every earlier year's counted reports and this year's
    milestones: list[Milestone]

    @property
    def project(self) -> Project:
        return self.plan.project


@dataclass(frozen=True)
class YearToPublish:
    """Year ``year``'s projects as of ``today``; completed investment runs through month
    ``through`` (the month due for the year, December for a year that is over; None: no month
    of the year is due yet, so no completion figures)."""

    year: int
    today: date
    through: int | None
    projects: list[PublishedProject]
    people: frozenset[str] = field(default=frozenset())

    @property
    def counted(self) -> list[PublishedProject]:
        """The projects whose row counts in the year's figures (`projects.rules.counted_q`): a
        replaced row is published (as cancelled) but counts in none."""
        return [
            item
            for item in self.projects
            if is_counted(item.plan.year, item.plan.replaced_by_id, self.year)
        ]


def years_listed() -> list[int]:
    """The years with a key-project list, latest first (one query)."""
    return list(AnnualPlan.objects.order_by("-year").values_list("year", flat=True).distinct())


def year_to_publish(year: int, *, today: date | None = None) -> YearToPublish:
    """Year ``year``'s list (every row, a replaced one too: it is published as cancelled)."""
    today = today or timezone.localdate()
    due = Period.due_on(today)
    through = month_judged(year, (due.year, due.month))
    plans = list(
        _completed(AnnualPlan.objects.filter(year=year), year, through)
        .select_related("project__unit")
        .order_by("project__code")
    )
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    listed = Milestone.objects.filter(project__plans__year=year).order_by("planned_date", "name")
    for milestone in listed:
        milestones[milestone.project_id].append(milestone)
    projects = [
        PublishedProject(
            plan=plan,
            completed_in_year=money(plan.completed_in_year),  # type: ignore[attr-defined]
            completed_to_date=money(plan.completed_to_date),  # type: ignore[attr-defined]
            milestones=milestones[plan.project_id],
        )
        for plan in plans
    ]
    return YearToPublish(year, today, through, projects, _people(plans))


def _completed(plans: QuerySet[AnnualPlan], year: int, through: int | None) -> QuerySet[AnnualPlan]:
    """``plans`` annotated with their project's counted investment: in ``year`` through month
    ``through``, and to date (every earlier year, then ``year`` through ``through``)."""
    counted = Q(status__in=MonthlyReport.COUNTED_STATUSES)
    this_year = Q(plan__year=year, month__lte=through or 0)
    to_date = (
        MonthlyReport.objects.filter(counted, Q(plan__year__lt=year) | this_year)
        .filter(plan__project=OuterRef("project"))
        .values("plan__project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    in_year = MonthlyReport.counted_q(through=through or 0, prefix="reports__")
    return plans.annotate(
        completed_in_year=Coalesce(Sum("reports__amount", filter=in_year), ZERO),
        completed_to_date=Coalesce(Subquery(to_date), ZERO),
    )


def _people(plans: list[AnnualPlan]) -> frozenset[str]:
    """Every person's name the register holds: the projects' 包抓领导 and 服务专员 and the
    users' names (one query)."""
    names = {p.project.leader for p in plans} | {p.project.service_officer for p in plans}
    for first, last in User.objects.values_list("first_name", "last_name"):
        names |= {first, last, f"{last}{first}"}
    return frozenset(name for name in names if name)
