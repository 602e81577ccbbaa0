"""A small county for supervision tests: two units, their reporters and the supervisor."""

from datetime import date

from supervision.services import finding_create
from tests.cast import Cast

FOUND = date(2026, 3, 2)


def people_of(cast: Cast) -> dict:
    """The cast's two units and the people a finding passes between, by the name tests use."""
    return {
        "housing": cast.housing,
        "township": cast.township,
        "reporter": cast.reporter,
        "township_reporter": cast.other_reporter,
        "supervisor": cast.supervisor,
        "officer": cast.officer,
        "leader": cast.leader,
    }


def a_finding(people, *, clock="ordinary", found_on=FOUND, unit=None, **kwargs):
    return finding_create(
        user=people["supervisor"],
        unit=unit or people["housing"],
        description=kwargs.pop("description", "施工许可办理滞后"),
        found_on=found_on,
        today=kwargs.pop("today", found_on),
        clock=clock,
        **kwargs,
    )
