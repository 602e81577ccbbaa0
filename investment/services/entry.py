"""The month page's batch save: a unit's editable lines of a month, saved (or sent) at once.

This is a service like those of ``investment/services/reports.py`` (which it calls for each line); it
lives in its own module because it also stores photos, and ``investment/services/photos.py`` itself
builds on ``services``.

The rules, each with a test in ``tests/investment/test_month_entry.py``:

- only the lines the page offered are posted: drafts, returned reports and lines without a
  report; a line whose report was sent or approved meanwhile is refused, named;
- a line is saved when it has an amount. A line without one is skipped while it still shows
  what the page filled in (nothing, or last month's text); text, a category, photos or
  本月无变化 on a line without an amount refuse the whole save, naming the line, so nothing
  typed is ever dropped silently (an amount of 0 is the answer for a month without investment);
- 本月无变化 copies last month's 形象进度, 存在问题 and category; the amount is still entered;
- photos chosen on a line are checked (count and size before they are read, then decoded)
  before anything is written, and stored with its report;
- all lines or none: any refusal names its project and nothing is written.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.messages import constants as levels
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from audit.services import audited
from core.capabilities import require
from core.formatting import wan_text
from investment.models import MonthlyReport, QualityFlag, ReportPhoto
from investment.services import photos, quality
from investment.services import reports as services
from investment.services.photos import Upload
from projects.models import AnnualPlan, User

ZERO = Decimal(0)


@dataclass
class MonthEntry:
    """One line of a unit's month page as the user left it."""

    plan: AnnualPlan
    version: int | None = None  # the version of the report the page showed (0: none yet)
    amount: Decimal | None = None
    progress: str = ""
    problems: str = ""
    problem_category: str = ""
    unchanged: bool = False  # 本月无变化: keep last month's text
    # The photos chosen on the line: uploaded files (checked by count and size before they are
    # read) or (file name, content) pairs.
    photos: Sequence[Upload] = field(default_factory=list)


@dataclass
class MonthSaved:
    """What a save did, for the page's message."""

    reports: list[MonthlyReport]
    submitted: bool
    photos: int = 0
    warnings: list[str] = field(default_factory=list)  # the saved lines' data-quality flags
    held: list[QualityFlag] = field(default_factory=list)  # flags that held the lines back

    @property
    def total(self) -> Decimal:
        return sum((report.amount for report in self.reports), ZERO)

    def notices(self) -> list[tuple[int, str]]:
        """What to tell the user, as (message level, text) pairs, in the order to show them."""
        photos_note = f"，上传照片{self.photos}张" if self.photos else ""
        if self.submitted:
            said = [
                (
                    levels.SUCCESS,
                    f"已报送{len(self.reports)}个项目的月报，本月完成投资合计"
                    f"{wan_text(self.total)}{photos_note}。",
                )
            ]
        elif self.reports:
            said = [
                (levels.SUCCESS, f"已保存{len(self.reports)}个项目的月报{photos_note}，尚未报送。")
            ]
        else:
            said = [(levels.INFO, "没有需要保存的修改。")]
        if self.held:
            said = [
                (
                    levels.WARNING,
                    f"已保存{len(self.reports)}个项目的月报，尚未报送：有{len(self.held)}条"
                    "数据质量提示，请核对后修改，或逐条填写说明后确认报送。",
                )
            ]
            return said
        return said + [
            (levels.WARNING, f"数据质量提示：{warning}；如有误请修改，属实请填写说明。")
            for warning in self.warnings
        ]


def plain_amount(amount: Decimal) -> str:
    """186.3700 as 186.37 in an input box: the stored places, without trailing zeros or
    separators, so the number reads back as typed (text a person reads uses `wan_text`)."""
    return f"{amount.normalize():f}"


def previous_reports(plans: list[AnnualPlan], *, year: int, month: int) -> dict[int, MonthlyReport]:
    """Each plan row's project's report of the month before (December of the year before for
    January: another plan row of the same project), keyed by project id. One query."""
    earlier = Q(plan__year=year, month=month - 1) if month > 1 else Q(plan__year=year - 1, month=12)
    found = MonthlyReport.objects.filter(earlier, plan__project__in={p.project_id for p in plans})
    return {report.plan.project_id: report for report in found.select_related("plan")}


def prefill(report: MonthlyReport | None, previous: MonthlyReport | None) -> dict[str, str]:
    """The text a line starts with: this month's report's, else last month's, else nothing."""
    source = report or previous
    return {
        "progress": source.progress if source else "",
        "problems": source.problems if source else "",
        "problem_category": source.problem_category if source else "",
    }


def _text(value: str | None) -> str:
    """Browsers send a textarea's line breaks as CRLF; stored text keeps LF."""
    return (value or "").replace("\r\n", "\n").strip()


def _named(error: ValidationError, plan: AnnualPlan) -> ValidationError:
    """The same refusal, naming the project unless it already does."""
    name = plan.project.name
    return ValidationError(
        [message if name in message else f"“{name}”：{message}" for message in error.messages]
    )


