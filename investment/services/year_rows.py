"""The one save of the per-year settings pages (年度设置, 预警规则, 数据质量规则).

Each page shows a year's rows, a saved row or, while none is saved, its default (version 0),
and saves them the same way: every row locked and refused when the form is older
(`core.versioning.locked_or_default`), a row entered as it stands (or as its default) writes
nothing, a changed one is saved with its history naming the officer, and two officers saving a
year's first row at once are told so rather than given a 500 (`core.versioning.save_changes`).
All or nothing: the caller's transaction holds every row.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

from core.models import Versioned
from core.versioning import locked_or_default, save_changes
from projects.models import User

R = TypeVar("R", bound=Versioned)

GONE = "{label}已被他人删除或重置。您提交的内容未保存；请刷新页面核对后重新填写。"
CLASH = "{label}刚被他人保存。您提交的内容未保存；请刷新页面核对后重新填写。"


@dataclass(frozen=True)
class YearRow(Generic[R]):
    """One row as a page saves it: ``saved`` finds the saved row (year and key), ``default``
    is the unsaved row the page showed when none is; the ``values`` entered, the version the
    form showed (0: the default; None: no check) and the row's name in a refusal."""

    saved: "QuerySet[R]"
    default: Callable[[], R]
    values: dict[str, Any]
    expected_version: int | None
    label: str


def year_rows_save(
    rows: Iterable[YearRow[R]],
    *,
    user: User,
    stamps: dict[str, Any] | None = None,
    gone: str = GONE,
    clash: str = CLASH,
) -> list[tuple[R, list[str]]]:
    """Save ``rows`` as entered: each row as it now stands (saved, or its default) with the
    names of the fields this save changed (none: nothing written). ``gone`` and ``clash``
    (with ``{label}``) refuse a form that showed a row removed since, and a first save that
    another officer's first save of the same row beat."""
    saved = []
    for row in rows:
        current = locked_or_default(
            row.saved,
            row.expected_version,
            label=row.label,
            default=row.default,
            gone=gone.format(label=row.label),
        )
        changed = save_changes(
            current,
            row.values,
            user=user,
            stamps=stamps,
            clash=clash.format(label=row.label),
            clash_code="stale",
        )
        saved.append((current, changed))
    return saved
