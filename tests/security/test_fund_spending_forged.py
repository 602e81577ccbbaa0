"""资金支出 attacked as each role: forged POSTs to 登记支出 and 删除支出 (another unit's application,
amounts negative, huge, NaN or beyond 下达, dates before 下达 or in the future, a stale or missing
version), and two people registering 支出 on one application at the same moment (PostgreSQL: the
sum never passes 下达). Each is refused in Chinese with nothing written, never a 500."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bonds.models import FundApplication, FundSpending, FundType
from bonds.services import fund_save, spending_delete, spending_record
from tests import builders
from tests.security.at_once import at_once, on_postgresql

ALLOCATED_ON = date(2026, 3, 1)


def an_application(office) -> FundApplication:
    """县住建局's 专项债券: 100 万元 下达 on 1 March 2026, nothing spent yet."""
    project = builders.project(
        {"项目代码": "ZJ-001", "项目名称": "老旧小区改造", "总投资(万元)": 5000}, listed=False
    )
    return fund_save(
        user=office, project=project, fund_type=FundType.SPECIAL_BOND, year=2026,
        requested=Decimal(100), allocated=Decimal(100), allocated_on=ALLOCATED_ON,
    )  # fmt: skip


@pytest.fixture
def fund(cast) -> FundApplication:
    return an_application(cast.officer)


def entry(fund: FundApplication, **values) -> dict:
    fund.refresh_from_db()
    return {"version": fund.version, "spent_on": "2026-03-20", "amount": "30"} | values


def post_add(client, user, fund, *, follow: bool = False, **values):
    client.force_login(user)
    url = reverse("fund_spending_add", args=[fund.pk])
    return client.post(url, entry(fund, **values), follow=follow)


@pytest.mark.parametrize("role", ["reporter", "other_reporter", "leader", "supervisor"])
def test_who_may_not_keep_funds_cannot_register_or_delete_a_spending(client, cast, fund, role):
    spending_record(user=cast.officer, application=fund, spent_on=date(2026, 3, 10),
                    amount=Decimal(10), expected_version=fund.version)  # fmt: skip
    user = getattr(cast, role)
    added = post_add(client, user, fund)
    deleted = client.post(
        reverse("fund_spending_delete", args=[FundSpending.objects.get().pk]),
        {"version": FundApplication.objects.get().version},
    )
    assert (added.status_code, deleted.status_code) == (403, 403)
    assert list(FundSpending.objects.values_list("amount", flat=True)) == [Decimal(10)]


def test_an_application_or_entry_that_is_not_there_is_not_found(client, cast, fund):
    client.force_login(cast.officer)
    assert (
        client.post(reverse("fund_spending_add", args=[fund.pk + 99]), entry(fund)).status_code
        == 404
    )
    assert (
        client.post(reverse("fund_spending_delete", args=[12345]), {"version": 1}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"amount": "-5"}, "不能为负数"),
        ({"amount": "0"}, "支出金额应大于0"),
        ({"amount": "99999999999"}, "数额过大"),
        ({"amount": "1E1000000"}, "数额过大"),
        ({"amount": "NaN"}, "请填写数字（万元）"),
        ({"amount": "Infinity"}, "请填写数字（万元）"),
        ({"amount": "0.00001"}, "最多保留4位小数"),
        ({"amount": "100.0001"}, "登记后支出合计（100.0001万元）将大于下达金额（100.00万元）"),
        ({"spent_on": "2026-02-28"}, "支出日期（2026-02-28）不能早于下达日期（2026-03-01）"),
        ({"spent_on": "2999-01-01"}, "不能晚于今天"),
        ({"spent_on": "2026-02-30"}, "支出日期"),
        ({"version": "-1"}, "请刷新页面"),
        ({"version": "abc"}, "请刷新页面"),
        ({"version": ""}, "请刷新页面"),
    ],
)
def test_a_forged_spending_is_refused_in_chinese_and_nothing_is_written(
    client, cast, fund, values, message
):
    response = post_add(client, cast.officer, fund, follow=True, **values)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FundSpending.objects.exists()
    fund.refresh_from_db()
    assert fund.spent is None


def test_a_page_older_than_another_tab_s_entry_is_refused(client, cast, fund):
    old = entry(fund)
    spending_record(user=cast.officer, application=fund, spent_on=date(2026, 3, 10),
                    amount=Decimal(10), expected_version=fund.version)  # fmt: skip
    client.force_login(cast.officer)

    response = client.post(reverse("fund_spending_add", args=[fund.pk]), old, follow=True)

    assert "该资金申报已被" in response.content.decode()
    assert FundSpending.objects.count() == 1


def test_a_delete_without_the_page_s_version_or_twice_is_refused(client, cast, fund):
    spending_record(user=cast.officer, application=fund, spent_on=date(2026, 3, 10),
                    amount=Decimal(10), expected_version=fund.version)  # fmt: skip
    spending = FundSpending.objects.get()
    client.force_login(cast.officer)
    url = reverse("fund_spending_delete", args=[spending.pk])

    no_version = client.post(url, {}, follow=True).content.decode()
    assert "请刷新页面" in no_version and FundSpending.objects.exists()

    version = FundApplication.objects.get().version
    client.post(url, {"version": version})
    assert not FundSpending.objects.exists()
    with pytest.raises(ValidationError, match="该支出明细已被删除"):
        spending_delete(user=cast.officer, entry=spending, expected_version=None)
    history = FundSpending.history.filter(id=spending.pk, history_type="-")
    assert history.count() == 1  # deleted once, recorded once


def test_an_entry_cannot_be_dated_before_a_later_moved_allocation_nor_after_today(cast, fund):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="不能晚于今天"):
        spending_record(user=cast.officer, application=fund, spent_on=today + timedelta(days=1),
                        amount=Decimal(1), expected_version=fund.version)  # fmt: skip
    assert not FundSpending.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_registering_spending_at_once_never_pass_the_allocation(cast):
    """PostgreSQL: six clerks register 60 万元 each on the one 100 万元 下达, from pages of the
    same version and (as a command would) with no version at all: one entry is kept, the others
    are told why, the sum is never above 下达, no 500."""
    on_postgresql()
    fund = an_application(cast.officer)
    url = reverse("fund_spending_add", args=[fund.pk])

    def register(version):
        def post():
            client = Client(raise_request_exception=False)
            client.force_login(cast.officer)
            data = {"version": version, "spent_on": "2026-03-20", "amount": "60"}
            response = client.post(url, data, follow=True)  # to the application's page
            return response.status_code, response.content.decode()

        return post

    answers = at_once([register(fund.version) for _ in range(6)])
    assert [status for status, _ in answers] == [200] * 6
    assert sum("已登记支出60.00万元" in page for _, page in answers) == 1
    assert sum("未登记" in page for _, page in answers) == 5

    def record():
        try:
            spending_record(user=cast.officer, application=FundApplication.objects.get(),
                            spent_on=date(2026, 3, 21), amount=Decimal(30))  # fmt: skip
        except ValidationError:
            return "refused"
        return "kept"

    assert sorted(at_once([record for _ in range(6)])) == ["kept"] + ["refused"] * 5
    fund.refresh_from_db()
    assert fund.spent == Decimal(90) <= fund.allocated
    assert sum(FundSpending.objects.values_list("amount", flat=True)) == Decimal(90)
