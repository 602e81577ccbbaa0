"""The demo county's dates, from the day it is seeded: kept apart so that the county
(`ledger.services.demo`) and its stories (`demo_supervision`, `demo_quality`) read one calendar
without importing one another."""

from dataclasses import dataclass
from datetime import date

from investment.rules import period_end
from investment.rules.periods import Period, due_date, reporting_month


@dataclass(frozen=True)
class DemoCalendar:
    """The demo's dates, from the day it is seeded."""

    today: date
    year: int  # the period that is due: the latest year of the demo
    month: int
    in_progress: int | None  # the month being reported (same year), before its due day
    due_day: int

    @classmethod
    def on(cls, today: date) -> "DemoCalendar":
        due = Period.due_on(today)
        year, month = due.year, due.month
        current = reporting_month(today)
        in_progress = current[1] if current != (year, month) and current[0] == year else None
        return cls(today, year, month, in_progress, due.due_day)

    @property
    def years(self) -> tuple[int, int, int]:
        return (self.year - 2, self.year - 1, self.year)

    @property
    def end(self) -> date:
        """The last day of the period that is due."""
        return period_end(self.year, self.month)

    def due_on(self, month: int) -> date:
        return due_date(self.year, month, self.due_day)
