"""The demo county's fund clocks, written through the same services the fund pages use.

The ledger brings the applications and their amounts; this dates what only the app records:
each allocation's 下达日期, counted back from the day the demo is seeded, and the 支出 entries
behind 支出金额, two payments each (`THIS_YEARS`, `EARLIER`). So, seeded late in a year, some
clocks are green, some yellow and some red (bonds.rules.clock, DESIGN.md §3's defaults).
"""

from datetime import date, timedelta
from decimal import Decimal

from bonds.models import FundApplication, FundStatus
from bonds.rules import LIFECYCLE, status_choice
from bonds.services import fund_save, spending_record
from ledger.services.demo_calendar import DemoCalendar
from projects.models import User

# This year's allocations of each 资金类型, in turn: days from 下达 to the day the demo is seeded,
# and the share spent of those marked 已支出 and of those only 下达.
THIS_YEARS = ((280, Decimal("0.6"), Decimal(0)), (120, Decimal("0.25"), Decimal("0.35")),
              (60, Decimal("0.6"), Decimal(0)), (200, Decimal("0.45"), Decimal("0.2")))  # fmt: skip
# Earlier years' (long past): 已支出 spent 60 %, a third of those only 下达 35 %, the rest none.
EARLIER = (Decimal("0.6"), Decimal("0.35"))


def _story(fund: FundApplication, turn: int, cal: DemoCalendar) -> tuple[date, Decimal]:
    """(下达日期, the share spent by the demo's day) of the application's ``turn``."""
    spent = fund.status == FundStatus.SPENT
    if fund.year < cal.year:
        share = EARLIER[0] if spent else EARLIER[1] if turn % 3 == 0 else Decimal(0)
        return date(fund.year, 3 + turn % 8, 10), share
    days, when_spent, when_allocated = THIS_YEARS[turn % len(THIS_YEARS)]
    day = max(date(fund.year, 1, 5), cal.today - timedelta(days=days))
    return day, when_spent if spent else when_allocated


def funds_story(cal: DemoCalendar) -> None:
    office = User.objects.get(username="office")
    allocated = FundApplication.objects.filter(allocated__isnull=False).select_related("project")
    turns: dict[tuple[int, str], int] = {}
    for fund in allocated.order_by("year", "project__code", "fund_type", "batch"):
        turn = turns[fund.year, fund.fund_type] = turns.get((fund.year, fund.fund_type), -1) + 1
        day, share = _story(fund, turn, cal)
        amounts = {name: getattr(fund, name) for name, _ in LIFECYCLE}
        fund = fund_save(
            user=office, project=fund.project, fund_type=fund.fund_type, year=fund.year,
            requested=fund.requested, batch=fund.batch, approved=fund.approved,
            allocated=fund.allocated, spent=fund.spent, status=status_choice(fund.status, amounts),
            applied_on=fund.applied_on, approved_on=fund.approved_on, allocated_on=day,
            spent_on=fund.spent_on, note=fund.note, application=fund, expected_version=fund.version,
        )  # fmt: skip
        assert fund.allocated is not None
        total = (fund.allocated * share).quantize(Decimal(1))
        first = (total / 2).quantize(Decimal(1))
        lasted = (cal.today - day).days
        payments = [(day + timedelta(days=lasted // 3), first),
                    (day + timedelta(days=2 * lasted // 3), total - first)]  # fmt: skip
        for spent_on, amount in payments:
            if amount > 0:
                spending_record(
                    user=office, application=fund, spent_on=spent_on, amount=amount,
                    note="工程款", today=cal.today,
                )  # fmt: skip
