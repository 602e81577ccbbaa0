"""Findings handled through the pages feed ranking indicator I4 as DESIGN.md §3 pins it."""

from datetime import date

from investment.rules.periods import Period
from investment.selectors.rankings import unit_ranking
from projects.models import Unit
from supervision.services import finding_answer, finding_close, finding_create
from tests.workbooks import a_portfolio, load


def test_a_finding_closed_by_its_deadline_counts_and_a_late_one_does_not(cast):
    load(a_portfolio(7, 2026))
    unit = Unit.objects.get(name="单位1")
    supervisor = cast.supervisor
    reporter = cast.reporter_of(unit)
    found = date(2026, 3, 2)
    on_time, late, open_one = (
        finding_create(
            user=supervisor,
            unit=unit,
            description=text,
            found_on=found,
            today=found,
            clock="ordinary",
        )  # fmt: skip
        for text in ("按时销号", "逾期销号", "未销号")
    )
    for finding, closed_on in ((on_time, date(2026, 3, 9)), (late, date(2026, 3, 10))):
        finding_answer(user=reporter, finding=finding, note="已整改", today=found, done=True)
        finding_close(user=supervisor, finding=finding, today=closed_on)

    score = next(s for s in unit_ranking(Period.of(2026, 3)).units if s.unit == "单位1")

    assert (score.findings_due, score.findings_on_time) == (3, 1)
    assert f"{score.rates['findings_rate']:.2f}" == "33.33"
    before_deadline = next(s for s in unit_ranking(Period.of(2026, 2)).units if s.unit == "单位1")
    assert before_deadline.findings_due == 0  # deadlines in March are not due at February's end
