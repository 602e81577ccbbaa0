"""The photo rules (DESIGN.md §3): photo_reused (a re-saved or resized copy of a photo of
another report, within d bits) and photo_date (an EXIF date outside the month and its days up
to the due day), judged when a photo is uploaded or deleted."""

from decimal import Decimal

import pytest

from investment.models import QualityFlag, QualityRule
from investment.services import photos
from investment.services import reports as services
from investment.services.photos import photo_prepare
from projects.models import AnnualPlan
from tests.builders import ledger
from tests.investment.test_photo_checks import jpeg, picture, shot_on
from tests.workbooks import code

Code = QualityRule.Code


@pytest.fixture
def reports(cast):
    """October 2026's report of 甲 (县住建局) and September's of 乙 (营盘镇)."""
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2026, "年度计划投资(万元)": 50, "实际开(复)工日期": "2026-01-05"},
                {"项目代码": code(2), "项目名称": "乙", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2026, "年度计划投资(万元)": 50, "实际开(复)工日期": "2026-01-05"},
            ]
        }
    )  # fmt: skip
    return (
        services.report_save(
            plan=AnnualPlan.objects.get(project__code=code(1)),
            month=10,
            user=cast.reporter,
            amount=Decimal(5),
        ),
        services.report_save(
            plan=AnnualPlan.objects.get(project__code=code(2)),
            month=9,
            user=cast.other_reporter,
            amount=Decimal(5),
        ),
    )


def flags(report) -> dict[str, str]:
    return dict(QualityFlag.objects.filter(report=report).values_list("rule", "message"))


def resaved() -> bytes:
    """picture(3) as sent again: trimmed by 2 % at each edge, smaller, more compressed (two
    bits from the original's hash)."""
    return jpeg(picture(3).crop((24, 18, 1176, 882)).resize((800, 600)), quality=50)


def distance() -> int:
    original, copy = photo_prepare(jpeg(picture(3))).phash, photo_prepare(resaved()).phash
    assert original is not None and copy is not None
    return bin((original ^ copy) & (2**64 - 1)).count("1")


def set_rule(code: str, *, enabled: bool = True, threshold=None) -> None:
    QualityRule.objects.update_or_create(
        year=2026, rule=code, defaults={"enabled": enabled, "threshold": threshold}
    )


def test_a_resaved_copy_on_another_projects_report_flags_both(reports, cast):
    october, september = reports
    photos.photo_add(report=september, user=cast.other_reporter, data=jpeg(picture(3)))
    assert Code.PHOTO_REUSED not in flags(september)

    photos.photo_add(report=october, user=cast.reporter, data=resaved())

    assert "与2026年9月“乙”的照片" in flags(october)[Code.PHOTO_REUSED]
    assert "与2026年10月“甲”的照片" in flags(september)[Code.PHOTO_REUSED]


@pytest.mark.parametrize(("below", "flagged"), [(1, False), (0, True)])
def test_photo_reused_is_within_d_bits(reports, cast, below, flagged):
    bits = distance()
    assert 1 <= bits <= 4  # the copy differs a little (test_photo_checks holds the bound)
    set_rule(Code.PHOTO_REUSED, threshold=Decimal(bits - below))
    october, september = reports
    photos.photo_add(report=september, user=cast.other_reporter, data=jpeg(picture(3)))
    photos.photo_add(report=october, user=cast.reporter, data=resaved())
    assert (Code.PHOTO_REUSED in flags(october)) is flagged


def test_deleting_the_copy_clears_both_flags(reports, cast):
    october, september = reports
    photos.photo_add(report=september, user=cast.other_reporter, data=jpeg(picture(3)))
    copy = photos.photo_add(report=october, user=cast.reporter, data=resaved())

    photos.photo_delete(photo=copy, user=cast.reporter)

    assert flags(october) == {} and flags(september) == {}


@pytest.mark.parametrize(
    ("taken", "flagged"),
    [("2026:09:30 18:00:00", True), ("2026:10:01 08:00:00", False),
     ("2026:11:05 17:00:00", False), ("2026:11:06 09:00:00", True)],
)  # fmt: skip
def test_photo_date_is_outside_the_month_and_its_days_to_the_due_day(reports, cast, taken, flagged):
    october, _ = reports  # due on 5 November
    photos.photo_add(report=october, user=cast.reporter, data=shot_on(taken))
    assert (Code.PHOTO_DATE in flags(october)) is flagged


def test_a_photo_rule_switched_off_flags_nothing(reports, cast):
    set_rule(Code.PHOTO_DATE, enabled=False)
    october, _ = reports
    photos.photo_add(report=october, user=cast.reporter, data=shot_on("2025:01:01 10:00:00"))
    assert flags(october) == {}
