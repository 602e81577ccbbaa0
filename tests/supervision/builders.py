"""A small county for supervision tests: two units, their reporters and the supervisor."""

from datetime import date

from projects.models import Unit, User
from supervision.services import finding_create

FOUND = date(2026, 3, 2)


def cast() -> dict:
    housing = Unit.objects.create(name="县住建局")
    township = Unit.objects.create(name="营盘镇")
    return {
        "housing": housing,
        "township": township,
        "reporter": User.objects.create_user("reporter", role=User.Role.REPORTER, unit=housing),
        "township_reporter": User.objects.create_user(
            "township", role=User.Role.REPORTER, unit=township
        ),
        "supervisor": User.objects.create_user("supervisor", role=User.Role.SUPERVISOR),
        "officer": User.objects.create_user("office", role=User.Role.OFFICER),
        "leader": User.objects.create_user("leader", role=User.Role.LEADER),
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
