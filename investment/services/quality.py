"""数据质量规则 (DESIGN.md §3): one function per rule, and the judging of reports by them.

A rule is a flag, never a refusal. Each numeric rule is a function of a report's ``Facts``
and the year's ``QualityRule`` row, returning the Chinese message when the report is flagged
(None when not). ``judge`` gathers the facts of many reports at once (the sums in the database,
the last twelve months of each project in one query), applies every rule, and writes the
flags: a flag that no longer holds is deleted; one that still holds keeps its status and
说明, unless the report's amount changed since it was last opened, when it goes back to
``open`` (the reporter's earlier 说明 stays readable; the office has to look again).

What the rules read, for a report R of project P for month m of year Y:

- the other reports are those that count in the figures (submitted or approved), so a draft
  elsewhere never moves a flag; R itself counts in its own judgment whatever its status, so
  a draft is flagged as soon as it is saved;
- "started" is any of P's plan rows having an 实际开(复)工日期 on or before m's last day;
- ``progress_unchanged`` compares non-blank 形象进度 only (an empty text is not "the same
  progress", it is no progress said at all);
- ``month_outlier`` with fewer than three earlier months with investment compares with 50 %
  of the year's plan; a row without a plan is then not judged by it (``year_over_plan``
  flags any investment above a zero plan already).

Reports are re-judged when saved, submitted or returned (``investment.services.reports``), imported
(``ledger.services.importer``), and when the year's rules are saved; a save re-judges the project's
later months too, whose sums it moves. The photo rules are judged on upload and deletion (the
report and the reports its photos match), and ``photo_date`` again when the due day changes. A
project or plan row saved through `projects`' forms and services is judged through
`investment.signals`; the ledger's preview (a dry run) judges nothing: flags appear once the
import is confirmed.
"""

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery, Sum

from core import journal
from core.formatting import wan_text
from core.history_rows import bulk_create_recorded, bulk_update_recorded
from core.models import money
from core.versioning import delete_recorded
from investment import rules
from investment.models import MonthlyReport, QualityFlag, QualityRule, YearSettings
from investment.selectors import photo_checks
from projects.models import AnnualPlan, User
from projects.rules import is_started

Code = QualityRule.Code
COUNTED = MonthlyReport.COUNTED_STATUSES
ZERO = Decimal(0)
HALF = Decimal("0.5")
HISTORY_MONTHS = 12  # month_outlier's window; progress_unchanged's n is at most this
MIN_MONTHS = 3  # month_outlier: fewer months with investment → compare with the plan
EARLIER = range(1, HISTORY_MONTHS + 1)  # the months before a report's, newest first
CHUNK = 2000


@dataclass
class Facts:
    """What the numeric rules read of one report (gathered for many at once by ``judge``)."""

    report: MonthlyReport
    total_investment: Decimal  # P's 总投资
    planned: Decimal  # the year's 年度计划投资
    cumulative: Decimal  # P's investment since its start, all years through m (R included)
    year_total: Decimal  # P's investment in year Y through m (R included)
    started: bool  # an 实际开(复)工日期 on or before m's last day
    # P's earlier months, newest first: (amount, progress) of the 12 months before m, None
    # for a month without a counted report
    earlier: list[tuple[Decimal, str] | None] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        amount: Decimal = self.report.amount
        return amount


# --- the rules, one function each ------------------------------------------------------------


def cumulative_over_total(facts: Facts, rule: QualityRule) -> str | None:
    if facts.cumulative <= facts.total_investment:
        return None
    return (
        f"项目累计完成投资{wan_text(facts.cumulative)}（含本月），"
        f"超过总投资{wan_text(facts.total_investment)}"
    )


def year_over_plan(facts: Facts, rule: QualityRule) -> str | None:
    share = Decimal(rule.threshold or 0)
    limit = facts.planned * (1 + share / rules.HUNDRED)
    if facts.year_total <= limit:
        return None
    report = facts.report
    rate = rules.percent(facts.year_total, facts.planned)
    return (
        f"{report.plan.year}年1–{report.month}月累计完成{wan_text(facts.year_total)}，"
        + (f"为年度计划投资{wan_text(facts.planned)}的{rules.for_page(rate)}%" if rate else "年度计划投资为0")
        + f"，超过计划{rule.threshold_text}%以上"
    )  # fmt: skip


