"""年度设置: the project office's per-year due day, 报送开始日, ranking weights and 红黑榜 size.

One service writes them (``year_settings_save``); three selectors read for the page: what the
new values would do to the ranking (``settings_preview``, the one ranking rule of
`investment/selectors/rankings.py` run twice), which period every page would open at
(``opens_at``: `investment.rules.periods.due_month` run twice) and who changed what
(``settings_history``).

The lag threshold is not kept here: it belongs to the year's 预警规则.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from audit.services import audited
from core.capabilities import require
from core.versioning import value_text
from investment.models import MonthlyReport, WarningRule, YearSettings
from investment.rules.indicators import WEIGHTS
from investment.rules.periods import Period
from investment.rules.year_settings import FIELDS, settings_problems, settings_values
from investment.selectors.rankings import Ranking, UnitScore, unit_ranking
from investment.services import quality
from investment.services.year_rows import YearRow, year_rows_save
from projects.models import AnnualPlan, User

# The year's one row: the form showed a saved row that is gone (deleted by an operator), or
# two officers saved a year's first settings at once.
GONE = "{label}已被他人删除，您提交的内容未保存；请刷新页面核对后重新填写。"
CLASH = "{label}刚被他人保存，您提交的内容未保存；请刷新页面核对后重新填写。"


def defaults(year: int) -> YearSettings:
    """The unsaved defaults of DESIGN.md §3 for ``year``."""
    return YearSettings(year=year)


@audited("年度设置（预览或保存）")
@transaction.atomic
def year_settings_save(
    *,
    year: int,
    user: User,
    due_day: int,
    submit_start_day: int | None = None,
    list_size: int,
    expected_version: int | None = None,
    **weights: int,
) -> YearSettings:
    """Save ``year``'s settings, creating its row when none is saved yet.

    ``expected_version`` is the version the form showed (0: the defaults, nothing saved): a
    form older than the row is refused with what changed. Values equal to what is in force
    (saved, or the defaults when nothing is) write nothing: no row, no version, no history.
    The new values apply at once to every figure of the year, I5 (按时报送) included.
    ``submit_start_day`` None keeps the 报送开始日 in force. ``weights`` are a weight per
    indicator, by its field (``weight_investment=50, …``: `investment.rules.indicators.WEIGHTS`).
    """
    if unknown := weights.keys() - set(WEIGHTS):
        raise TypeError(f"year_settings_save() got unexpected weights {sorted(unknown)}")
    if missing := set(WEIGHTS) - weights.keys():
        raise TypeError(f"year_settings_save() is missing the weights {sorted(missing)}")
    require(user, "year.configure")
    if submit_start_day is None:
        submit_start_day = YearSettings.for_year(year).submit_start_day
    values = {
        "due_day": due_day,
        "submit_start_day": submit_start_day,
        **{name: weights[name] for name in WEIGHTS},
        "list_size": list_size,
    }
    problems = settings_problems(values)
    if problems:
        raise ValidationError(problems)
    row = YearRow(
        saved=YearSettings.objects.filter(year=year),
        default=lambda: defaults(year),
        values=values,
        expected_version=expected_version,
        label=f"{year}年年度设置",
    )
    [(current, changed)] = year_rows_save([row], user=user, gone=GONE, clash=CLASH)
    if "due_day" in changed:  # photo_date's window runs to the due day
        with_photos = MonthlyReport.objects.filter(plan__year=year, photos__isnull=False)
        quality.judge_photos(with_photos.values_list("pk", flat=True).distinct(), user=user)
    return current


# --- the page's reads ------------------------------------------------------------------------


def settings_years(shown: int, today_year: int) -> list[int]:
    """The years 年度设置 and 预警规则 offer: those with a plan, saved settings or saved rules,
    the one shown, this year and the next."""
    years = set(AnnualPlan.objects.order_by().values_list("year", flat=True).distinct())
    years |= set(YearSettings.objects.values_list("year", flat=True))
    years |= set(WarningRule.objects.order_by().values_list("year", flat=True).distinct())
    return sorted(years | {shown, today_year, today_year + 1}, reverse=True)


@dataclass
class OpensAt:
    """Which period every page opens at with the settings in force and with the typed ones
    (a due day moved later can move it back, except behind a month the office has locked)."""

    before: tuple[int, int]
    after: tuple[int, int]
    locked: tuple[int, int] | None  # the latest locked month, which holds the pages

    @staticmethod
    def _label(period: tuple[int, int]) -> str:
        return f"{period[0]}年{period[1]}月"

    @property
    def text(self) -> str:
        """保存后各页面默认显示：2026年11月（原：2026年11月）"""
        return f"保存后各页面默认显示：{self._label(self.after)}（原：{self._label(self.before)}）"

    @property
    def moved(self) -> bool:
        return self.before != self.after

    @property
    def held_by_lock(self) -> bool:
        """Whether the locked month is what keeps the pages where they open."""
        return self.locked is not None and self.after == self.locked


def opens_at(due: Period, *, year: int, values: dict[str, int]) -> OpensAt:
    """Where every page opens with the settings in force (``due``, the period that is due)
    and with ``values`` (unsaved) for ``year`` (`investment.rules.periods.due_month`, the one
    rule, run twice)."""
    proposed = YearSettings(year=year, **values)
    return OpensAt(
        before=(due.year, due.month),
        after=due.due_with(proposed),
        locked=due.read.latest_locked,
    )


LIST_NAMES = {"red": "红榜", "black": "黑榜", "": ""}


def _list_of(ranking: Ranking, unit: str) -> str:
    if unit in {s.unit for s in ranking.red_list}:
        return "red"
    if unit in {s.unit for s in ranking.black_list}:
        return "black"
    return ""


@dataclass
class Move:
    """One unit's place now and with the new settings."""

    unit: str
    before: UnitScore
    after: UnitScore
    list_before: str  # "red", "black" or ""
    list_after: str

    @property
    def places(self) -> int:
        """How many places the unit goes up (negative: down)."""
        return self.before.rank - self.after.rank

    @property
    def places_down(self) -> int:
        return -self.places

    @property
    def score_change(self) -> Decimal:
        return self.after.score - self.before.score

    @property
    def list_change(self) -> str:
        """进入红榜 / 退出黑榜 …, or "" when the unit stays where it was."""
        if self.list_before == self.list_after:
            return ""
        words = []
        if self.list_before:
            words.append(f"退出{LIST_NAMES[self.list_before]}")
        if self.list_after:
            words.append(f"进入{LIST_NAMES[self.list_after]}")
        return "，".join(words)

    @property
    def list_before_name(self) -> str:
        return LIST_NAMES[self.list_before]

    @property
    def list_after_name(self) -> str:
        return LIST_NAMES[self.list_after]


