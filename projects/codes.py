"""The project code (项目代码) rule.

National codes from the investment-project platform look like
``2024-410702-47-01-012345``: year, 6-digit administrative division, 2-digit industry,
2-digit type, 6-digit serial. Only the shape is checked: the last digit is a check digit
whose algorithm is not published.

Projects not yet on the platform carry a local code. The documented local rule: 2–40
characters of letters, digits, Chinese characters, ``-``, ``_`` or ``.``, starting with a
letter, digit or Chinese character, with no spaces. A code made only of digits and
hyphens in five groups is taken as an attempt at a national code and must have its shape,
so that a mistyped national code is caught rather than accepted as a local one.
"""

import re
from datetime import date

from core.params import YEAR_MIN

NATIONAL_SHAPE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")
NATIONAL_ATTEMPT = re.compile(r"^\d+(-\d+){4}$")
LOCAL_SHAPE = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z\u4e00-\u9fff_.\-]{1,39}$")
FIRST_PLAUSIBLE_YEAR = YEAR_MIN  # a code's year is one a plan may name, up to next year

NATIONAL_HINT = "国家代码应为“年份-6位行政区划-2位行业-2位类型-6位序号”，如2024-410702-47-01-012345"


def project_code_problem(code: str, *, today: date | None = None) -> str | None:
    """Why ``code`` is not an acceptable project code, in Chinese; None when it is."""
    today = today or date.today()
    if NATIONAL_ATTEMPT.match(code):
        match = NATIONAL_SHAPE.match(code)
        if not match:
            return f"格式不正确。{NATIONAL_HINT}"
        year = int(match.group(1))
        if not FIRST_PLAUSIBLE_YEAR <= year <= today.year + 1:
            return f"代码中的年份{year}不合理，应在{FIRST_PLAUSIBLE_YEAR}–{today.year + 1}之间"
        return None
    if not LOCAL_SHAPE.match(code):
        return "格式不正确。本地代码应为2–40位字母、数字、汉字或 - _ . ，不含空格；" + NATIONAL_HINT
    return None