def month_outlier(facts: Facts, rule: QualityRule) -> str | None:
    amounts = [month[0] for month in facts.earlier if month is not None and month[0] > 0]
    if len(amounts) >= MIN_MONTHS:
        median = Decimal(statistics.median(amounts))
        if facts.amount <= Decimal(rule.threshold or 0) * median:
            return None
        return (
            f"本月完成{wan_text(facts.amount)}，是该项目此前12个月中位数{wan_text(median)}的"
            f"{rules.for_page(facts.amount / median)}倍（超过{rule.threshold_text}倍即提示）"
        )
    if not facts.planned or facts.amount <= facts.planned * HALF:
        return None
    return (
        f"本月完成{wan_text(facts.amount)}，超过年度计划投资{wan_text(facts.planned)}的50%"
        f"（此前12个月有投资的月份不足{MIN_MONTHS}个），请核对金额单位是否为万元"
    )


def invested_not_started(facts: Facts, rule: QualityRule) -> str | None:
    if facts.amount <= 0 or facts.started:
        return None
    return (
        f"本月完成投资{wan_text(facts.amount)}，但项目至{facts.report.month}月底"
        "尚无实际开(复)工日期"
    )


def progress_unchanged(facts: Facts, rule: QualityRule) -> str | None:
    months = int(rule.threshold or 0)
    text = facts.report.progress.strip()
    if facts.amount <= 0 or not text or months < 1:
        return None
    before = facts.earlier[:months]
    if len(before) < months or any(m is None or m[1].strip() != text for m in before):
        return None
    return (
        f"形象进度“{text[:40]}{'…' if len(text) > 40 else ''}”与此前{months}个月相同，"
        f"本月仍报完成投资{wan_text(facts.amount)}"
    )


NUMERIC: dict[str, Callable[[Facts, QualityRule], str | None]] = {
    Code.CUMULATIVE_OVER_TOTAL: cumulative_over_total,
    Code.YEAR_OVER_PLAN: year_over_plan,
    Code.MONTH_OUTLIER: month_outlier,
    Code.INVESTED_NOT_STARTED: invested_not_started,
    Code.PROGRESS_UNCHANGED: progress_unchanged,
}
PHOTO = (Code.PHOTO_REUSED, Code.PHOTO_DATE)


# --- gathering the facts -----------------------------------------------------------------------


def _index(year: int, month: int) -> int:
    return year * 12 + month - 1


# The fields ``Facts`` and the rules read of a report, its plan row and its project.
JUDGED = (
    "month",
    "amount",
    "progress",
    "status",
    "plan__year",
    "plan__planned_investment",
    "plan__project__total_investment",
)


def _annotated(reports: QuerySet[MonthlyReport]) -> QuerySet[MonthlyReport]:
    """``reports`` with P's counted sums before each one, computed by the database."""
    counted = MonthlyReport.objects.filter(
        plan__project=OuterRef("plan__project"), status__in=COUNTED
    ).order_by()
    before = counted.filter(
        Q(plan__year__lt=OuterRef("plan__year"))
        | Q(plan__year=OuterRef("plan__year"), month__lt=OuterRef("month"))
    )
    this_year = counted.filter(plan__year=OuterRef("plan__year"), month__lt=OuterRef("month"))

    def total(queryset: QuerySet[MonthlyReport]) -> Subquery:
        return Subquery(
            queryset.values("plan__project").annotate(total=Sum("amount")).values("total")[:1]
        )

    # Only what the rules and the flags read: a city's import judges every report it wrote,
    # and a project's thirty-odd fields made for each of them cost more than the judging.
    return (
        reports.select_related("plan__project")
        .only(*JUDGED)
        .annotate(before_total=total(before), year_before=total(this_year))
    )


def _facts(reports: list[MonthlyReport]) -> list[Facts]:
    """The facts of ``reports`` (annotated by ``_annotated``): two more queries."""
    projects = {report.plan.project_id for report in reports}
    first_start = dict(
        AnnualPlan.objects.filter(project__in=projects, actual_start__isnull=False)
        .order_by()
        .values("project")
        .annotate(first=Min("actual_start"))
        .values_list("project", "first")
    )
    low = min(_index(r.plan.year, r.month) for r in reports) - HISTORY_MONTHS
    high = max(_index(r.plan.year, r.month) for r in reports)
    history: dict[int, dict[int, tuple[Decimal, str]]] = defaultdict(dict)
    rows = MonthlyReport.objects.filter(
        plan__project__in=projects,
        status__in=COUNTED,
        plan__year__gte=low // 12,
        plan__year__lte=high // 12,
    ).values_list("plan__project", "plan__year", "month", "amount", "progress")
    for project_id, year, month, amount, progress in rows:
        history[project_id][_index(year, month)] = (amount, progress)
    facts = []
    for report in reports:  # each relation read once: a city's import judges every report
        plan = report.plan
        project_id, year, month, amount = plan.project_id, plan.year, report.month, report.amount
        at = _index(year, month)
        months = history[project_id]
        facts.append(
            Facts(
                report=report,
                total_investment=plan.project.total_investment,
                planned=plan.planned_investment,
                cumulative=money(report.before_total) + amount,  # type: ignore[attr-defined]
                year_total=money(report.year_before) + amount,  # type: ignore[attr-defined]
                started=is_started(first_start.get(project_id), rules.period_end(year, month)),
                earlier=[months.get(at - back) for back in EARLIER],
            )
        )
    return facts


