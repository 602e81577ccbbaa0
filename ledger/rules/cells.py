"""Reading one cell of a clerk's ledger.

Clerks type ledgers by hand, so each reader accepts every form whose meaning is clear
(date cells and the usual written dates, numbers typed as text with thousands separators
or full-width digits, 是/否) and raises ``CellError`` with a reason in Chinese for
anything else. Readers receive cells that are not blank: the caller handles blanks.
"""

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from core.amounts import NOT_A_NUMBER, amount_problem
from core.names import clean_name


class CellError(ValueError):
    """A cell whose meaning is not clear; the message is the reason, in Chinese."""


def shown(value: object) -> str:
    """A cell value as the clerk sees it, for quoting in an error message."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def normalize_text(value: object) -> str:
    """Full-width letters, digits and punctuation read as their ordinary forms."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def read_text(value: object, *, max_length: int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > max_length:
        raise CellError(f"内容过长，最多{max_length}个字，实际{len(text)}个字")
    return text


def read_name(value: object, *, max_length: int) -> str:
    """A unit's name as it is kept (``core.names.clean_name``): a cell with a zero-width
    space, a bidi control or full-width letters names the same unit as the plain name."""
    name = clean_name(read_text(value, max_length=max_length))
    if not name:
        raise CellError("只有不可见字符，请填写名称")
    return name


THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def read_amount(value: object) -> Decimal:
    """An amount in 万元: non-negative, at most 4 decimal places."""
    if isinstance(value, bool):
        raise CellError(f'应为金额（万元），实际为"{shown(value)}"')
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(f'应为金额（万元），实际为"{shown(value)}"')
        # Excel keeps 15 significant digits; a formula result such as
        # 0.30000000000000004 is the 0.3 the clerk sees in the cell.
        amount = Decimal(format(value, ".15g"))
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        text = normalize_text(value).replace(" ", "")
        if text.endswith("万元"):
            text = text[:-2]
        if THOUSANDS.match(text):
            text = text.replace(",", "")
        if not PLAIN_NUMBER.match(text):
            raise CellError(f'应为金额（万元）的数字，实际为"{shown(value)}"')
        amount = Decimal(text)
    else:
        raise CellError(f'应为金额（万元），实际为"{shown(value)}"')
    problem = amount_problem(amount)
    if problem == NOT_A_NUMBER:
        raise CellError(f'应为金额（万元），实际为"{shown(value)}"')
    if problem:
        raise CellError(f'金额{problem}，实际为"{shown(value)}"')
    return amount


def read_integer(value: object, *, low: int, high: int, unit: str = "") -> int:
    """A whole number in [low, high]; ``unit`` (年, 月) may follow it in text."""
    reason = f'应为{low}–{high}的整数，实际为"{shown(value)}"'
    if isinstance(value, bool):
        raise CellError(reason)
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(reason)
        number = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = normalize_text(value)
        if unit and text.endswith(unit):
            text = text[: -len(unit)].strip()
        if not re.fullmatch(r"\d+", text):
            raise CellError(reason)
        number = int(text)
    else:
        raise CellError(reason)
    if not low <= number <= high:
        raise CellError(reason)
    return number


DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
DATE_HINT = "如2024-03-05、2024/3/5、2024.3.5或2024年3月5日"


def read_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = normalize_text(value).replace(" ", "")
        # A date typed with a time of day (2024-03-05 00:00:00) is still that day.
        text = re.sub(r"(?<=\d)T?\d{1,2}:\d{2}(:\d{2})?$", "", text)
        for form in DATE_FORMS:
            match = form.match(text)
            if match:
                year, month, day = (int(part) for part in match.groups())
                try:
                    return date(year, month, day)
                except ValueError:
                    raise CellError(f'不是有效的日期，实际为"{shown(value)}"') from None
    raise CellError(f'应为日期（{DATE_HINT}），实际为"{shown(value)}"')


YES = {"是", "y", "yes", "true", "1"}
NO = {"否", "n", "no", "false", "0"}


def read_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = normalize_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(f'应为"是"或"否"，实际为"{shown(value)}"')


def read_choice(value: object, *, labels: dict[str, str]) -> str:
    """A coded column: the cell must be one of the labels; returns the stored value."""
    text = normalize_text(value)
    if text in labels:
        return labels[text]
    accepted = "、".join(labels)
    raise CellError(f'应为以下之一：{accepted}，实际为"{shown(value)}"')


EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


def check_not_excel_error(value: object) -> None:
    """A formula that failed in Excel arrives as its error value, e.g. #DIV/0!."""
    if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
        raise CellError(f"单元格是Excel错误值“{value.strip()}”，请检查公式后填写")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalize_header(value: object) -> str:
    """Headers match after trimming spaces and reading full-width （） as ()."""
    if value is None:
        return ""
    text = str(value).replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text)
