"""开放数据 (OC4IDS) against text written to slip a person past the redaction: a phone typed in
full-width digits (as a Chinese input method gives them) or with dots, a name with a zero-width
space inside, an identity card number, an e-mail address, a bank account. None of them is
published."""

import json

import pytest
import time_machine
from django.core.management import call_command

from projects.models import Project
from tests.opendata.test_oc4ids import TODAY, a_county
from tests.workbooks import code


@pytest.mark.parametrize(
    ("typed", "person"),
    [
        ("电话１３９１２３４５６７８", "１３９１２３４５６７８"),
        ("电话139.1234.5678", "139.1234.5678"),
        ("电话０９１５－５３２１００１", "５３２１００１"),
        ("联系人刘\u200b建国", "建国"),
        ("联系人刘\u2060建国", "建国"),
        ("法人身份证61062319800101123X", "61062319800101123X"),
        ("身份证号：６１０６２３１９８００１０１１２３４", "610623198001011234"),
        ("邮箱zhang.jianguo@163.com", "zhang.jianguo@163.com"),
        ("收款账号6222021234567890123", "6222021234567890123"),
        ("收款账号6222 0212 3456 7890 123", "6222 0212 3456 7890 123"),
    ],
)
def test_a_disguised_phone_or_name_is_not_published(tmp_path, typed, person):
    a_county()
    Project.objects.filter(code=code(1, 2023)).update(content=f"改造主干道3.2公里。{typed}。")
    out = tmp_path / "2024.json"
    with time_machine.travel(TODAY, tick=False):
        call_command("export_oc4ids", "--year", "2024", "-o", str(out))

    assert person not in out.read_text(encoding="utf-8")
    assert "改造主干道3.2公里。" in json.loads(out.read_text(encoding="utf-8"))["projects"][0].get(
        "description", ""
    )


def test_a_project_code_amounts_and_dates_in_the_description_are_published(tmp_path):
    a_county()
    kept = "同2024-510623-47-01-000001配套，概算12345678.5万元，2026年3月8日开工，编号20260308。"
    Project.objects.filter(code=code(1, 2023)).update(content=kept)
    out = tmp_path / "2024.json"
    with time_machine.travel(TODAY, tick=False):
        call_command("export_oc4ids", "--year", "2024", "-o", str(out))

    assert json.loads(out.read_text(encoding="utf-8"))["projects"][0]["description"] == kept
