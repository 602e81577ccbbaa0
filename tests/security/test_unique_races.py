"""Eight people pressing 保存 at the same moment with one username, unit name, project code, or
a year's first settings (PostgreSQL).

Each check-then-insert passes its check before any of the others has written, so the unique
index decides. Before the services caught that clash, 7 of 8 such requests answered 500; now
one is saved and the seven others are told, in the words of a sequential clash, that the
name is taken, with what they typed still in the form.
"""

from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from investment.models import WarningRule, YearSettings
from investment.services.warning_rules import RuleEntry, warning_rules_save
from investment.services.year_settings import year_settings_save
from projects.models import Project, Unit, User
from tests.security.at_once import at_once, on_postgresql

pytestmark = pytest.mark.django_db(transaction=True)
PEOPLE = 8


def posting(user: User, url: str, data: dict):
    def post():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        response = client.post(url, data)
        return response.status_code, response.content.decode()

    return post


def test_eight_accounts_created_at_once_with_one_username_make_one_and_refuse_seven(cast):
    on_postgresql()
    admin = cast.admin
    data = {"username": "zhangwei", "name": "张伟", "phone": "", "password_mode": "generate"}
    answers = at_once([posting(admin, reverse("account_new"), data) for _ in range(PEOPLE)])

    statuses = [status for status, _ in answers]
    assert statuses == [200] * PEOPLE, Counter(statuses)  # no 500
    created = [page for _, page in answers if "initial-password" in page]
    refused = [page for _, page in answers if "用户名“zhangwei”已被使用。" in page]
    assert (len(created), len(refused)) == (1, PEOPLE - 1)
    assert all('value="张伟"' in page for page in refused)  # the typed name is kept
    assert User.objects.filter(username="zhangwei").count() == 1


def test_eight_units_created_at_once_with_one_name_make_one_and_refuse_seven(cast):
    on_postgresql()
    office = cast.officer
    data = {"name": "县数据资源局", "kind": Unit.Kind.DEPARTMENT, "sort_order": 150}
    answers = at_once([posting(office, reverse("unit_create"), data) for _ in range(PEOPLE)])

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (PEOPLE - 1) + [302], Counter(statuses)  # one saved, no 500
    refused = [page for status, page in answers if status == 200]
    assert all("已有名为“县数据资源局”的责任单位，单位名称不能重复。" in p for p in refused)
    assert all('value="150"' in page for page in refused)  # the typed 排序 is kept
    assert Unit.objects.filter(name="县数据资源局").count() == 1


def test_two_units_renamed_at_once_to_one_name_rename_one_and_refuse_the_other(cast):
    on_postgresql()
    office = cast.officer
    first, second = cast.housing, cast.township
    jobs = [
        posting(
            office,
            reverse("unit_edit", args=[unit.pk]),
            {
                "name": "县住房和城乡建设局",
                "kind": unit.kind,
                "sort_order": 10,
                "version": unit.version,
            },
        )  # fmt: skip
        for unit in (first, second)
    ]
    answers = at_once(jobs)

    assert sorted(status for status, _ in answers) == [200, 302]
    refused = next(page for status, page in answers if status == 200)
    assert "已有名为“县住房和城乡建设局”的责任单位，单位名称不能重复。" in refused
    assert Unit.objects.filter(name="县住房和城乡建设局").count() == 1


def test_eight_projects_created_at_once_with_one_code_make_one_and_refuse_seven(cast):
    on_postgresql()
    data = {
        "code": "2024-410702-47-01-012345",
        "name": "城关污水处理厂",
        "unit": cast.housing.pk,
        "total_investment": "12000",
        "stage": "preparation",
    }
    answers = at_once(
        [posting(cast.officer, reverse("project_create"), data) for _ in range(PEOPLE)]
    )

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (PEOPLE - 1) + [302], Counter(statuses)  # one saved, no 500
    refused = [page for status, page in answers if status == 200]
    assert all("该项目代码已存在。" in page for page in refused)
    assert all('value="12000"' in page for page in refused)  # the typed 总投资 is kept
    assert Project.objects.filter(code=data["code"]).count() == 1


def saving(job):
    """What one officer's save came to: "saved", or its refusal's code and text."""

    def run():
        try:
            job()
        except ValidationError as error:
            return error.error_list[0].code, error.messages[0]
        return "saved"

    return run


def told_stale(answers: list, label: str) -> bool:
    """Every answer but the one saved is a stale form, in either words: the first save beaten
    at the unique index (刚被他人保存), or, arriving after it, the row's version moved on."""
    texts = {
        f"{label}刚被他人保存",  # the clash at the unique index
        f"{label}已被王科长于",  # after the winner's commit: the version check names them
    }
    refused = [answer for answer in answers if answer != "saved"]
    return len(refused) == PEOPLE - 1 and all(
        code == "stale" and any(text.startswith(t) for t in texts) and "未保存" in text
        for code, text in refused
    )


def test_eight_officers_saving_a_years_first_settings_at_once_save_one_and_tell_seven(cast):
    on_postgresql()
    weights = {"weight_investment": 30, "weight_start": 20, "weight_milestones": 15,
               "weight_findings": 10, "weight_reporting": 25}  # fmt: skip

    def job(due_day: int):
        return lambda: year_settings_save(
            year=2030, user=cast.officer, due_day=due_day, list_size=2, expected_version=0,
            **weights,
        )  # fmt: skip

    answers = at_once([saving(job(due_day)) for due_day in range(6, 6 + PEOPLE)])

    assert answers.count("saved") == 1, answers
    assert told_stale(answers, "2030年年度设置"), answers
    assert YearSettings.objects.filter(year=2030).count() == 1


def test_eight_officers_saving_a_years_first_warning_rule_at_once_save_one_and_tell_seven(cast):
    on_postgresql()

    def job(red: int):
        entry = RuleEntry(
            indicator=WarningRule.Indicator.INVESTMENT, enabled=True, yellow=Decimal(10),
            red=Decimal(red), expected_version=0,
        )  # fmt: skip
        return lambda: warning_rules_save(year=2030, user=cast.officer, rules=[entry])

    answers = at_once([saving(job(red)) for red in range(31, 31 + PEOPLE)])

    assert answers.count("saved") == 1, answers
    assert told_stale(answers, "2030年“投资滞后”预警规则"), answers
    assert WarningRule.objects.filter(year=2030).count() == 1
