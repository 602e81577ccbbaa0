"""导入填报员: a unit's reporters from one Excel sheet, all or nothing.

The sheet names each person's unit, but the accounts are made with no role (未授权): 三员, only
the security administrator grants roles and units. The unit is kept as the account's
``requested_unit``, which 安全管理 shows beside the account with a one-step 按申请授权.

An upload is checked whole first (the preview, whose file waits on the server:
`projects.previews`); the confirmation claims the preview, reads that file again once (checked to
be the file previewed: `projects.previews.claimed`), checks it again and creates every account or
none, once however often it is confirmed. Every bad row is named as
``sheet!row: column: reason``. A list longer than ``PEOPLE_BACKGROUND_ROWS`` is confirmed by a
background job (`accounts/tasks.py`: each account's password hash takes a quarter of a second),
which reports its progress and hands the initial passwords over inside the import's transaction.

The file is opened by `core.workbooks`, the reader of every uploaded workbook, with limits
for a list of a few hundred people: whatever the file declares, it costs at most what its size
allows. A cell longer than its column holds is refused before any other check of its row, so
nothing (the closest-unit suggestion least of all) compares a 32,000-character name.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts.services.people import account_create, clean_name, clean_phone, clean_username
from audit.services import audited
from core import journal, names, workbooks
from core.capabilities import require
from core.names import username_key
from core.workbooks import Limits, Source, WorkbookRefused, row_ref
from projects.models import ConfirmedUpload, Unit, User
from projects.previews import Pending, claimed
from projects.selectors import closest_units

SHEET = "填报员"
HEADERS = ["用户名", "姓名", "手机号", "所属单位"]
REQUIRED = ["用户名", "姓名", "所属单位"]
MAX_ROWS = 500
MAX_BYTES = 2 * 1024 * 1024
# A list of 500 people is about 20 KB; the template's second sheet names every unit.
LIMITS = Limits(
    max_bytes=MAX_BYTES, max_unzipped=20 * 1024 * 1024, max_strings=50_000, max_text=2_000_000
)
# The most characters each column's field holds.
LONGEST: dict[str, int] = {
    "用户名": User._meta.get_field("username").max_length or 0,
    "姓名": User._meta.get_field("first_name").max_length or 0,
    "手机号": User._meta.get_field("phone").max_length or 0,
    "所属单位": Unit._meta.get_field("name").max_length or 0,
}


@dataclass
class Reporter:
    row: int
    username: str
    name: str
    phone: str
    unit: Unit


@dataclass
class ReportersFile:
    sheet: str = SHEET
    reporters: list[Reporter] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Every person listed already has an account of that user name and 姓名: the list was
    # imported before (its problems still refuse it; the page says so instead of listing them).
    already_imported: int = 0


UNITS_SHEET = "责任单位名称"


def template_sheets() -> list[tuple[str, list[str], list[list[str]]]]:
    """The template: the headers, one example row naming a real unit, and a second sheet with
    every unit's exact name to copy from (the import reads the first sheet only)."""
    units = list(Unit.objects.values_list("name", flat=True))
    example = ["lijuan", "李娟", "13900000001", units[0] if units else ""]
    return [(SHEET, HEADERS, [example]), (UNITS_SHEET, ["责任单位"], [[name] for name in units])]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    return str(value).strip()


EMPTY = f"{SHEET}: 表中没有填报员（表头下方每行一人）"


def read_reporters(data: Source) -> ReportersFile:
    """Every row of the file's first sheet, checked; ``problems`` names each bad one.
    ``data``: the file's bytes, or the file (a path or an open file)."""
    try:
        with workbooks.opened(data, filename="填报员.xlsx", limits=LIMITS) as book:
            return _checked(book.sheets[0]) if book.sheets else ReportersFile(problems=[EMPTY])
    except WorkbookRefused as error:
        raise ValidationError(error.reason) from None


def _checked(sheet: workbooks.Sheet) -> ReportersFile:
    result = ReportersFile(sheet=sheet.title)
    header = [_text(cell) for cell in sheet.header()]
    missing = [name for name in HEADERS if name not in header]
    if missing:
        result.problems.append(
            f"{row_ref(sheet.title, 1)}: 表头: 缺少“{'”“'.join(missing)}”列（表头应为：{'、'.join(HEADERS)}）"
        )
        return result
    columns = {name: header.index(name) for name in HEADERS}
    # Names are kept as core.names.clean_name makes them: a cell with a zero-width space
    # or full-width letters names the same unit.
    units = {unit.name: unit for unit in Unit.objects.all()}
    seen: dict[str, int] = {}
    listed: dict[str, str] = {}  # user name as kept → 姓名 as kept, to tell a list imported before
    read = 0
    for number, cells in sheet.rows(max(columns.values()) + 1):
        values = {name: _text(cells[i]) for name, i in columns.items()}
        values["所属单位"] = names.clean_name(values["所属单位"])
        if not any(values.values()):
            continue
        read += 1
        listed[username_key(values["用户名"])] = names.clean_name(values["姓名"])
        if read > MAX_ROWS:
            result.problems.append(f"{row_ref(sheet.title, number)}: 一次最多导入{MAX_ROWS}人")
            break
        problems = _too_long(values) or _row_problems(values, units, seen, (sheet.title, number))
        result.problems += [f"{row_ref(sheet.title, number)}: {problem}" for problem in problems]
        if not problems:
            result.reporters.append(
                Reporter(number, username_key(values["用户名"]), names.clean_name(values["姓名"]),
                         values["手机号"], units[values["所属单位"]])
            )  # fmt: skip
    if not result.reporters and not result.problems:
        result.problems.append(f"{sheet.title}: 表中没有填报员（表头下方每行一人）")
    if not result.reporters and read == len(listed) and _all_have_accounts(listed):
        result.already_imported = read
    return result


