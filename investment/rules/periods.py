"""Which reporting month is due, and when a month can be sent (DESIGN.md §3 "Due day", "The
period that is due" and "The 报送 window").

Month m's report is due on the year's due day of month m+1 (December's in January of the
next year) and counts as on time through the end of that day. Two different months follow:

- the **month being reported** (``reporting_month``): the month that ended last. Reporters
  fill it in and the office reviews it until its due day, and after it as late reports;
- the **period that is due** (``due_month``, `Period.due`): the latest month whose due day
  has passed, or the latest month the office has locked, whichever is later. Every page,
  export, PDF and notice opens at it when no period is asked for (``of_kind_due``,
  ``month_judged``), so changing the due day never moves the pages back behind a month the
  office has closed. Only
  the months whose due day has passed expect reports (``due_through``: I5's expected reports,
  未报送, the board's red cells): a locked month does not make a report late before its day.

A third date belongs to a month: its **报送 window** opens on the year's 报送开始日 of the month
itself (``window_opens``, the 20th by default). Drafts may be saved at any time; sending,
approving and locking wait for it (``window_refusal``, which the services raise and the pages
ask before offering).

``today`` is always a parameter, so the rule tests on a frozen calendar.

**One value, the `Period`.** A page, an export, a PDF, a notice or a command asks for a period
once (the pages' ``?year=&month=&kind=&quarter=``: `investment.forms.asked_period`; the
commands' ``--year``/``--month``/``--quarter``/``--annual``:
`investment.management.commandline`), and gets one `Period`: the year, the month its figures
run through, its kind, ``today``, and the year's settings read once (the warning and
data-quality rules, and whether the month is locked, read once when first asked). Every
selector, the briefing and the notices take it; none reads the year's settings again.
`YearsRead` is shared by `Period.at` and `Period.due`, so no year is read twice in a request.
Both parsers go through `PeriodKind.last_month` (``--year`` with ``--month``, ``--quarter`` or ``--annual``:
`investment.management.commandline.period_from_options`); the briefing, 通报 and 项目一页纸
build theirs from their forms the same way, and 年度设置, 预警规则 and 数据质量规则 open at the
due period's year (`investment.forms.settings_year`), so in January their tabs agree. What
still reads a year's settings on its own is outside the figures: the services' 报送-window
check (`investment.services.reports.refuse_before_window`, a `Period.of` of the month acted
on), the data-quality judging (per year of the reports it judges), ``year_settings_save`` and
`due_period` (for the demo comparison script).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.http import Http404
from django.utils import timezone

from core import formatting
from core.models import PeriodKind
from core.params import is_year
from investment import rules
from investment.models import QualityRule, ReportingPeriod, WarningRule, YearSettings


def due_date(year: int, month: int, due_day: int) -> date:
    """The day month ``month``'s report is due: the due day of the next month."""
    return date(year + 1, 1, due_day) if month == 12 else date(year, month + 1, due_day)


def report_deadline(year: int, month: int, due_day: int) -> datetime:
    """The first instant after month ``month``'s report is due (end of the due day): a report
    sent before it is on time."""
    return timezone.make_aware(
        datetime.combine(due_date(year, month, due_day) + timedelta(days=1), time.min)
    )


def window_opens(year: int, month: int, *, start_day: int) -> date:
    """The day month ``month``'s reports can be sent from (DESIGN.md §3 "The 报送 window"): the
    year's 报送开始日 of that month (the 20th by default). Drafts may be saved at any time."""
    return date(year, month, start_day)


def window_note(year: int, month: int, *, opens: date) -> str:
    """What the month page says: 11月报表可于11月20日起报送."""
    return f"{month}月报表可于{opens.month}月{opens.day}日起报送"


def window_refusal(year: int, month: int, *, doing: str, today: date, opens: date) -> str:
    """Why month ``month`` cannot be ``doing`` (报送, 审核通过, 锁定) yet; "" once its window is
    open. The services refuse with it; the pages do not offer what it refuses."""
    if today >= opens:
        return ""
    when = f"{opens.year}年{opens.month}月{opens.day}日"
    if doing == "报送":
        return f"{year}年{month}月报表自{when}起才能报送，现在可以先保存草稿。"
    return f"{year}年{month}月报表自{when}起才能报送，报送开始前不能{doing}该月报表。"


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def reporting_month(today: date) -> tuple[int, int]:
    """The month being reported now: the latest month that has ended."""
    return _previous(today.year, today.month)


