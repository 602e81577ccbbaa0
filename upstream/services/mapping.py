"""The office's writes on a template: upload it, set its header rows, map its columns.

Each is one audited action, atomic, asking `upstream.keep`, saving through `core.versioning`:
a form saved as shown writes nothing, a form older than the row is refused naming what changed.
A hostile or unreadable file is refused by `upstream.rules.template_file` before anything is kept.
"""

import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from audit.services import audited
from core.capabilities import require
from core.versioning import delete_recorded, locked_current, save_changes, save_recorded
from core.xlsx import XLSX
from projects.models import Level, Unit, User
from upstream.models import UPLOADED, TemplateColumn, UpstreamTemplate
from upstream.rules.fields import BLANK, SOURCE_CHOICES, TEXT, guess_source, plain
from upstream.rules.headers import Grid, Layout, column_titles, guess_layout, layout_problem
from upstream.rules.template_file import TemplateRefused, read_template
from upstream.selectors import template_bytes

SOURCES = dict(SOURCE_CHOICES)
TITLE_LENGTH = UpstreamTemplate._meta.get_field("title").max_length or 100
TEXT_LENGTH = TemplateColumn._meta.get_field("text").max_length or 200
HEADER_LENGTH = TemplateColumn._meta.get_field("header").max_length or 300


def _title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValidationError("请填写模板名称（如：市重点项目进展表）。")
    if len(title) > TITLE_LENGTH:
        raise ValidationError(f"模板名称最多{TITLE_LENGTH}个字。")
    return title


def _clash(title: str) -> str:
    return f"已有名为“{title}”的上报模板，请换一个名称。"


def _grid(data: bytes, filename: str) -> tuple[str, Grid]:
    try:
        template = read_template(data, filename=filename)
    except TemplateRefused as refused:
        raise ValidationError(f"“{filename}”不能作为上报模板：{refused.reason}") from None
    return template.sheet, template.grid


@audited("上传上报模板")
@transaction.atomic
def template_upload(
    *, title: str, issuer: str, filename: str, data: bytes, user: User
) -> UpstreamTemplate:
    """Keep the file as a new template, its header block guessed and each column's source
    guessed from its header (序号, or the field its words name), for the office to confirm."""
    require(user, "upstream.keep")
    title = _title(title)
    filename = PurePath(filename.replace("\\", "/")).name[-120:] or "模板.xlsx"
    if UpstreamTemplate.objects.filter(title=title).exists():
        raise ValidationError(_clash(title))
    sheet, grid = _grid(data, filename)
    layout = guess_layout(grid)
    columns = column_titles(grid, layout)
    if not columns:
        raise ValidationError(f"“{filename}”中找不到表头，请确认第一个工作表就是要填报的表。")
    template = UpstreamTemplate(
        title=title,
        issuer=" ".join(issuer.split())[:100],
        name=filename,
        size=len(data),
        content_type=XLSX,
        sheet=sheet,
        header_first=layout.header_first,
        header_last=layout.header_last,
        data_start=layout.data_start,
    )
    stored = f"{uuid.uuid4().hex}.xlsx"
    template.file.save(stored, ContentFile(data), save=False)
    try:
        save_recorded(template, user=user, clash=_clash(title))
        for column in columns:
            save_recorded(
                TemplateColumn(
                    template=template,
                    number=column.number,
                    letter=column.letter,
                    header=column.title[:HEADER_LENGTH],
                    source=guess_source(column.title),
                ),
                user=user,
                reason=UPLOADED,
            )
    except BaseException:  # refused (the same title saved meanwhile): its file goes with it
        template.file.storage.delete(template.file.name or stored)
        raise
    return template


def stored_grid(template: UpstreamTemplate) -> Grid:
    """The kept file's first sheet, read again (it passed the checks when it was uploaded)."""
    return _grid(template_bytes(template), template.name)[1]


