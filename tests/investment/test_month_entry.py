"""The month page's batch save (investment/services/entry.py ``reports_save_month``): what a unit's
lines become, and what is refused, naming the project, with nothing written."""

import io
from decimal import Decimal

import pytest
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from investment.models import MonthlyReport, ReportPhoto
from investment.services import reports as services
from investment.services.entry import MonthEntry, previous_reports, reports_save_month
from projects.models import AnnualPlan, Unit
from tests.builders import ledger
from tests.cast import Cast
from tests.prebuilt import prebuilt
from tests.workbooks import code

Status = MonthlyReport.Status


@prebuilt
def month_entry_county() -> None:
    """县住建局: 城关污水处理厂 and 城关保障房 on 2023's and 2024's lists, started in 2023,
    with text in February 2024 (sent by the reporter) and December 2023; 营盘镇 has one
    project; the office and the leader have accounts. Built once per test process."""
    cast = Cast()
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "续建", "总投资(万元)": 1000, "年度": 2024, "年度计划投资(万元)": 500, "实际开(复)工日期": "2023-03-01"},
                {"项目代码": code(2), "项目名称": "城关保障房", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "续建", "总投资(万元)": 800, "年度": 2024, "年度计划投资(万元)": 300, "实际开(复)工日期": "2023-03-01"},
                {"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 1000, "年度": 2023, "年度计划投资(万元)": 400, "实际开(复)工日期": "2023-03-01"},
                {"项目代码": code(3), "项目名称": "营盘公路改建", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 800, "年度": 2024, "年度计划投资(万元)": 300, "实际开(复)工日期": "2024-01-05"},
            ],
            "月度投资": [
                ["项目代码", "年度", "月份", "本月完成投资(万元)", "形象进度"],
                [code(1), 2023, 12, 30, "基础完工"],
            ],
        }
    )  # fmt: skip
    reporter = cast.reporter
    february = services.report_save(
        plan=plan(1), month=2, user=reporter, amount=Decimal(40),
        progress="主体结构施工至二层", problems="用地指标未落实", problem_category="land",
    )  # fmt: skip
    services.report_submit(report=february, user=reporter)
    cast.officer, cast.leader  # noqa: B018  (their accounts, made now)


@pytest.fixture
def people(month_entry_county, cast):
    """The county's reporter (县住建局), the office and the leader."""
    return {"reporter": cast.reporter, "officer": cast.officer, "leader": cast.leader}


def plan(serial: int, year: int = 2024) -> AnnualPlan:
    return AnnualPlan.objects.select_related("project").get(project__code=code(serial), year=year)


def save(user, *entries, month=3, submit=False, year=2024):
    return reports_save_month(
        user=user, year=year, month=month, entries=list(entries), submit=submit
    )