def _all_have_accounts(listed: dict[str, str]) -> bool:
    """Whether each user name listed is an account's, of the same 姓名 (one query)."""
    accounts = dict(User.objects.filter(username__in=listed).values_list("username", "first_name"))
    return bool(listed) and accounts == listed


def _too_long(values: dict[str, str]) -> list[str]:
    """The cells longer than their column holds: the row is refused for them alone."""
    return [
        f"{name}: 内容过长，最多{LONGEST[name]}个字，实际{len(value)}个字"
        for name, value in values.items()
        if len(value) > LONGEST[name]
    ]


def _row_problems(
    values: dict[str, str], units: dict[str, Unit], seen: dict[str, int], row: tuple[str, int]
) -> list[str]:
    problems = [f"{name}: 不能为空" for name in REQUIRED if not values[name]]
    username = values["用户名"]
    if username:
        key = username_key(username)
        if key in seen:
            problems.append(f"用户名: “{username}”与{row_ref(row[0], seen[key])}重复")
        else:
            seen[key] = row[1]
            problems += _refused("用户名", clean_username, username)
    if values["姓名"]:
        problems += _refused("姓名", clean_name, values["姓名"])
    problems += _refused("手机号", clean_phone, values["手机号"])
    unit = values["所属单位"]
    if unit and unit not in units:
        close = closest_units(unit, units)
        hint = f"最接近的：{'、'.join(close)}" if close else "请核对名称，或先在“责任单位”页面新增"
        problems.append(f"所属单位: 没有名为“{unit}”的责任单位（{hint}）")
    return problems


def _refused(column: str, check: Callable[[str], str], value: str) -> list[str]:
    try:
        check(value)
    except ValidationError as error:
        # a message that names its column already (用户名“x”已被使用) is not prefixed a second time
        return [
            text if text.startswith(column) else f"{column}: {text}"
            for text in (message.rstrip("。") for message in error.messages)
        ]
    return []


# Serializes imports on PostgreSQL (the ledger's is 7_301_001).
IMPORT_LOCK_KEY = 7_301_002


def _one_import_at_a_time() -> None:
    """Wait, before checking the list, for another 导入填报员 under way to end: two lists naming
    the same people, confirmed at the same moment, would both pass their checks; the second is
    now checked against the first's accounts and names each taken row. (Each import locks the
    units of its people one by one: two lists of two units in the other order deadlocked, 500.)
    SQLite lets one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


@dataclass
class Imported:
    file: ReportersFile
    created: list[tuple[User, str]] = field(default_factory=list)  # account, initial password


Progress = Callable[..., None]  # jobs.services.Progress: progress(read=…, total=…, phase=…)
HandOver = Callable[[list[tuple[User, str]]], None]


def _unreported(**_: Any) -> None:
    return None


@audited("导入填报员")
@transaction.atomic
def reporters_import(
    *,
    user: User,
    data: Source | None = None,
    dry_run: bool,
    preview: Pending | None = None,
    progress: Progress | None = None,
    hand_over: HandOver | None = None,
) -> Imported:
    """Check the file; unless ``dry_run``, create every account (no role, the sheet's unit
    requested, a generated initial password) or, when any row is bad, none. ``data``: the file;
    or ``preview``, the preview being confirmed: claimed first and its file read only then
    (`projects.previews.claimed`), so a preview confirmed twice, even at the same moment,
    creates its accounts once, the second refused as imported already, and the accounts are
    those of the very file previewed. ``progress`` hears the accounts made one by one;
    ``hand_over`` gets the accounts and their initial passwords before the transaction ends
    (a job seals them there: if it fails, no account is made)."""
    require(user, "accounts.keep")
    report = progress or _unreported
    if preview is not None and not dry_run:
        data = claimed(preview, kind=ConfirmedUpload.Kind.REPORTERS, user=user, max_bytes=MAX_BYTES)
    if data is None:
        raise TypeError("reporters_import needs the file (data) or the preview it confirms")
    if not dry_run:
        _one_import_at_a_time()
    report(phase="检查名单")
    checked = read_reporters(data)
    result = Imported(checked)
    if checked.problems or dry_run:
        transaction.set_rollback(True)  # nothing written, the claim included
        said = f"发现{len(checked.problems)}处问题" if checked.problems else "预览"
        journal.note(f"{said}，未导入")
        return result
    report(total=len(checked.reporters), phase="建立账号")
    for number, reporter in enumerate(checked.reporters, 1):
        try:
            made = account_create(
                user=user, username=reporter.username, name=reporter.name,
                phone=reporter.phone, requested_unit=reporter.unit,
            )  # fmt: skip
        except ValidationError as error:
            # changed since the check (a user name made meanwhile, a unit merged away): the
            # row is named as the check names it, and nothing is made
            transaction.set_rollback(True)
            checked.problems += [
                f"{row_ref(checked.sheet, reporter.row)}: {message.rstrip('。')}"
                for message in error.messages
            ]
            result.created = []
            journal.note(f"发现{len(checked.problems)}处问题，未导入")
            return result
        result.created.append(made)
        report(read=number, written=number)
    if hand_over is not None:
        hand_over(result.created)
    journal.note("导入填报员：" + "、".join(account.username for account, _ in result.created))
    return result
