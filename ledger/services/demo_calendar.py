"""The demo county's dates, from the day it is seeded: kept apart so that the county
(`ledger.services.demo`) and its stories (`demo_supervision`, `demo_quality`) read one calendar
without importing one another."""

from dataclasses import dataclass
from datetime import date

from investment.models import YearSettings
from investment.rules import period_end
from investment.rules.periods import due_date, due_period, reporting_month


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
        year, month = due_period(today)
        current = reporting_month(today)
        in_progress = current[1] if current != (year, month) and current[0] == year else None
        return cls(today, year, month, in_progress, YearSettings.for_year(year).due_day)

    @property
    def years(self) -> tuple[int, int, int]:
        return (self.year - 2, self.year - 1, self.year)

    @property
    def end(self) -> date:
        """The last day of the period that is due."""
        return period_end(self.year, self.month)

    def due_on(self, month: int) -> date:
        return due_date(self.year, month, self.due_day)
