"""月度填报's month picker: this month, every month with a returned report, the last twelve."""

import time_machine
from django.urls import reverse

from investment.selectors.month import month_choices
from investment.services import reports as services
from projects.models import Unit
from tests.investment.test_month_entry import month_entry_county, people, report  # noqa: F401  # the fixtures

TODAY = "2026-12-07 10:00+08:00"  # November is the month being reported


def test_it_offers_this_month_the_last_twelve_and_any_month_with_a_returned_report(people):  # noqa: F811
    services.report_return(report=report(1, month=2), user=people["officer"], reason="金额有误")
    housing = Unit.objects.get(name="县住建局")

    with time_machine.travel(TODAY):
        choices = month_choices(unit=housing, current=(2026, 11), shown=(2026, 11))

    labels = [c.label for c in choices]
    assert labels[0] == "2026年11月（本月填报）"
    assert labels[1:12] == [f"2026年{m}月" for m in range(10, 0, -1)] + ["2025年12月"]
    assert labels[12:] == ["2024年2月（有退回待修改）"]  # a correction is never out of reach
    other = month_choices(unit=Unit.objects.get(name="营盘镇"), current=(2026, 11), shown=(2023, 5))
    assert "2024年2月（有退回待修改）" not in [c.label for c in other]  # not this unit's
    assert other[-1].label == "2023年5月"  # the month opened by its address is in the list


def test_picking_a_month_opens_it_for_the_same_unit_and_a_bad_pick_opens_this_month(
    client,
    people,  # noqa: F811
):
    client.force_login(people["officer"])
    housing = Unit.objects.get(name="县住建局")

    with time_machine.travel(TODAY):
        picked = client.get(reverse("report_current"), {"period": "2024-2", "unit": housing.pk})
        bad = client.get(reverse("report_current"), {"period": "2024-13", "unit": "²"})

    assert picked["Location"] == f"/reports/2024/2/?unit={housing.pk}"
    assert bad["Location"] == "/reports/2026/11/"


def test_the_month_being_reported_says_so_when_it_also_has_a_returned_report(people):  # noqa: F811
    """A reporter whose report of the month being reported was returned finds it named in the
    picker as any other month with a return is (walk-through: it read 本月填报 only)."""
    services.report_return(report=report(1, month=2), user=people["officer"], reason="金额有误")
    housing = Unit.objects.get(name="县住建局")

    choices = month_choices(unit=housing, current=(2024, 2), shown=(2024, 2))

    assert choices[0].label == "2024年2月（本月填报，有退回待修改）"
