"""状态 follows the amounts unless a person chose one: on the form, in the service, in the import.

One rule (bonds.rules.status_choice / resulting_status): a stored status equal to what its
amounts give follows them; any other was chosen by a person and is kept.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from bonds.models import FundApplication, FundStatus
from bonds.rules import resulting_status, status_choice
from bonds.services import fund_save
from core.xlsx import render_workbook
from ledger.documents.exporter import ledger_sheets
from ledger.rules.reader import LedgerImportError
from ledger.services.importer import import_ledger
from tests import builders
from tests.workbooks import code, load

FUND_HEADERS = ["项目代码", "资金类型", "年度", "申报金额(万元)", "批复金额(万元)",
                "下达金额(万元)", "支出金额(万元)", "状态"]  # fmt: skip


@pytest.fixture
def project(cast):
    return builders.project(
        {"项目名称": "老旧小区改造", "总投资(万元)": 9000, "年度": 2026, "年度计划投资(万元)": 5000}
    )


@pytest.fixture
def office(client, cast):
    client.force_login(cast.officer)
    return cast.officer


def applied(office, project, **values) -> FundApplication:
    return fund_save(
        user=office, project=project, fund_type="special_bond", year=2026,
        requested=Decimal(5000), **values,
    )  # fmt: skip


def edit_form(client, application) -> dict:
    """The edit page's form as it is shown: every field's initial value."""
    response = client.get(reverse("fund_edit", args=[application.pk]))
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = "" if value is None else value
        if name == "project":
            data[name] = field.prepare_value(value)
    return data


# ---------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("status", "amounts", "choice"),
    [
        ("applied", {"requested": 1}, ""),
        ("spent", {"requested": 1, "approved": 1, "spent": 1}, ""),
        ("applied", {"requested": 1, "approved": 1}, "applied"),  # chosen: behind its amounts
        ("reserve", {"requested": 1}, "reserve"),
        ("rejected", {"requested": 1}, "rejected"),
    ],
)
def test_a_status_equal_to_what_its_amounts_give_follows_them(status, amounts, choice):
    assert status_choice(status, amounts) == choice
    assert resulting_status(choice, amounts) == status


# ---------------------------------------------------------------- the edit page


def test_the_edit_form_offers_automatic_when_the_status_follows_the_amounts(
    client, office, project
):
    application = applied(office, project)

    assert edit_form(client, application)["status"] == ""


def test_adding_amounts_on_the_edit_page_moves_the_status_and_the_filter_finds_it(
    client, office, project
):
    """The walk-through: 批复 4,000, 下达 3,000, 支出 1,200 added to an application."""
    application = applied(office, project)
    data = edit_form(client, application) | {
        "approved": "4000", "allocated": "3000", "spent": "1200",
    }  # fmt: skip

    client.post(reverse("fund_edit", args=[application.pk]), data)

    application.refresh_from_db()
    assert application.status == FundStatus.SPENT
    listed = client.get(reverse("fund_list"), {"status": "spent"}).context["table"]
    assert [row.record.pk for row in listed.rows] == [application.pk]


def test_a_chosen_status_is_shown_selected_and_kept_when_the_amounts_change(
    client, office, project
):
    application = applied(office, project, status=FundStatus.RESERVE)
    data = edit_form(client, application)
    assert data["status"] == "reserve"
    page = client.get(reverse("fund_edit", args=[application.pk])).content.decode()
    assert "此状态为人工选定" in page and "按已填金额应为“已申报”" in page

    client.post(reverse("fund_edit", args=[application.pk]), data | {"approved": "4000"})

    application.refresh_from_db()
    assert (application.approved, application.status) == (Decimal(4000), FundStatus.RESERVE)


def test_choosing_automatic_lets_a_chosen_status_follow_the_amounts_again(client, office, project):
    application = applied(office, project, approved=Decimal(4000), status=FundStatus.APPLIED)
    data = edit_form(client, application) | {"status": ""}

    client.post(reverse("fund_edit", args=[application.pk]), data)

    application.refresh_from_db()
    assert application.status == FundStatus.APPROVED


@pytest.mark.parametrize("status", ["", FundStatus.RESERVE])
def test_an_edit_form_saved_unchanged_writes_nothing(client, office, project, status):
    application = applied(office, project, approved=Decimal(4000) if not status else None,
                          status=status)  # fmt: skip
    before = (application.version, application.history.count())

    client.post(reverse("fund_edit", args=[application.pk]), edit_form(client, application))

    application.refresh_from_db()
    assert (application.version, application.history.count()) == before


def test_it_refuses_rejected_with_an_approved_amount(client, office, project):
    application = applied(office, project)
    data = edit_form(client, application) | {"status": "rejected", "approved": "100"}

    response = client.post(reverse("fund_edit", args=[application.pk]), data)

    assert "状态为“未获批”的申报不应填写批复、下达或支出金额" in response.content.decode()
    application.refresh_from_db()
    assert application.status == FundStatus.APPLIED


# ---------------------------------------------------------------- the import


def a_row(**values) -> list:
    row = dict.fromkeys(FUND_HEADERS) | {"项目代码": code(1), "资金类型": "专项债券",
                                         "年度": 2026, "申报金额(万元)": 5000}  # fmt: skip
    return [(row | values)[header] for header in FUND_HEADERS]


def test_an_import_adding_amounts_moves_a_status_that_follows_them(office, project):
    application = applied(office, project)

    load({"资金申报": [FUND_HEADERS, a_row(**{"批复金额(万元)": 4000, "下达金额(万元)": 3000,
                                                "支出金额(万元)": 1200})]})  # fmt: skip

    application.refresh_from_db()
    assert application.status == FundStatus.SPENT


def test_an_exported_row_with_new_amounts_and_its_old_status_follows_the_amounts(office, project):
    """A clerk fills 支出 into an export and leaves its 状态 cell (已下达) as it was."""
    application = applied(office, project, approved=Decimal(4000), allocated=Decimal(3000))
    row = a_row(**{"批复金额(万元)": 4000, "下达金额(万元)": 3000, "支出金额(万元)": 1200,
                   "状态": "已下达"})  # fmt: skip

    load({"资金申报": [FUND_HEADERS, row]})

    application.refresh_from_db()
    assert application.status == FundStatus.SPENT


def test_an_import_keeps_a_chosen_status_when_its_cell_is_blank(office, project):
    application = applied(office, project, status=FundStatus.RESERVE)

    load({"资金申报": [FUND_HEADERS, a_row(**{"批复金额(万元)": 4000})]})

    application.refresh_from_db()
    assert (application.approved, application.status) == (Decimal(4000), FundStatus.RESERVE)


def test_an_import_takes_a_status_a_clerk_typed(office, project):
    application = applied(office, project, approved=Decimal(4000))

    load({"资金申报": [FUND_HEADERS, a_row(**{"批复金额(万元)": 4000, "状态": "已申报"})]})

    application.refresh_from_db()
    assert application.status == FundStatus.APPLIED
    assert edit_form_choice(application) == FundStatus.APPLIED


def edit_form_choice(application) -> str:
    amounts = {f: getattr(application, f) for f in ("requested", "approved", "allocated", "spent")}
    return status_choice(application.status, amounts)


def test_an_import_refuses_rejected_with_an_approved_amount(office, project):
    application = applied(office, project, status=FundStatus.REJECTED)

    with pytest.raises(LedgerImportError) as refused:
        load({"资金申报": [FUND_HEADERS, a_row(**{"批复金额(万元)": 4000})]})

    assert "资金申报!2: 状态: 状态为“未获批”的申报不应填写批复、下达或支出金额" in str(
        refused.value
    )
    application.refresh_from_db()
    assert (application.approved, application.status) == (None, FundStatus.REJECTED)


def test_an_export_imported_back_changes_nothing(office, project):
    following = applied(office, project, approved=Decimal(4000), spent=Decimal(100))
    chosen = fund_save(
        user=office, project=project, fund_type="loan", year=2026, requested=Decimal(10),
        approved=Decimal(5), status=FundStatus.APPLIED,
    )  # fmt: skip
    versions = [following.version, chosen.version]
    export = render_workbook(list(ledger_sheets()))

    result = import_ledger(data=export, filename="导出.xlsx", user=office)

    assert result.changes_nothing
    following.refresh_from_db()
    chosen.refresh_from_db()
    assert [following.version, chosen.version] == versions
    assert (following.status, chosen.status) == (FundStatus.SPENT, FundStatus.APPLIED)
