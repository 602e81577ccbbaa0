"""The project code rule: national codes by shape, local codes by a documented pattern."""

from datetime import date

import pytest

from core.params import YEAR_MIN
from projects.codes import project_code_problem

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "code",
    ["2024-410702-47-01-012345", "2027-510623-01-02-000001", "ZS-2024-001", "柞水县-储备-7", "A1"],
)
def test_it_accepts_national_and_local_codes(code):
    assert project_code_problem(code, today=TODAY) is None


@pytest.mark.parametrize(
    "code",
    [
        "2024-41070-47-01-012345",
        "2024-410702-4-01-012345",
        "2024-410702-47-01-12345",
        "24-410702-47-01-012345",
    ],
)
def test_a_mistyped_national_code_is_not_taken_for_a_local_one(code):
    assert "国家代码应为" in project_code_problem(code, today=TODAY)


@pytest.mark.parametrize(
    "code", [f"{YEAR_MIN - 1}-410702-47-01-012345", "2028-410702-47-01-012345"]
)
def test_a_national_code_needs_a_plausible_year(code):
    assert "年份" in project_code_problem(code, today=TODAY)


@pytest.mark.parametrize("code", ["ZS 2024 001", "-ZS001", "X", "项目/001", "A" * 41])
def test_a_local_code_has_no_spaces_or_odd_characters(code):
    assert "本地代码应为" in project_code_problem(code, today=TODAY)