# --- judging -------------------------------------------------------------------------------------


def found(facts: Facts, settings: dict[str, QualityRule]) -> dict[str, str]:
    """{rule: message} of the numeric rules that flag ``facts``' report (rules switched off
    flag nothing)."""
    flagged = {}
    for code, check in NUMERIC.items():
        rule = settings[code]
        if rule.enabled and (message := check(facts, rule)):
            flagged[code] = message
    return flagged


def judge(reports: QuerySet[MonthlyReport], *, user: User | None = None) -> int:
    """Judge ``reports`` by the numeric rules and write their flags; returns how many flags
    were created, changed or removed. A few queries per 2,000 reports, whatever their number."""
    settings: dict[int, dict[str, QualityRule]] = {}
    changed = 0
    ids = list(reports.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = list(_annotated(MonthlyReport.objects.filter(pk__in=ids[start : start + CHUNK])))
        if not chunk:
            continue
        for year in {report.plan.year for report in chunk} - set(settings):
            settings[year] = QualityRule.for_year(year)
        wanted = {
            facts.report.pk: found(facts, settings[facts.report.plan.year])
            for facts in _facts(chunk)
        }
        changed += write_flags(chunk, wanted, rules=NUMERIC, user=user)
    return changed


WRITE_ATTEMPTS = 3


def write_flags(
    reports: list[MonthlyReport],
    wanted: dict[int, dict[str, str]],
    *,
    rules: Iterable[str],
    user: User | None,
) -> int:
    """Make ``reports``' flags of ``rules`` what ``wanted`` says ({report id: {rule:
    message}}), with history: the one writer of flags for every rule.

    Two judgings of the same report at once (a rule save re-judging the year while a reporter's
    save re-judges the project's later months) may both find a flag missing and create it: the
    second's insert waits for the first and then breaks the (report, rule) key. It then reads
    the flags again, in a savepoint, and writes what is still missing (PostgreSQL)."""
    rules = list(rules)
    for attempt in range(WRITE_ATTEMPTS):
        try:
            # a consequence of the action under way, kept in the flags' history, not its entry
            with transaction.atomic(), journal.quiet():
                return _write_flags(reports, wanted, rules=rules, user=user)
        except IntegrityError:
            if attempt == WRITE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _write_flags(
    reports: list[MonthlyReport],
    wanted: dict[int, dict[str, str]],
    *,
    rules: list[str],
    user: User | None,
) -> int:
    by_pk = {report.pk: report for report in reports}
    existing = {
        (flag.report_id, flag.rule): flag
        for flag in QualityFlag.objects.filter(report__in=list(by_pk), rule__in=list(rules)).only(
            "report_id", "rule", "message", "amount", "status", "version"
        )  # what is compared and written below (the history is copied from the table)
    }
    to_create: list[QualityFlag] = []
    to_update: list[QualityFlag] = []
    to_delete: list[int] = []
    for (report_id, code), flag in existing.items():
        if code not in wanted.get(report_id, {}):
            to_delete.append(flag.pk)
    for report_id, flagged in wanted.items():
        amount = by_pk[report_id].amount
        for code, message in flagged.items():
            stored = existing.get((report_id, code))
            if stored is None:
                to_create.append(
                    QualityFlag(report_id=report_id, rule=code, message=message, amount=amount)
                )
                continue
            flag = stored
            reopen = flag.amount != amount and flag.status != QualityFlag.Status.OPEN
            if flag.message == message and flag.amount == amount:
                continue
            flag.message, flag.amount, flag.version = message, amount, flag.version + 1
            if reopen:
                flag.status = QualityFlag.Status.OPEN
            to_update.append(flag)
    if to_create:
        bulk_create_recorded(to_create, QualityFlag, batch_size=1000, user=user)
    if to_update:
        bulk_update_recorded(
            to_update,
            QualityFlag,
            ["message", "amount", "status", "version"],
            batch_size=1000,
            user=user,
        )
    if to_delete:
        for flag in QualityFlag.objects.filter(pk__in=to_delete):
            delete_recorded(flag, user=user)
    return len(to_create) + len(to_update) + len(to_delete)


# --- when to judge -----------------------------------------------------------------------------

# Inside ``later()`` the services' re-judging is collected and done once at the end, for all
# the reports a batch saved (the month page's lines, not one judging per line).
_pending: ContextVar[list[tuple[int, int, int]] | None] = ContextVar("quality", default=None)


def _scope(project_id: int, year: int, month: int) -> Q:
    """A report of project ``project_id`` at (year, month) and every later one of it."""
    return Q(plan__project_id=project_id) & (
        Q(plan__year=year, month__gte=month) | Q(plan__year__gt=year)
    )


def rejudge(report: MonthlyReport, *, user: User | None = None) -> None:
    """Re-judge ``report`` and the project's later reports (now, or at the end of ``later``)."""
    key = (report.plan.project_id, report.plan.year, report.month)
    pending = _pending.get()
    if pending is not None:
        pending.append(key)
        return
    judge(MonthlyReport.objects.filter(_scope(*key)), user=user)


@contextmanager
def later(*, user: User | None = None) -> Iterator[None]:
    """Collect ``rejudge`` calls and judge them once when the block ends without error."""
    if _pending.get() is not None:  # already inside one: the outer block judges
        yield
        return
    pending: list[tuple[int, int, int]] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    earliest: dict[int, tuple[int, int]] = {}
    for project, year, month in pending:
        earliest[project] = min(earliest.get(project, (year, month)), (year, month))
    for start in range(0, len(earliest), 200):
        scope = Q(pk__in=[])
        for project, (year, month) in list(earliest.items())[start : start + 200]:
            scope |= _scope(project, year, month)
        judge(MonthlyReport.objects.filter(scope), user=user)


# --- the photo rules ----------------------------------------------------------------------------

# How many matches a photo_reused message names before "等N处".
NAMED_MATCHES = 3


def _listed(messages: list[str]) -> str:
    shown = "；".join(messages[:NAMED_MATCHES])
    return shown + (f"等{len(messages)}处" if len(messages) > NAMED_MATCHES else "")


def photo_matches(reports: Iterable[MonthlyReport]) -> set[int]:
    """The other reports whose photos match these reports' photos under their years' d (the
    reports a change of these photos may flag or clear): one scan of the hashes."""
    reports = list(reports)
    others: set[int] = set()
    for year in {report.plan.year for report in reports}:
        rule = QualityRule.for_year(year)[Code.PHOTO_REUSED]
        of_year = [report for report in reports if report.plan.year == year]
        found = photo_checks.reused_photos_by_report(of_year, max_bits=int(rule.threshold or 0))
        others |= {match.other_report_id for matches in found.values() for match in matches}
    return others - {report.pk for report in reports}


def judge_photos(report_ids: Iterable[int], *, user: User | None = None) -> int:
    """Judge these reports by the photo rules (``investment.selectors.photo_checks`` reads the photos):
    the photo hashes are scanned once per year judged."""
    reports = list(
        MonthlyReport.objects.filter(pk__in=set(report_ids)).select_related("plan__project")
    )
    wanted: dict[int, dict[str, str]] = {report.pk: {} for report in reports}
    for year in {report.plan.year for report in reports}:
        settings = QualityRule.for_year(year)
        of_year = [report for report in reports if report.plan.year == year]
        reused, dated = settings[Code.PHOTO_REUSED], settings[Code.PHOTO_DATE]
        if reused.enabled:
            found = photo_checks.reused_photos_by_report(
                of_year, max_bits=int(reused.threshold or 0)
            )
            for report_id, matches in found.items():
                if matches:
                    wanted[report_id][Code.PHOTO_REUSED] = _listed([m.message for m in matches])
        if dated.enabled:
            due_day = YearSettings.for_year(year).due_day
            for report in of_year:
                misdated = photo_checks.photos_dated_outside(report, due_day=due_day)
                if misdated:
                    wanted[report.pk][Code.PHOTO_DATE] = _listed([m.message for m in misdated])
    return write_flags(reports, wanted, rules=PHOTO, user=user)


def judge_projects(project_ids: Iterable[int], *, user: User | None = None) -> int:
    """Re-judge every report of these projects (after an import touched them)."""
    ids = sorted(set(project_ids))
    changed = 0
    for start in range(0, len(ids), CHUNK):
        reports = MonthlyReport.objects.filter(plan__project__in=ids[start : start + CHUNK])
        changed += judge(reports, user=user)
    return changed
