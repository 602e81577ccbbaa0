"""三个一批 in a browser: the office creates a batch, lists projects under 签约 and 开工, and reads
the rates (the 口径 saying which 开工 date counts); edits the batch and saves it unchanged
(nothing written); a unit's project is signed on its project page (a date after today refused,
then saved, then saved unchanged) and the rate moves; the quarterly briefing (PDF) states the section."""

from datetime import date
from pathlib import Path

import time_machine
from playwright.sync_api import expect

from batches.models import Batch, BatchEntry
from projects.models import Project
from tests.browser.conftest import look, sign_in
from tests.builders import ledger, project_row
from tests.investment.test_briefing import pdf_text
from tests.workbooks import code


def three_projects() -> None:
    """2026's list: 城关污水处理厂 (县住建局, started 10 May), 城关保障房 (县住建局), 营盘公路改建
    (营盘镇); none signed yet."""
    ledger(
        {
            "项目台账": [
                project_row(1, {"年度": 2026, "实际开(复)工日期": date(2026, 5, 10)}, year=2026),
                project_row(2, {"年度": 2026, "项目名称": "城关保障房"}, year=2026),
                project_row(3, {"年度": 2026, "项目名称": "营盘公路改建", "责任单位": "营盘镇"}, year=2026),
            ]
        }
    )  # fmt: skip


def test_the_office_keeps_a_batch_and_reads_its_rates(tab, cast):
    three_projects()
    page = tab.page
    # 20 July 2026: June (the second quarter's end) is the period that is due.
    with time_machine.travel("2026-07-20 10:00+08:00", tick=True):
        sign_in(tab, cast.officer)
        page.goto("/")
        page.click("nav >> text=招商引资")
        page.click(".subnav >> text=三个一批")
        assert "暂无三个一批期次" in page.locator("main").inner_text()

        page.click("[data-action='batch.create']")
        page.fill("input[name=name]", "2026年第二期")
        page.fill("input[name=year]", "2026")
        page.select_option("select[name=quarter]", "2")
        page.fill("textarea[name=note]", "省发改委下达")
        page.click("button.primary")
        assert page.locator(".messages .success").inner_text() == "期次“2026年第二期”已保存。"

        # 签约: two projects, target 30 June; 开工: the one started in May.
        page.click("[data-action='batch.list_projects']")
        page.select_option("select[name=kind]", "sign")
        page.check(f"input[name=projects][value='{project_pk(2)}']")
        page.check(f"input[name=projects][value='{project_pk(3)}']")
        page.fill("input[name=target_date]", "2026-06-30")
        page.click("button.primary")
        assert page.locator(".messages .success").inner_text() == "已列入2个项目。"
        page.click("[data-action='batch.list_projects']")
        page.select_option("select[name=kind]", "start")
        page.check(f"input[name=projects][value='{project_pk(1)}']")
        page.click("button.primary")

        rates = page.locator("#rates .county-row").inner_text()
        assert "0.0%" in rates and "0/2" in rates  # 签约率: none signed yet
        assert "100.0%" in rates and "1/1" in rates  # 开工率
        assert "—" in rates  # 投产率: none listed
        assert "最早填写的实际开(复)工日期" in page.locator("#basis").inner_text()
        look(page, "batch-detail")

        # Saved unchanged, the batch writes nothing.
        batch = Batch.objects.get()
        page.click("[data-action='batch.edit']")
        page.click("button.primary")
        expect(page.locator(".messages .success")).to_have_count(1)
        assert Batch.objects.get().version == batch.version == 1
        assert batch.history.count() == 1

        # 城关保障房 signs on 12 June: its project page's 签约日期, and the rate moves. A date
        # after today (a slip of the month) is refused first, naming the date; nothing saved.
        page.goto(f"/projects/{project_pk(2)}/edit/")
        page.fill("input[name=signed_on]", "2026-07-21")
        page.click("button.primary")
        assert (
            "签约日期（2026-07-21）不能晚于今天（2026-07-20）。"
            in page.locator("main").inner_text()
        )
        assert Project.objects.get(pk=project_pk(2)).signed_on is None
        page.fill("input[name=signed_on]", "2026-06-12")
        page.click("button.primary")
        assert "已签约" in page.locator("#batches").inner_text()
        # Opened again and saved unchanged: the date stands, nothing written.
        signed = Project.objects.get(pk=project_pk(2))
        page.goto(f"/projects/{project_pk(2)}/edit/")
        assert page.input_value("input[name=signed_on]") == "2026-06-12"
        page.click("button.primary")
        expect(page.locator(".messages .success")).to_have_count(1)
        assert Project.objects.get(pk=project_pk(2)).version == signed.version
        page.goto(f"/batches/{batch.pk}/")
        assert "50.0%" in page.locator("#rates .county-row").inner_text()

        # The second quarter's briefing states it, batch by batch.
        page.goto("/briefing/?kind=quarter&year=2026&quarter=2")
        if page.locator("input[name=acknowledged]").count():  # no monthly reports in this county
            page.check("input[name=acknowledged]")
        with page.expect_download() as download:
            page.click("#download a.primary-link, #download button[type=submit]")
        text = pdf_text(Path(download.value.path()).read_bytes())

    assert "（六）三个一批" in text
    assert (
        "2026年第二期签约率50.0%（列入2个，已完成1个），开工率100.0%（列入1个，已完成1个）" in text
    )
    assert BatchEntry.objects.count() == 3
    assert tab.problems == []


