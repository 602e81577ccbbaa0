"""资金申报's 支出 entries and 资金支出预警规则 under hostile posts, as every role (the office, a
unit's reporter against another unit's application, the supervisor, the leader, security, the
auditor, no one signed in): hostile numbers, dates, text and ids never answer a 500 and never
write an entry the service should refuse. The first hostile post of a form goes as every role,
the rest once per path through the view (tests/security/paths.py)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import resolve, reverse

from bonds.models import FundApplication, FundSpending, FundType
from bonds.services import fund_save, spending_record
from tests import builders
from tests.security.paths import each_path, signed_in
from tests.security.test_batches_attacks import ROLES, hostile

TODAY = date(2026, 6, 15)
PAST_EVERY_ID = 99999999999999999999  # past a 64-bit primary key


@pytest.fixture
def county(cast):
    project = builders.project(
        {"项目代码": "ZJ-001", "项目名称": "老旧小区改造", "责任单位": cast.housing.name,
         "总投资(万元)": 5000}, listed=False,
    )  # fmt: skip
    with time_machine.travel(TODAY, tick=False):
        application = fund_save(
            user=cast.officer, project=project, fund_type=FundType.SPECIAL_BOND, year=2026,
            requested=Decimal(100), approved=Decimal(100), allocated=Decimal(100),
            allocated_on=date(2026, 1, 10),
        )  # fmt: skip
        entry = spending_record(
            user=cast.officer, application=application, spent_on=date(2026, 2, 1),
            amount=Decimal(10),
        )  # fmt: skip
    return {"application": FundApplication.objects.get(pk=application.pk), "entry": entry}


def posts(county) -> dict[str, tuple[str, list[str], dict]]:
    a, e = county["application"].pk, county["entry"].pk
    rules = {"form-TOTAL_FORMS": "6", "form-INITIAL_FORMS": "6"}
    forms: list[tuple[str, list[str], dict]] = [
        (reverse("fund_spending_add", args=[a]), ["version", "spent_on", "amount", "note"], {}),
        (reverse("fund_spending_delete", args=[e]), ["version"], {}),
        (
            reverse("fund_clock_rules") + "?year=2026",
            [
                f"form-{n}-{key}"
                for n in range(6)
                for key in ("version", "yellow_days", "yellow_share", "red_days", "red_share")
            ],
            rules | {f"form-{n}-fund_type": t for n, t in enumerate(FundType.values)},
        ),  # fmt: skip
    ]
    return {str(resolve(form[0].split("?")[0]).url_name): form for form in forms}


@pytest.mark.parametrize("name", ["fund_spending_add", "fund_spending_delete", "fund_clock_rules"])
def test_hostile_posts_never_answer_500(cast, county, name):
    url, keys, fixed = posts(county)[name]
    clients = signed_in({str(role): role and getattr(cast, role) for role in ROLES})

    def no_entry_the_service_refuses() -> None:
        entries = FundSpending.objects.filter(application=county["application"])
        assert sum(entry.amount for entry in entries) <= Decimal(100)
        assert all(date(2026, 1, 10) <= entry.spent_on <= TODAY for entry in entries)

    with time_machine.travel(TODAY, tick=False):
        found = each_path(
            clients, "post", url, [data | fixed for data in hostile(keys)],
            no_entry_the_service_refuses,
        )  # fmt: skip

    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "name",
    ["fund_detail", "fund_edit", "fund_attach", "fund_spending_add", "fund_spending_delete",
     "fund_file"],
)  # fmt: skip
def test_an_id_past_every_id_in_the_address_is_not_found(cast, name):
    client = Client(raise_request_exception=True)
    client.force_login(cast.officer)
    url = reverse(name, args=[PAST_EVERY_ID])
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {}).status_code == 404


def test_下达日期_moved_past_a_recorded_entry_is_refused_as_the_entry_would_be(cast, county):
    client = Client()
    with time_machine.travel(TODAY, tick=False):  # 2026-02-01's and 2026-06-01's entries
        spending_record(user=cast.officer, application=county["application"],
                        spent_on=date(2026, 6, 1), amount=Decimal(10))  # fmt: skip
    application = FundApplication.objects.get(pk=county["application"].pk)
    client.force_login(cast.officer)
    form = {"project": application.project_id, "fund_type": FundType.SPECIAL_BOND, "year": 2026,
            "requested": 100, "approved": 100, "allocated": 100, "allocated_on": "2026-03-01",
            "spent": 20, "spent_on": "2026-06-01", "version": application.version}  # fmt: skip
    with time_machine.travel(TODAY, tick=False):
        page = client.post(reverse("fund_edit", args=[application.pk]), form)
    assert (
        "下达日期（2026-03-01）不能晚于已登记的最早一笔支出（2026-02-01）" in page.content.decode()
    )
    application.refresh_from_db()
    assert application.allocated_on == date(2026, 1, 10)