def jpeg(size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def report(serial: int, month: int = 3) -> MonthlyReport:
    return MonthlyReport.objects.get(plan=plan(serial), month=month)


def test_it_saves_the_lines_with_an_amount_as_drafts_and_sends_them_when_asked(people):
    saved = save(
        people["reporter"],
        MonthEntry(plan=plan(1), amount=Decimal("60.5"), progress="至四层"),
        MonthEntry(plan=plan(2), amount=Decimal(25)),
        submit=True,
    )

    assert (len(saved.reports), saved.total) == (2, Decimal("85.5"))
    assert {r.status for r in MonthlyReport.objects.filter(month=3)} == {Status.SUBMITTED}
    assert report(1).submitted_by == people["reporter"]


def test_it_sends_a_returned_report_again_and_leaves_the_sent_ones_untouched(people):
    reporter, officer = people["reporter"], people["officer"]
    save(
        reporter,
        MonthEntry(plan=plan(1), amount=Decimal(60)),
        MonthEntry(plan=plan(2), amount=Decimal(25)),
        submit=True,
    )
    services.report_return(report=report(2), user=officer, reason="与统计数据不符")
    sent = report(1)

    returned = report(2)
    save(
        reporter,
        MonthEntry(plan=plan(2), version=returned.version, amount=Decimal(28)),
        submit=True,
    )

    assert (report(2).amount, report(2).status) == (Decimal(28), Status.SUBMITTED)
    assert report(1).version == sent.version  # the sent report was not written again


def test_a_sent_report_posted_again_is_refused_naming_the_project(people):
    reporter = people["reporter"]
    save(reporter, MonthEntry(plan=plan(1), amount=Decimal(60)), submit=True)
    sent = report(1)

    with pytest.raises(ValidationError) as refused:
        save(
            reporter,
            MonthEntry(plan=plan(2), amount=Decimal(25)),
            MonthEntry(plan=plan(1), version=sent.version, amount=Decimal(70)),
        )

    assert "“城关污水处理厂”：3月报表已报送，不能修改" in refused.value.messages[0]
    assert not MonthlyReport.objects.filter(plan=plan(2)).exists()  # nothing saved


def test_text_typed_on_a_line_without_an_amount_is_refused_naming_it_and_nothing_is_saved(
    people,
):
    for typed in (
        {"progress": "已完成招标"},
        {"problems": "资金未到位"},
        {"problem_category": "funds"},
    ):
        with pytest.raises(ValidationError) as refused:
            save(
                people["reporter"],
                MonthEntry(plan=plan(1), amount=Decimal(60)),
                MonthEntry(plan=plan(2), **typed),
            )
        assert refused.value.messages[0].startswith("“城关保障房”：填写或改动了形象进度")
        assert "本月没有完成投资请填0" in refused.value.messages[0]
    assert not MonthlyReport.objects.filter(month=3).exists()


def test_a_line_still_showing_last_months_text_without_an_amount_is_skipped(people):
    shown = {
        "progress": "主体结构施工至二层",
        "problems": "用地指标未落实",
        "problem_category": "land",
    }

    saved = save(
        people["reporter"],
        MonthEntry(plan=plan(1), **shown),  # as the page filled it in from February
        MonthEntry(plan=plan(2), amount=Decimal(0), progress="停工待料"),
    )

    assert [r.plan.project.name for r in saved.reports] == ["城关保障房"]
    assert not MonthlyReport.objects.filter(plan=plan(1), month=3).exists()


def test_the_text_a_line_starts_with_is_last_months(people):
    previous = previous_reports([plan(1), plan(2)], year=2024, month=3)
    assert previous[plan(1).project_id].progress == "主体结构施工至二层"
    assert plan(2).project_id not in previous

    january = previous_reports([plan(1)], year=2024, month=1)  # December, on 2023's row
    assert january[plan(1).project_id].progress == "基础完工"


def test_unchanged_keeps_last_months_text_and_category_whatever_was_typed(people):
    save(
        people["reporter"],
        MonthEntry(plan=plan(1), amount=Decimal(12), progress="被覆盖", unchanged=True),
    )
    assert (report(1).progress, report(1).problems, report(1).problem_category) == (
        "主体结构施工至二层",
        "用地指标未落实",
        "land",
    )
    save(people["reporter"], MonthEntry(plan=plan(1), amount=Decimal(5), unchanged=True), month=1)
    assert report(1, month=1).progress == "基础完工"  # January takes December of 2023


def test_unchanged_without_an_amount_or_without_last_month_is_refused(people):
    with pytest.raises(ValidationError, match="“城关污水处理厂”：填写或改动了"):
        save(people["reporter"], MonthEntry(plan=plan(1), unchanged=True))
    with pytest.raises(ValidationError, match="“城关保障房”：没有上月月报可沿用"):
        save(people["reporter"], MonthEntry(plan=plan(2), amount=Decimal(1), unchanged=True))
    assert not MonthlyReport.objects.filter(month=3).exists()


def test_clearing_the_amount_of_a_saved_draft_is_refused(people):
    save(people["reporter"], MonthEntry(plan=plan(2), amount=Decimal(5)))
    draft = report(2)

    with pytest.raises(ValidationError, match="“城关保障房”：已有3月报表，本月完成投资不能清空"):
        save(people["reporter"], MonthEntry(plan=plan(2), version=draft.version))
    assert report(2).amount == Decimal(5)


def test_a_draft_saved_again_unchanged_gets_no_new_version(people):
    save(people["reporter"], MonthEntry(plan=plan(2), amount=Decimal(5), progress="a\nb"))
    draft = report(2)

    saved = save(
        people["reporter"],
        MonthEntry(plan=plan(2), version=draft.version, amount=Decimal(5), progress="a\r\nb"),
    )

    assert saved.reports == []
    assert report(2).version == draft.version


def test_a_stale_line_is_refused_naming_the_project_and_what_changed(people):
    save(people["reporter"], MonthEntry(plan=plan(2), amount=Decimal(5)))
    shown = report(2).version
    save(people["reporter"], MonthEntry(plan=plan(2), version=shown, amount=Decimal(6)))

    with pytest.raises(ValidationError, match="“城关保障房”3月报表已被"):
        save(
            people["reporter"],
            MonthEntry(plan=plan(1), amount=Decimal(1)),
            MonthEntry(plan=plan(2), version=shown, amount=Decimal(7)),
        )
    assert report(2).amount == Decimal(6)
    assert not MonthlyReport.objects.filter(plan=plan(1), month=3).exists()


def test_sending_with_no_amount_anywhere_is_refused(people):
    with pytest.raises(ValidationError, match="没有可报送的月报"):
        save(people["reporter"], MonthEntry(plan=plan(2)), submit=True)


def test_photos_chosen_on_a_line_are_stored_with_its_report(people):
    saved = save(
        people["reporter"],
        MonthEntry(
            plan=plan(1), amount=Decimal(3), photos=[("一.jpg", jpeg()), ("二.jpg", jpeg())]
        ),
    )

    assert saved.photos == 2
    assert report(1).photos.count() == 2
    assert report(1).status == Status.DRAFT  # the line became a draft


def test_photos_on_a_line_without_an_amount_are_refused(people):
    with pytest.raises(
        ValidationError, match="“城关保障房”：填写或改动了形象进度、存在问题、问题类别，或选了照片"
    ):
        save(people["reporter"], MonthEntry(plan=plan(2), photos=[("一.jpg", jpeg())]))


def test_a_bad_photo_refuses_the_whole_save_and_leaves_no_file(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    strip = io.BytesIO()
    Image.new("1", (65536, 1)).save(strip, format="PNG", optimize=True)

    with pytest.raises(ValidationError) as refused:
        save(
            people["reporter"],
            MonthEntry(plan=plan(1), amount=Decimal(3), photos=[("好.jpg", jpeg())]),
            MonthEntry(plan=plan(2), amount=Decimal(3), photos=[("长条.png", strip.getvalue())]),
        )

    assert refused.value.messages[0].startswith("“城关保障房”：照片“长条.png”：照片的宽或高超过")
    assert not MonthlyReport.objects.filter(month=3).exists()
    assert ReportPhoto.objects.count() == 0
    assert not any(tmp_path.rglob("*.jpg"))


def test_a_refusal_after_photos_were_stored_removes_their_files(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    save(people["reporter"], MonthEntry(plan=plan(2), amount=Decimal(5)))
    shown = report(2).version
    save(people["reporter"], MonthEntry(plan=plan(2), version=shown, amount=Decimal(6)))

    with pytest.raises(ValidationError, match="已被"):
        save(
            people["reporter"],
            MonthEntry(plan=plan(1), amount=Decimal(3), photos=[("好.jpg", jpeg())]),
            MonthEntry(plan=plan(2), version=shown, amount=Decimal(7)),  # stale: refused second
        )

    assert ReportPhoto.objects.count() == 0
    assert not any(tmp_path.rglob("*.jpg")), list(default_storage.listdir("."))


def test_more_photos_than_a_report_holds_are_refused(people, settings):
    settings.PHOTO_MAX_PER_REPORT = 2
    save(people["reporter"], MonthEntry(plan=plan(1), amount=Decimal(3), photos=[("1", jpeg())]))
    draft = report(1)

    with pytest.raises(
        ValidationError, match="“城关污水处理厂”：每份月报最多上传2张照片（已有1张，本次选了2张）"
    ):
        save(
            people["reporter"],
            MonthEntry(
                plan=plan(1), version=draft.version, amount=Decimal(3),
                photos=[("2", jpeg()), ("3", jpeg())],
            ),
        )  # fmt: skip
    assert report(1).photos.count() == 1


def test_a_locked_month_another_units_project_and_a_leader_are_refused(people):
    with pytest.raises(PermissionDenied):
        save(people["leader"], MonthEntry(plan=plan(1), amount=Decimal(1)))
    with pytest.raises(PermissionDenied):
        save(people["reporter"], MonthEntry(plan=plan(3), amount=Decimal(1)))
    services.period_lock(
        year=2024,
        month=3,
        user=people["officer"],
        confirmed_units=list(Unit.objects.values_list("pk", flat=True)),
    )
    with pytest.raises(ValidationError, match="已锁定"):
        save(people["reporter"], MonthEntry(plan=plan(1), amount=Decimal(1)))
    assert not MonthlyReport.objects.filter(month=3).exists()


def test_the_office_fills_any_units_month(people):
    save(people["officer"], MonthEntry(plan=plan(3), amount=Decimal(2)), submit=True)
    assert report(3).submitted_by == people["officer"]


# --- what the page is told, as data (``MonthSaved.notices``) ---------------------------------


def test_it_tells_what_was_sent_with_the_total_and_the_photos(people):
    saved = save(
        people["reporter"],
        MonthEntry(plan=plan(1), amount=Decimal("60.50"), photos=[("一.jpg", jpeg())]),
        MonthEntry(plan=plan(2), amount=Decimal(25)),
        submit=True,
    )

    assert saved.notices() == [
        (messages.SUCCESS, "已报送2个项目的月报，本月完成投资合计85.50万元，上传照片1张。")
    ]


def test_it_tells_a_draft_is_not_sent_yet_and_names_its_data_quality_flags(people):
    saved = save(people["reporter"], MonthEntry(plan=plan(2), amount=Decimal(290)))

    (level, text), *warnings = saved.notices()
    assert (level, text) == (messages.SUCCESS, "已保存1个项目的月报，尚未报送。")
    assert [level for level, _ in warnings] == [messages.WARNING]
    assert warnings[0][1].startswith("数据质量提示：“城关保障房”本月完成290.00万元") and warnings[
        0
    ][1].endswith("如有误请修改，属实请填写说明。")


def test_it_tells_when_nothing_needed_saving(people):
    assert save(people["reporter"], MonthEntry(plan=plan(2))).notices() == [
        (messages.INFO, "没有需要保存的修改。")
    ]


# --- uploaded files, checked before they are read -------------------------------------------


def test_it_refuses_more_files_than_a_report_holds_before_reading_any(people, settings):
    settings.PHOTO_MAX_PER_REPORT = 1
    files = [SimpleUploadedFile(f"{n}.jpg", jpeg()) for n in (1, 2)]

    with pytest.raises(ValidationError, match="“城关污水处理厂”：每份月报最多上传1张照片。"):
        save(people["reporter"], MonthEntry(plan=plan(1), amount=Decimal(3), photos=files))
    assert all(upload.tell() == 0 for upload in files)


def test_it_refuses_a_file_over_the_size_limit_naming_it(people, settings):
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("大.jpg", b"\0" * (1024 * 1024 + 1))

    with pytest.raises(ValidationError, match="“城关污水处理厂”：照片“大.jpg”超过1 MB"):
        save(people["reporter"], MonthEntry(plan=plan(1), amount=Decimal(3), photos=[big]))
    assert not MonthlyReport.objects.filter(month=3).exists()


def test_uploaded_files_are_stored_like_pairs(people):
    upload = SimpleUploadedFile("现场.jpg", jpeg(), content_type="image/jpeg")

    saved = save(people["reporter"], MonthEntry(plan=plan(1), amount=Decimal(3), photos=[upload]))

    assert saved.photos == 1 and report(1).photos.count() == 1