def project_pk(serial: int) -> int:
    return Project.objects.get(code=code(serial, year=2026)).pk


def test_the_picker_holds_back_what_is_listed_and_removing_asks_first(tab, cast):
    """What a walk-through found: the picker offers a project already listed under the kind
    chosen (now marked and not tickable), a 目标日期 before the batch's year was taken (now refused,
    then corrected), listing a started project under 开工 said nothing (now a hint), 移出 took
    one click (now asks; dismissed, nothing changes)."""
    three_projects()
    page = tab.page
    with time_machine.travel("2026-07-20 10:00+08:00", tick=True):
        sign_in(tab, cast.officer)
        page.goto("/batches/new/")
        page.fill("input[name=name]", "2026年第二期")
        page.fill("input[name=year]", "2026")
        page.select_option("select[name=quarter]", "2")
        page.click("button.primary")

        page.click("[data-action='batch.list_projects']")
        page.select_option("select[name=kind]", "start")
        page.check(f"input[name=projects][value='{project_pk(1)}']")  # started 10 May
        page.fill("input[name=target_date]", "2025-12-31")
        page.click("button.primary")
        assert "目标日期2025-12-31早于期次所在的2026年" in page.locator("main .error").inner_text()
        assert not BatchEntry.objects.exists()
        page.fill("input[name=target_date]", "2026-06-30")  # corrected, sent again
        page.click("button.primary")
        said = page.locator(".messages").inner_text()
        assert "已列入1个项目。" in said and "已于2026-05-10开工" in said

        page.click("[data-action='batch.list_projects']")
        started = page.locator(f"input[name=projects][value='{project_pk(1)}']")
        page.select_option("select[name=kind]", "start")
        expect(started).to_be_disabled()  # listed under 开工 already
        page.select_option("select[name=kind]", "sign")
        expect(started).to_be_enabled()  # may still be listed under 签约
        assert "本期已列入开工" in started.locator("xpath=..").inner_text()
        look(page, "batch-entries-form")
        page.check(f"input[name=projects][value='{project_pk(3)}']")
        page.click("button.primary")

        rows = page.locator("#rates tbody tr").all_inner_texts()
        assert [row.split()[0] for row in rows] == ["县住建局", "营盘镇", "合计"]
        look(page, "batch-detail-units")

        remove = page.locator("[data-action='batch.entry_remove'] button").first
        page.once("dialog", lambda dialog: dialog.dismiss())
        remove.click()
        assert BatchEntry.objects.count() == 2  # dismissed: nothing removed
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        remove.click()
        expect(page.locator(".messages .success")).to_contain_text("移出")
        assert "移出2026年第二期" in asked[0]
        assert BatchEntry.objects.count() == 1
    assert tab.problems == []
