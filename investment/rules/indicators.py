"""The unit ranking's indicators (DESIGN.md §3 "Default unit score"), declared once.

Everything that shows, weighs or explains an indicator reads `INDICATORS`, in its order: the
score (`investment.selectors.rankings`), 计算明细 (`investment.selectors.explain`, the ranking
page and ``rankings --explain``), the ranking page's table and its Excel export, the
``rankings`` command's text table and JSON, the briefing, the notice, and 年度设置 (a weight
field per indicator, their labels, how many there are).

Adding an indicator is one `Indicator` here, the counts it divides (fields of `UnitCounts`,
filled by one grouped query in ``unit_ranking``) and its weight: a `YearSettings` field with
its migration (the table's check constraints name every weight).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db.models import Field

from investment import rules
from investment.models import YearSettings

ONE = Decimal(1)
ZERO = Decimal(0)
SCORE_PLACES = Decimal("0.01")


def ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal:
    """numerator / denominator; 1 when nothing was due (DESIGN.md §3: "none → 1")."""
    if not denominator:
        return ONE
    return Decimal(numerator) / Decimal(denominator)


@dataclass
class UnitCounts:
    """What the indicators are computed from: one unit's counts at a period (Y, m), each
    counted in the database by ``unit_ranking``."""

    time_progress: Decimal  # 序时进度 at m
    projects: int = 0  # plan rows that count in Y
    started: int = 0  # … with 实际开(复)工日期 on or before the period end
    annual_plan: Decimal = ZERO  # Σ 年度计划投资
    completed: Decimal = ZERO  # Σ investment reported for months 1..m
    milestones_due: int = 0  # milestones planned in Y on or before the period end
    milestones_on_time: int = 0  # … done on or before their planned date
    findings_due: int = 0  # findings with a deadline in Y on or before the period end
    findings_on_time: int = 0  # … closed on or before their deadline
    reports_expected: int = 0  # monthly reports expected for months 1..m (due ones only)
    reports_on_time: int = 0  # … submitted on or before their due day

    @property
    def completion_rate(self) -> Decimal | None:
        return rules.percent(self.completed, self.annual_plan)

    @property
    def start_rate(self) -> Decimal | None:
        return rules.percent(self.started, self.projects)


def _investment(counts: UnitCounts) -> Decimal:
    """I1 = min(completion rate / 序时进度, 1); a unit whose plan rows carry no planned money
    cannot be behind on it."""
    rate = counts.completion_rate
    return ONE if rate is None else min(rate / counts.time_progress, ONE)


@dataclass(frozen=True)
class Indicator:
    """One indicator: what it is called, where its weight is kept, how it is computed from a
    unit's counts and how its rate is named in machine output."""

    code: str  # I1 … : 年度设置, 计算明细
    name: str  # 投资完成: 年度设置 ("I1 投资完成", "I1 投资完成权重"), 计算明细
    weight_field: str  # its weight's field on `YearSettings` (verbose name: name + 权重)
    rate_key: str  # its rate's key in ``rankings --json`` and in a notice's kept rows
    rate_label: str  # its rate's column: the ranking page, its Excel export (+ "(%)")
    numerator: str  # the `UnitCounts` it divides, shown as "numerator / denominator"
    denominator: str
    counted: str  # what those count, on the ranking page ("个项目")
    # The indicator's value, 0–1 (default: numerator / denominator, 1 when none is due), and
    # its rate in percent (default: the value × 100).
    measure: Callable[[UnitCounts], Decimal] | None = None
    rate: Callable[[UnitCounts], Decimal | None] | None = None
    # Shown beside the name in 计算明细 when the ratio is not plain numerator / denominator.
    explanation: str = ""
    # Measured against 序时进度: 计算明细 writes its counts as amounts in 万元 with the rate.
    against_schedule: bool = False
    # The words each document has printed for it where they differ from the above (empty:
    # the same); kept as they are so no page, file or message changes.
    term: str = ""  # in the ranking page's score formula (default: name)
    short: str = ""  # in the ``rankings`` command's help (default: name)
    text_label: str = ""  # the ``rankings`` command's text table head (default: rate_label)
    counted_text: str = ""  # ``rankings --explain`` (default: counted)
    briefing_label: str = ""  # the briefing's ranking table (default: rate_label)
    notice_label: str = ""  # the notice's ranking table (default: rate_label)

    def __post_init__(self) -> None:
        defaults = {
            "term": self.name,
            "short": self.name,
            "text_label": self.rate_label,
            "counted_text": self.counted,
            "briefing_label": self.rate_label,
            "notice_label": self.rate_label,
        }
        for name, default in defaults.items():
            if not getattr(self, name):
                object.__setattr__(self, name, default)

    @property
    def title(self) -> str:
        """I1 投资完成"""
        return f"{self.code} {self.name}"

    @property
    def weight_label(self) -> str:
        """I1 投资完成权重 (年度设置's form)"""
        return f"{self.title}权重"

    def value(self, counts: UnitCounts) -> Decimal:
        if self.measure is not None:
            return self.measure(counts)
        return ratio(getattr(counts, self.numerator), getattr(counts, self.denominator))

    def rate_of(self, counts: UnitCounts) -> Decimal | None:
        if self.rate is not None:
            return self.rate(counts)
        return self.value(counts) * rules.HUNDRED


