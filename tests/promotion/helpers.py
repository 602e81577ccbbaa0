"""A 招商 record as a clerk would enter it, through the service the pages use."""

from datetime import date
from typing import Any

from projects.models import Project, Unit, User
from promotion.models import Activity
from promotion.services import activity_save

FAR_LATER = date(2030, 1, 1)  # the day the records are entered: after every date they name


def visit(user: User, unit: Unit, held_on: date, *, led_by: str = "department",
          projects: list[Project] | None = None, **values: Any) -> Activity:  # fmt: skip
    return activity_save(
        user=user, unit=unit, held_on=held_on, kind="visit", led_by=led_by,
        counterpart=values.pop("counterpart", "华秦新材料科技有限公司"), projects=projects,
        today=values.pop("today", FAR_LATER), **values,
    )  # fmt: skip


def reception(user: User, unit: Unit, held_on: date, *, batches: int, people: int,
              projects: list[Project] | None = None, **values: Any) -> Activity:  # fmt: skip
    return activity_save(
        user=user, unit=unit, held_on=held_on, kind="reception",
        led_by=values.pop("led_by", "department"), batches=batches, people=people,
        counterpart=values.pop("counterpart", "长三角企业家考察团"), projects=projects,
        today=values.pop("today", FAR_LATER), **values,
    )  # fmt: skip