@dataclass
class Preview:
    year: int
    month: int
    before: Ranking
    after: Ranking
    moves: list[Move] = field(default_factory=list)  # in the new order

    @property
    def moved(self) -> list[Move]:
        return [m for m in self.moves if m.places]

    @property
    def list_changes(self) -> list[Move]:
        return [m for m in self.moves if m.list_change]

    @property
    def list_cut(self) -> bool:
        """Whether the asked 红黑榜 size is more than half the ranked units (then cut)."""
        return self.after.settings.list_size > self.after.list_size


def settings_preview(due: Period, *, year: int, values: dict[str, int]) -> Preview | None:
    """The ranking at the year's due period (``due``: the period that is due) with the
    settings in force and with ``values`` (unsaved), unit by unit; None when no month of
    ``year`` is due yet. ``values`` must have passed ``settings_problems``."""
    period = due.judged_in(year)
    if period is None:
        return None
    month = period.month
    before = unit_ranking(period)
    after = unit_ranking(period.judged_by(YearSettings(year=year, **values)))
    earlier = {score.unit: score for score in before.units}
    moves = [
        Move(
            unit=score.unit,
            before=earlier[score.unit],
            after=score,
            list_before=_list_of(before, score.unit),
            list_after=_list_of(after, score.unit),
        )
        for score in after.units
    ]
    return Preview(year=year, month=month, before=before, after=after, moves=moves)


@dataclass
class Change:
    """One saved change of a year's settings: who, when, each field old → new."""

    who: str
    when: datetime
    changes: list[str]
    first: bool  # the year's first save: compared with the defaults


def settings_history(year: int) -> list[Change]:
    """The changes of ``year``'s settings to what this page edits, newest first (one query: a
    year has few). The first save is compared with the defaults it replaced."""
    records = list(
        YearSettings.history.filter(year=year)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    fields = {name: cast("Field[Any, Any]", YearSettings._meta.get_field(name)) for name in FIELDS}
    previous = settings_values(defaults(year))
    changes: list[Change] = []
    for index, record in enumerate(records):
        now = {name: getattr(record, name) for name in FIELDS}
        lines = [
            f"{fields[name].verbose_name}：{value_text(fields[name], previous[name])}"
            f" → {value_text(fields[name], now[name])}"
            for name in FIELDS
            if now[name] != previous[name]
        ]
        previous = now
        if not lines:
            continue  # a change of something this page does not keep
        user = record.history_user
        changes.append(
            Change(
                who=str(user) if user else "系统",
                when=timezone.localtime(record.history_date),
                changes=lines,
                first=index == 0,
            )
        )
    return changes[::-1]