@audited("月度填报（保存或报送）")
def reports_save_month(
    *,
    user: User,
    year: int,
    month: int,
    entries: list[MonthEntry],
    submit: bool,
    hold_flagged: bool = False,
) -> MonthSaved:
    """Save the month page's lines as drafts (a returned report stays returned), and send
    them when ``submit``; all or nothing. Raises ValidationError naming the line at fault,
    PermissionDenied for a role that cannot report or another unit's project."""
    require(user, "report.enter")
    services.refuse_locked(year, month)
    if submit:
        services.refuse_before_window(year, month, doing="报送")
    plans = [entry.plan for entry in entries]
    if any(plan.year != year for plan in plans):
        raise ValidationError("提交的项目不属于本年度，请刷新页面后重新填写。")
    existing = {r.plan_id: r for r in MonthlyReport.objects.filter(plan__in=plans, month=month)}
    previous = previous_reports(plans, year=year, month=month)

    # 1. Check every line, and decode every photo, before anything is written.
    to_save: list[tuple[MonthEntry, list[photos.PreparedPhoto]]] = []
    for entry in entries:
        try:
            line = _checked(
                entry,
                photos.read_uploads(entry.photos),
                existing.get(entry.plan.pk),
                previous.get(entry.plan.project_id),
                submit=submit,
            )
        except ValidationError as error:
            raise _named(error, entry.plan) from None
        if line is not None:
            to_save.append(line)
    if submit and not to_save:
        raise ValidationError("没有可报送的月报：请先填写本月完成投资（没有完成投资的项目填0）。")

    # 2. Write, in one transaction; files of photos stored before a refusal are removed. The
    # lines are saved as drafts and judged (investment/services/quality.py) first: when ``hold_flagged``
    # and a line has data-quality flags, nothing is sent and the flags are returned, for the
    # page to list before the reporter sends (报送确认).
    saved = MonthSaved(reports=[], submitted=False)
    stored: list[ReportPhoto] = []
    try:
        with transaction.atomic():
            with quality.later(user=user):
                for entry, prepared in to_save:
                    try:
                        report = services.report_save(
                            plan=entry.plan,
                            month=month,
                            user=user,
                            amount=entry.amount,  # type: ignore[arg-type]  # _checked: never None
                            progress=entry.progress,
                            problems=entry.problems,
                            problem_category=entry.problem_category,
                            expected_version=entry.version,
                        )
                        if prepared:
                            stored += photos.photos_store(report=report, user=user, photos=prepared)
                    except ValidationError as error:
                        raise _named(error, entry.plan) from None
                    saved.reports.append(report)
            flags = list(
                QualityFlag.objects.filter(report__in=saved.reports)
                .select_related("report__plan__project")
                .order_by("report__plan__project__code", "rule")
            )
            saved.warnings = [f"“{f.report.plan.project.name}”{f.message}" for f in flags]
            if submit and hold_flagged and flags:
                saved.held = flags
            elif submit:
                with quality.later(user=user):
                    for index, report in enumerate(saved.reports):
                        try:
                            saved.reports[index] = services.report_submit(report=report, user=user)
                        except ValidationError as error:
                            raise _named(error, report.plan) from None
                saved.submitted = True
    except BaseException:
        for photo in stored:
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
        raise
    saved.photos = len(stored)
    return saved


def _checked(
    entry: MonthEntry,
    chosen: list[tuple[str, bytes]],
    report: MonthlyReport | None,
    previous: MonthlyReport | None,
    *,
    submit: bool,
) -> tuple[MonthEntry, list[photos.PreparedPhoto]] | None:
    """The line to save with its photos decoded, None for a line left as the page showed it."""
    month = report.month if report else None
    if report is not None and report.status not in services.EDITABLE:
        raise ValidationError(
            f"{report.month}月报表{report.get_status_display()}，不能修改；"
            "请刷新页面（已报送的项目只读），如需更正请先由项目办退回。"
        )
    entry.progress, entry.problems = _text(entry.progress), _text(entry.problems)
    if entry.unchanged:
        if previous is None:
            raise ValidationError("没有上月月报可沿用，请取消“本月无变化”并填写形象进度。")
        entry.progress, entry.problems = previous.progress, previous.problems
        entry.problem_category = previous.problem_category
    if entry.amount is None:
        if report is not None:
            raise ValidationError(
                f"已有{month}月报表，本月完成投资不能清空；本月没有完成投资请填0。"
            )
        shown = prefill(None, previous)
        typed = {
            "progress": entry.progress,
            "problems": entry.problems,
            "problem_category": entry.problem_category,
        }
        if chosen or entry.unchanged or typed != {k: _text(v) for k, v in shown.items()}:
            raise ValidationError(
                "填写或改动了形象进度、存在问题、问题类别，或选了照片，但没有填写本月完成投资。"
                "请填写本月完成投资（本月没有完成投资请填0），或清空该行。"
            )
        return None
    if report is not None and not submit and not chosen and _same(entry, report):
        return None  # a draft saved again unchanged: no new version, no history row
    photos.check_room(report, len(chosen))
    prepared = [photos.photo_prepare(data, name=name) for name, data in chosen]
    return entry, prepared


def _same(entry: MonthEntry, report: MonthlyReport) -> bool:
    return (entry.amount, entry.progress, entry.problems, entry.problem_category) == (
        report.amount,
        _text(report.progress),
        _text(report.problems),
        report.problem_category,
    )