INVESTMENT = Indicator(
    code="I1",
    name="投资完成",
    weight_field="weight_investment",
    rate_key="completion_rate",
    rate_label="投资完成率",
    numerator="completed",
    denominator="annual_plan",
    counted="万元",
    measure=_investment,
    rate=lambda counts: counts.completion_rate,
    explanation="完成率÷序时进度，最高1",
    against_schedule=True,
    text_label="完成率",
    briefing_label="完成率",
)
START = Indicator(
    code="I2",
    name="开复工",
    weight_field="weight_start",
    rate_key="start_rate",
    rate_label="开复工率",
    numerator="started",
    denominator="projects",
    counted="个项目",
    rate=lambda counts: counts.start_rate,
)
MILESTONES = Indicator(
    code="I3",
    name="节点按期完成",
    weight_field="weight_milestones",
    rate_key="milestone_rate",
    rate_label="节点按期率",
    numerator="milestones_on_time",
    denominator="milestones_due",
    counted="个节点",
    term="节点按期",
    short="节点",
    text_label="节点按期",
    counted_text="个",
)
FINDINGS = Indicator(
    code="I4",
    name="问题按期整改",
    weight_field="weight_findings",
    rate_key="findings_rate",
    rate_label="整改按期率",
    numerator="findings_on_time",
    denominator="findings_due",
    counted="个问题",
    short="问题整改",
    text_label="整改按期",
    counted_text="个",
    briefing_label="问题销号率",
    notice_label="问题按期销号率",
)
REPORTING = Indicator(
    code="I5",
    name="按时报送",
    weight_field="weight_reporting",
    rate_key="reporting_rate",
    rate_label="按时报送率",
    numerator="reports_on_time",
    denominator="reports_expected",
    counted="份月报",
    text_label="按时报送",
    counted_text="份",
)

INDICATORS: tuple[Indicator, ...] = (INVESTMENT, START, MILESTONES, FINDINGS, REPORTING)
WEIGHTS: tuple[str, ...] = tuple(indicator.weight_field for indicator in INDICATORS)

_NUMERALS = "一二三四五六七八九十"
# How many indicators there are, as 年度设置 says it ("五项之和应为100").
HOW_MANY = (
    _NUMERALS[len(INDICATORS) - 1] if len(INDICATORS) <= len(_NUMERALS) else str(len(INDICATORS))
)


def weighted_score(weights: tuple[int, ...], values: tuple[Decimal, ...]) -> Decimal:
    """Σ weight × indicator, rounded half-up to 2 decimals (DESIGN.md §3)."""
    total = sum((w * i for w, i in zip(weights, values, strict=True)), start=ZERO)
    return rules.round_half_up(total, SCORE_PLACES)


def weights_of(settings: YearSettings) -> tuple[int, ...]:
    """A year's weights, in the indicators' order."""
    return tuple(getattr(settings, name) for name in WEIGHTS)


def default_weights() -> dict[str, int]:
    """{weight field: its default} (DESIGN.md §3's defaults, the model fields' ``default``)."""
    return {
        name: cast("Field[Any, Any]", YearSettings._meta.get_field(name)).default
        for name in WEIGHTS
    }