def latest_locked() -> tuple[int, int] | None:
    """The latest month the office has locked (one query), None before the first lock."""
    return (
        ReportingPeriod.objects.filter(locked_at__isnull=False)
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )


def due_month(today: date, *, due_day: int, locked: tuple[int, int] | None) -> tuple[int, int]:
    """The period that is due on ``today`` (DESIGN.md §3): the latest month whose due day has
    passed, or ``locked`` (the latest month the office has locked), whichever is later.
    ``due_day``: the due day of the year of the month being reported.

    On 2 December with due day 5 that is October; from 6 December, November; and November
    from the day the office locks it, whatever the due day. December's report is due in
    January under December's year settings.
    """
    year, month = reporting_month(today)
    # The month before was due in the month that has just ended (due days are 1–28).
    by_due_day = (year, month) if today > due_date(year, month, due_day) else _previous(year, month)
    return max(by_due_day, locked) if locked else by_due_day


def of_kind_due(kind: str, due: tuple[int, int]) -> tuple[int, int]:
    """The period of ``kind`` that is due when month ``due`` is, as (year, the month its
    figures run through): that month, the latest quarter whose last month is due, or the latest
    year whose December is due. Every page taking ``?kind=`` opens at it when no period is
    asked for."""
    year, month = due
    if kind == PeriodKind.QUARTER:
        return (year - 1, 12) if month < 3 else (year, 3 * (month // 3))
    if kind == PeriodKind.YEAR:
        return (year, 12) if month == 12 else (year - 1, 12)
    return due


def due_period(
    today: date | None = None, *, settings: YearSettings | None = None
) -> tuple[int, int]:
    """`due_month` on ``today`` with the saved settings and locks (two queries); ``settings``:
    a year's settings to judge by instead of the saved ones (年度设置's preview of an unsaved
    due day). The pages take `Period.due`, which reads each once per request."""
    today = today or timezone.localdate()
    year = reporting_month(today)[0]
    if settings is None or settings.year != year:
        settings = YearSettings.for_year(year)
    return due_month(today, due_day=settings.due_day, locked=latest_locked())


def due_through(year: int, month: int, *, today: date, due_day: int) -> int:
    """The last month of 1..``month`` of ``year`` whose due day has passed; 0 if none has.

    Reports are expected (I5, 未报送) only for months up to this one.
    """
    for candidate in range(month, 0, -1):
        if today > due_date(year, candidate, due_day):
            return candidate
    return 0


def month_judged(year: int, due: tuple[int, int]) -> int | None:
    """The month of ``year`` its pages judge at when none is asked (the 预警规则 counts, the
    年度设置 preview), month ``due`` being due: that month when it is in ``year``, December for
    a year that is over, None for a year with no month due yet."""
    if year < due[0]:
        return 12
    return due[1] if year == due[0] else None


def kind_asked(query: Mapping[str, str]) -> str:
    """``?kind=`` as a PeriodKind (a month when absent or unknown). The rankings page said
    ``annual`` before it took PeriodKind's ``year``; old bookmarks still mean the year."""
    kind = query.get("kind")
    if kind == "annual":
        return PeriodKind.YEAR
    return kind if kind in PeriodKind.values else PeriodKind.MONTH


def month_or_404(year: int, month: int) -> None:
    """A month in a page's address (月度填报, 报表审核) that cannot be one is not found."""
    if not (is_year(year) and 1 <= month <= 12):
        raise Http404("没有这个月份")


def deadline_shown(deadline: datetime) -> dict[str, Any]:
    """The last minute of the due day to show, and whether it has passed."""
    return {
        "due": timezone.localtime(deadline) - timedelta(seconds=1),
        "overdue": timezone.now() >= deadline,
    }


class YearsRead:
    """The years' settings and rules one request or command has read: each year's once, shared
    by every `Period` built from it (`Period.at`, `Period.due`)."""

    def __init__(self) -> None:
        self._settings: dict[int, YearSettings] = {}
        self._warning_rules: dict[int, dict[str, WarningRule]] = {}
        self._quality_rules: dict[int, dict[str, QualityRule]] = {}

    def settings(self, year: int) -> YearSettings:
        if year not in self._settings:
            self._settings[year] = YearSettings.for_year(year)
        return self._settings[year]

    def warning_rules(self, year: int) -> dict[str, WarningRule]:
        if year not in self._warning_rules:
            self._warning_rules[year] = WarningRule.for_year(year)
        return self._warning_rules[year]

    def quality_rules(self, year: int) -> dict[str, QualityRule]:
        if year not in self._quality_rules:
            self._quality_rules[year] = QualityRule.for_year(year)
        return self._quality_rules[year]

    @cached_property
    def latest_locked(self) -> tuple[int, int] | None:
        return latest_locked()


@dataclass(frozen=True)
class Period:
    """A period figures are shown for (DESIGN.md §3): year ``year`` through month ``month`` (a
    quarter's last month, December for a year), of ``kind``, as it stands on ``today``, with the
    year's settings. Build it with `Period.of` or `Period.due_on`; each request or command builds
    it once and passes it on.
    """

    year: int
    month: int  # the month the figures run through
    kind: str
    today: date
    settings: YearSettings = field(compare=False, repr=False)
    read: YearsRead = field(compare=False, repr=False, default_factory=YearsRead)

    @classmethod
    def of(
        cls, year: int, month: int, kind: str = PeriodKind.MONTH, *, today: date | None = None
    ) -> "Period":
        """Year ``year`` through month ``month`` on ``today`` (default: today), reading the
        year's settings (`judged_by`: other, unsaved ones)."""
        return cls._build(year, month, kind, today or timezone.localdate(), YearsRead())

    @classmethod
    def due_on(cls, today: date | None = None, kind: str = PeriodKind.MONTH) -> "Period":
        """The period of ``kind`` that is due on ``today`` (`due_month`, `of_kind_due`)."""
        today = today or timezone.localdate()
        read = YearsRead()
        year, month = of_kind_due(kind, cls._due_month(today, read))
        return cls._build(year, month, kind, today, read)

    @staticmethod
    def _due_month(today: date, read: YearsRead) -> tuple[int, int]:
        due_day = read.settings(reporting_month(today)[0]).due_day
        return due_month(today, due_day=due_day, locked=read.latest_locked)

    @classmethod
    def _build(cls, year: int, month: int, kind: str, today: date, read: YearsRead) -> "Period":
        if not 1 <= month <= 12:
            raise ValueError(f"month must be 1–12, got {month}")
        return cls(year, month, PeriodKind(kind), today, read.settings(year), read)

    def at(self, year: int, month: int, kind: str = PeriodKind.MONTH) -> "Period":
        """Another period on the same day, reading no year twice."""
        return self._build(year, month, kind, self.today, self.read)

    def due(self, kind: str = PeriodKind.MONTH) -> "Period":
        """The period of ``kind`` that is due on this period's ``today`` (DESIGN.md §3)."""
        year, month = of_kind_due(kind, self._due_month(self.today, self.read))
        return self.at(year, month, kind)

    def judged_in(self, year: int) -> "Period | None":
        """The period of ``year`` the settings pages judge at, this one being the period that
        is due: `month_judged` (None when no month of ``year`` is due yet)."""
        month = month_judged(year, (self.year, self.month))
        return None if month is None else self.at(year, month)

    def judged_by(self, settings: YearSettings) -> "Period":
        """This period under other (unsaved) settings of its year: 年度设置's preview."""
        return replace(self, settings=settings)

    def due_with(self, settings: YearSettings) -> tuple[int, int]:
        """The month that would be due on ``today`` with ``settings`` (unsaved) for their year
        (`due_period`'s ``settings``): 年度设置's preview of where the pages open."""
        reporting_year = reporting_month(self.today)[0]
        if settings.year != reporting_year:
            settings = self.read.settings(reporting_year)
        return due_month(self.today, due_day=settings.due_day, locked=self.read.latest_locked)

    # --- what it is ----------------------------------------------------------------------

    @property
    def quarter(self) -> int:
        """The quarter the period's last month is in."""
        return (self.month + 2) // 3

    @property
    def first_month(self) -> int:
        """The period's first month: the month, the quarter's first, or January."""
        if self.kind == PeriodKind.QUARTER:
            return self.month - 2
        return 1 if self.kind == PeriodKind.YEAR else self.month

    @property
    def start(self) -> date:
        """The first day of the period (of its first month)."""
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The last day of the period: the figures run through it."""
        return rules.period_end(self.year, self.month)

    @property
    def ended(self) -> bool:
        """Whether the period has run its course by ``today``: on its last day its figures are
        judged as at its end (the day's own reports cannot be due yet)."""
        return self.today >= self.end

    @property
    def as_of(self) -> date:
        """The day the period is judged at: its last day once it has ended, ``today`` while it
        has not. Whatever says "by now" (未按期开工, 节点逾期, overdue findings, fund clocks,
        overruns, I3, I4) is judged on it: a quarter asked for on 7 December is judged on
        7 December, never on 31 December, which has not come yet."""
        return min(self.end, self.today)

    @property
    def judged_month(self) -> int:
        """The month a judgement against the schedule (投资滞后, 未报送) reads the figures of:
        the period's month once it has ended; while it has not, the last month of its year
        that has (on 7 December, November), 0 when none has."""
        if self.ended:
            return self.month
        return self.today.month - 1 if self.today.year == self.year else 0

    @property
    def as_of_text(self) -> str:
        """截至… in running text: 11月底, or 12月7日 while the period has not ended."""
        return formatting.as_of_text(self.as_of, month_end=self.ended)

    @property
    def as_of_day(self) -> str:
        """截至… with the year, as a page heads its figures: 2026年11月末, or 2026年12月7日."""
        return formatting.as_of_day(self.as_of, month_end=self.ended)

    @property
    def as_of_note(self) -> str:
        """What a document says of a period that has not ended (本季度尚未结束，数据截至12月7日);
        "" once it has."""
        if self.ended:
            return ""
        return formatting.unfinished_note(kind=self.kind, as_of=self.as_of)

    @property
    def year_start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def time_progress(self) -> Decimal:
        """序时进度 at the period's end."""
        return rules.time_progress(self.month)

    @property
    def label(self) -> str:
        """2026年1–10月, 2026年三季度, 2026年度 (`core.formatting.period_label`)."""
        return formatting.period_label(year=self.year, kind=self.kind, month=self.month)

    # --- its reports ---------------------------------------------------------------------

    @property
    def due_day(self) -> int:
        return self.settings.due_day

    @property
    def due_date(self) -> date:
        """The day month ``month``'s report is due."""
        return due_date(self.year, self.month, self.due_day)

    @property
    def deadline(self) -> datetime:
        """The first instant after month ``month``'s report is due (end of the due day)."""
        return report_deadline(self.year, self.month, self.due_day)

    @property
    def is_due(self) -> bool:
        """Whether month ``month``'s due day has passed by ``today``."""
        return self.today > self.due_date

    @property
    def due_through(self) -> int:
        """The last month of 1..``month`` whose due day has passed (0 if none): reports are
        expected (I5, 未报送) only for months up to it."""
        return due_through(self.year, self.month, today=self.today, due_day=self.due_day)

    @cached_property
    def locked(self) -> bool:
        """Whether the office has locked month ``month`` (one query, when first asked)."""
        return ReportingPeriod.objects.filter(
            year=self.year, month=self.month, locked_at__isnull=False
        ).exists()

    @property
    def window_opens(self) -> date:
        """The day month ``month``'s reports can be sent from (`window_opens`)."""
        return window_opens(self.year, self.month, start_day=self.settings.submit_start_day)

    @property
    def window_open(self) -> bool:
        return self.today >= self.window_opens

    @property
    def window_note(self) -> str:
        return window_note(self.year, self.month, opens=self.window_opens)

    def window_refusal(self, *, doing: str) -> str:
        return window_refusal(
            self.year, self.month, doing=doing, today=self.today, opens=self.window_opens
        )

    # --- the year's rules, read once when first asked (``read.quality_rules(year)`` for
    # 数据质量规则's page) ------------------------------------------------------------------

    @property
    def warning_rules(self) -> dict[str, WarningRule]:
        return self.read.warning_rules(self.year)
