"""The capability table: its copy in the docs, its scopes, and a role added by one row."""

import re
from pathlib import Path
from typing import get_args

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core import capabilities
from core.capabilities import OWN_UNIT, can, capability_table, refusal, require
from projects.access import visible_projects
from projects.models import Project, Unit, User
from tests.builders import ledger
from tests.workbooks import code

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "capabilities.md"


def test_the_docs_show_the_table_as_the_code_has_it():
    assert capability_table(User.Role.choices) in DOCS.read_text(encoding="utf-8")


def test_the_names_mypy_checks_are_the_table_s():
    """``CapabilityName`` (the Literal that makes a misspelt name a mypy error) lists exactly the
    capabilities of ``CAPABILITY``, in its order."""
    assert list(get_args(capabilities.CapabilityName)) == list(capabilities.CAPABILITY)


def test_every_capability_a_template_asks_for_is_one():
    """Templates are beyond mypy: ``user|can:"…"`` and ``{% can_do "…" %}`` name a capability of
    the table, written as a quoted name."""
    name = r"""("[^"]*"|'[^']*'|[^\s%}]+)"""
    asked = re.compile(rf"\|\s*can\s*:\s*{name}|{{%\s*can_do\s+{name}")
    named = {
        (path.relative_to(ROOT).as_posix(), first or second)
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for first, second in asked.findall(path.read_text(encoding="utf-8"))
    }
    assert named
    unknown = {
        (path, name)
        for path, name in named
        if name[:1] not in "\"'" or name.strip("\"'") not in capabilities.CAPABILITY
    }
    assert unknown == set()


def test_every_role_in_the_table_is_a_role():
    assert set(capabilities.CAPABILITIES) <= set(User.Role.values)
    for held in capabilities.CAPABILITIES.values():
        assert set(held) <= set(capabilities.CAPABILITY)


@pytest.fixture
def two_units():
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
                {"项目代码": code(2), "项目名称": "乙", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
            ]
        }
    )  # fmt: skip
    return Unit.objects.get(name="县住建局")


def test_a_reporter_holds_a_capability_for_their_own_unit_only(two_units):
    reporter = User.objects.create_user("r", role=User.Role.REPORTER, unit=two_units)
    own, other = Project.objects.get(code=code(1)), Project.objects.get(code=code(2))
    assert can(reporter, "portfolio.view", own) and not can(reporter, "portfolio.view", other)
    assert refusal(reporter, "report.enter", other.plans.get()) == "只能填报本单位的项目。"
    assert list(visible_projects(reporter)) == [own]


def test_a_refusal_says_why_in_chinese():
    leader = User(username="l", role=User.Role.LEADER)
    with pytest.raises(PermissionDenied, match="资金申报由项目办登记"):
        require(leader, "fund.keep")
    assert refusal(User(username="s", role=User.Role.SECURITY), "portfolio.view").startswith(
        "三员分立"
    )
    assert refusal(User(username="n"), "portfolio.view") == "账号尚未授权，请联系安全管理员。"
    assert not can(User(username="x", role=User.Role.OFFICER, is_active=False), "fund.keep")


def test_an_unknown_capability_is_a_programming_error():
    with pytest.raises(KeyError):
        can(User(username="o", role=User.Role.OFFICER), "fund.kepe")


def test_a_new_role_is_one_row_of_the_table(client, two_units, monkeypatch):
    """An industry department reading its own unit's projects: one row, no view touched."""
    monkeypatch.setitem(
        capabilities.CAPABILITIES,
        "industry",
        {"portfolio.view": OWN_UNIT, "briefing.read": OWN_UNIT},
    )
    department = User.objects.create_user("industry", role="industry", unit=two_units)
    client.force_login(department)
    own, other = Project.objects.get(code=code(1)), Project.objects.get(code=code(2))
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("project_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("project_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("briefing")).status_code == 200
    assert client.get(reverse("review_month", args=[2024, 3])).status_code == 403
    assert client.get(reverse("fund_create")).status_code == 403