@audited("修改上报模板表头行")
@transaction.atomic
def template_layout_save(
    *, template: UpstreamTemplate, expected_version: int | None, layout: Layout, user: User
) -> list[str]:
    """Set the header rows and the data's first row; the columns are read again from the kept
    file under them: a column keeps its mapping, a new one is guessed, one no longer there goes."""
    require(user, "upstream.keep")
    current = locked_current(template, expected_version, label=f"上报模板“{template}”")
    grid = stored_grid(current)
    problem = layout_problem(layout, rows=grid.max_row)
    if problem:
        raise ValidationError(problem)
    changed = save_changes(
        current,
        {
            "header_first": layout.header_first,
            "header_last": layout.header_last,
            "data_start": layout.data_start,
        },
        user=user,
    )
    if not changed:
        return []
    titles = {column.number: column for column in column_titles(grid, layout)}
    if not titles:
        raise ValidationError("这几行中没有表头文字，请核对表头行。")
    kept = {column.number: column for column in current.columns.select_for_update()}
    for number, column in titles.items():
        header = column.title[:HEADER_LENGTH]
        if number in kept:
            save_changes(kept[number], {"header": header, "letter": column.letter}, user=user)
        else:
            save_recorded(
                TemplateColumn(
                    template=current,
                    number=number,
                    letter=column.letter,
                    header=header,
                    source=guess_source(column.title),
                ),
                user=user,
            )
    for number, row in kept.items():
        if number not in titles:
            delete_recorded(row, user=user)
    return changed


@dataclass(frozen=True)
class Replaced:
    """What a new version of a template did to the mapping: how many columns kept theirs (same
    header), the mappings dropped (their header is gone: "C列“建设内容及规模”（建设内容）") and the
    new columns (their source guessed). ``same``: the file was the one kept, nothing written."""

    kept: int
    dropped: list[str]
    added: list[str]
    same: bool = False


@audited("换用新版上报模板")
@transaction.atomic
def template_replace(
    *, template: UpstreamTemplate, expected_version: int | None, filename: str, data: bytes,
    user: User,
) -> Replaced:  # fmt: skip
    """Keep ``data`` as the template's file from now on (a new version from the upstream body),
    its header rows guessed again; each column whose header (as `upstream.rules.fields.plain`
    reads it) the old file had keeps that column's mapping, wherever it now stands; a new header
    is guessed; a mapping whose header is gone is dropped and named. The old file goes once saved;
    its history stays. The same file again writes nothing."""
    require(user, "upstream.keep")
    current = locked_current(template, expected_version, label=f"上报模板“{template}”")
    filename = PurePath(filename.replace("\\", "/")).name[-120:] or "模板.xlsx"
    sheet, grid = _grid(data, filename)
    with current.file.open("rb") as kept_file:
        if kept_file.read() == data:
            return Replaced(kept=current.columns.count(), dropped=[], added=[], same=True)
    layout = guess_layout(grid)
    titles = column_titles(grid, layout)
    if not titles:
        raise ValidationError(f"“{filename}”中找不到表头，请确认第一个工作表就是要填报的表。")
    old = list(current.columns.select_for_update().order_by("number"))
    by_header: dict[str, list[TemplateColumn]] = {}
    for column in old:
        by_header.setdefault(plain(column.header), []).append(column)
    mapped: dict[int, tuple[str, str]] = {}  # new column number → (source, text) carried over
    added: list[str] = []
    for title in titles:
        same = by_header.get(plain(title.title[:HEADER_LENGTH]))
        if same:
            before = same.pop(0)
            mapped[title.number] = (before.source, before.text)
        else:
            added.append(f"{title.letter}列“{title.title}”")
    dropped = [
        f"{column.letter}列“{column.header or '无表头'}”（{SOURCES.get(column.source, '')}）"
        for left in by_header.values()
        for column in left
        if column.source != BLANK
    ]
    storage, before_name = current.file.storage, current.file.name or ""
    stored = storage.save(f"upstream-templates/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    try:
        save_changes(
            current,
            {
                "name": filename, "size": len(data), "sheet": sheet, "file": stored,
                "header_first": layout.header_first, "header_last": layout.header_last,
                "data_start": layout.data_start,
            },
            user=user,
        )  # fmt: skip
        rows = {column.number: column for column in old}
        for title in titles:
            source, text = mapped.get(title.number, (guess_source(title.title), ""))
            values = {"letter": title.letter, "header": title.title[:HEADER_LENGTH],
                      "source": source, "text": text}  # fmt: skip
            if title.number in rows:
                save_changes(rows.pop(title.number), values, user=user)
            else:
                column = TemplateColumn(template=current, number=title.number, **values)
                save_recorded(column, user=user)
        for row in rows.values():  # columns past the new file's last one
            delete_recorded(row, user=user)
    except BaseException:  # refused: the new file goes, the old one stays
        storage.delete(stored)
        raise
    if before_name:  # the old file goes once the new one is saved for good
        transaction.on_commit(lambda: storage.delete(before_name))
    kept = len(titles) - len(added)
    return Replaced(kept=kept, dropped=dropped, added=added)


@dataclass(frozen=True)
class ColumnEntry:
    """A column as the office maps it; ``expected_version`` is the version the form showed."""

    number: int
    source: str
    text: str
    expected_version: int | None = None


@dataclass(frozen=True)
class Settings:
    title: str
    issuer: str
    level: str
    unit: Unit | None


@audited("修改上报模板对应关系")
@transaction.atomic
def mapping_save(
    *,
    template: UpstreamTemplate,
    expected_version: int | None,
    settings: Settings,
    columns: list[ColumnEntry],
    user: User,
) -> int:
    """Save the template's name, what it covers and each column's source; how many rows changed
    (0: saved as shown, nothing written)."""
    require(user, "upstream.keep")
    current = locked_current(template, expected_version, label=f"上报模板“{template}”")
    title = _title(settings.title)
    if settings.level and settings.level not in Level.values:
        raise ValidationError("项目级别应为省重点、市重点或县重点。")
    values = {
        "title": title,
        "issuer": " ".join(settings.issuer.split())[:100],
        "level": settings.level,
        "unit": settings.unit,
    }
    changed = 1 if save_changes(current, values, user=user, clash=_clash(title)) else 0
    rows = {column.number: column for column in current.columns.all()}
    problems = []
    for entry in columns:
        row = rows.get(entry.number)
        if row is None:
            raise ValidationError("模板的列已被他人修改，请刷新页面后重新填写。", code="stale")
        label = f"{row.letter}列（{row.header or '无表头'}）"
        if entry.source not in SOURCES:
            problems.append(f"{label}：请选择对应内容。")
            continue
        text = entry.text.strip() if entry.source == TEXT else ""
        if entry.source == TEXT and not text:
            problems.append(f"{label}：选择“固定文字”时请填写文字。")
            continue
        if len(text) > TEXT_LENGTH:
            problems.append(f"{label}：固定文字最多{TEXT_LENGTH}个字。")
            continue
        row = locked_current(row, entry.expected_version, label=f"上报模板{label}")
        if save_changes(row, {"source": entry.source, "text": text}, user=user):
            changed += 1
    if problems:
        raise ValidationError(problems)
    return changed


@audited("删除上报模板")
@transaction.atomic
def template_delete(*, template: UpstreamTemplate, expected_version: int | None, user: User) -> str:
    """Delete the template, its columns and its file (their history stays); its title."""
    require(user, "upstream.keep")
    current = locked_current(template, expected_version, label=f"上报模板“{template}”")
    for column in current.columns.select_for_update():
        delete_recorded(column, user=user)
    stored, title = current.file.name or "", current.title
    delete_recorded(current, user=user)
    if stored:  # the file goes once the rows are gone for good
        transaction.on_commit(lambda: current.file.storage.delete(stored))
    return title
