"""上报模板: the office's pages.

- 上报模板 (``upstream_list``): the templates kept, and the upload of a new one (a hostile or
  unreadable file is refused in one Chinese line, nothing kept);
- a template (``upstream_detail``): its header rows (the office confirms or changes the guess),
  what it covers and each column's source; 预览 shows the first rows of the period as mapped,
  from the form as typed, without saving; 保存 saves (as shown: nothing written); its 修改记录;
- 下载 (``upstream_download``): the template filled for the period asked (default: the one due);
  原文件 (``upstream_original``): the file as uploaded; 换用新版 (the page's ``replace``): a new
  version of the file, keeping the mapping of every header it still has (`template_replace`).
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms import BaseFormSet
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from core import filenames
from core.capabilities import requires
from core.errors import error_text, form_error_text
from core.formatting import wan
from core.http import AuthenticatedRequest
from core.params import whole_number
from core.xlsx import XLSX
from investment.forms import asked_period
from investment.rules.periods import Period
from investment.selectors.portfolio import report_completeness
from upstream.documents.filled import filled_template, mapped_rows
from upstream.forms import (
    ColumnForm,
    ColumnFormSet,
    LayoutForm,
    MappingForm,
    ReplaceForm,
    UploadForm,
)
from upstream.models import TemplateColumn, UpstreamTemplate
from upstream.rules.fields import BLANK, FIELD, SERIAL, Kind
from upstream.rules.headers import Layout
from upstream.rules.template_file import MAX_BYTES
from upstream.selectors import covered_plans, covered_rows, template_history
from upstream.services.mapping import (
    ColumnEntry,
    Replaced,
    Settings,
    mapping_save,
    template_delete,
    template_layout_save,
    template_replace,
    template_upload,
)

PREVIEW_ROWS = 10


def version_param(query: QueryDict) -> int | None:
    """The version a form showed (None when it is not a whole number: no check)."""
    return whole_number(query.get("version"))


@requires("upstream.keep", post="upstream.keep")
def upstream_list(request: AuthenticatedRequest) -> HttpResponse:
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if (upload.size or 0) > MAX_BYTES:
                    raise ValidationError(_too_big(upload.name or ""))
                template = template_upload(
                    title=form.cleaned_data["title"],
                    issuer=form.cleaned_data["issuer"],
                    filename=upload.name or "模板.xlsx",
                    data=upload.read(),
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(
                    request, f"已上传“{template}”。请核对表头行和每一列对应的内容，预览无误后保存。"
                )
                return redirect("upstream_detail", pk=template.pk)
    templates = (
        UpstreamTemplate.objects.select_related("unit")
        .annotate(
            column_count=Count("columns"),
            mapped=Count("columns", filter=~Q(columns__source=BLANK)),
        )
        .order_by("title")
    )
    due = Period.due_on(timezone.localdate())
    return render(request, "upstream/list.html", {"form": form, "templates": templates, "due": due})


def _too_big(name: str) -> str:
    return (
        f"“{name}”超过{MAX_BYTES // (1024 * 1024)} MB。"
        "上报模板只需表头和格式行，请删除多余内容后再上传。"
    )


def _say_replaced(request: AuthenticatedRequest, replaced: Replaced, name: str) -> None:
    """What the new version kept, dropped and added, in the page's message."""
    if replaced.same:
        messages.info(request, f"“{name}”与当前使用的模板文件相同，未替换，对应关系不变。")
        return
    parts = [f"已换用新版模板“{name}”：{replaced.kept}列按相同表头保留了原来的对应关系。"]
    if replaced.dropped:
        parts.append(f"新模板中已没有以下表头，其对应关系已取消：{'；'.join(replaced.dropped)}。")
    if replaced.added:
        parts.append(f"新增的列已按表头推测对应内容，请核对：{'；'.join(replaced.added)}。")
    parts.append("请核对表头行和预览后再下载。")
    if replaced.dropped:
        messages.warning(request, "".join(parts))
    else:
        messages.success(request, "".join(parts))


def _column_forms(
    template: UpstreamTemplate, columns: list[TemplateColumn]
) -> BaseFormSet[ColumnForm]:
    return ColumnFormSet(
        initial=[
            {"number": c.number, "version": c.version, "source": c.source, "text": c.text}
            for c in columns
        ],
        prefix="col",
    )


def _mapping_form(template: UpstreamTemplate) -> MappingForm:
    return MappingForm(
        initial={
            "title": template.title,
            "issuer": template.issuer,
            "level": template.level,
            "unit": template.unit_id,
            "version": template.version,
        }
    )


def _layout_form(template: UpstreamTemplate) -> LayoutForm:
    return LayoutForm(
        initial={
            "header_first": template.header_first,
            "header_last": template.header_last,
            "data_start": template.data_start,
            "version": template.version,
        }
    )


@requires("upstream.keep", post="upstream.keep")
def upstream_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(UpstreamTemplate.objects.select_related("unit"), pk=pk)
    period_form, period = asked_period(request)
    columns = list(template.columns.order_by("number"))
    mapping, column_forms, layout = (
        _mapping_form(template),
        _column_forms(template, columns),
        _layout_form(template),
    )
    errors: list[str] = []
    previewed = False
    here = (
        f"{reverse('upstream_detail', args=[template.pk])}?year={period.year}&month={period.month}"
    )
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "delete":
        try:
            title = template_delete(
                template=template,
                expected_version=version_param(request.POST),
                user=request.user,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"已删除上报模板“{title}”。")
            return redirect("upstream_list")
    replace = ReplaceForm(initial={"version": template.version})
    if request.method == "POST" and action == "replace":
        replace = ReplaceForm(request.POST, request.FILES)
        if replace.is_valid():
            upload = replace.cleaned_data["file"]
            try:
                if (upload.size or 0) > MAX_BYTES:
                    raise ValidationError(_too_big(upload.name or ""))
                replaced = template_replace(
                    template=template,
                    expected_version=replace.cleaned_data["version"],
                    filename=upload.name or "模板.xlsx",
                    data=upload.read(),
                    user=request.user,
                )
            except ValidationError as error:
                errors = [error_text(error)]
            else:
                _say_replaced(request, replaced, upload.name or "")
                return redirect(here)
        else:
            errors = [form_error_text(replace)]
    if request.method == "POST" and action == "layout":
        layout = LayoutForm(request.POST)
        if layout.is_valid():
            data = layout.cleaned_data
            try:
                changed = template_layout_save(
                    template=template,
                    expected_version=data["version"],
                    layout=Layout(data["header_first"], data["header_last"], data["data_start"]),
                    user=request.user,
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    "表头行已保存，各列已按新的表头重新读取，请核对对应内容。"
                    if changed
                    else "表头行没有改动，未保存新版本。",
                )
                return redirect(here)
        else:
            errors = [form_error_text(layout)]
    elif request.method == "POST" and action in ("preview", "save"):
        mapping = MappingForm(request.POST)
        column_forms = ColumnFormSet(request.POST, prefix="col")
        if not (mapping.is_valid() and column_forms.is_valid()):
            errors = [form_error_text(mapping)] if mapping.errors else []
            errors += [form_error_text(f) for f in column_forms if f.errors]
            errors += [str(e) for e in column_forms.non_form_errors()]
        elif action == "preview":
            previewed = True
        else:
            try:
                changed_rows = mapping_save(
                    template=template,
                    expected_version=mapping.cleaned_data["version"],
                    settings=Settings(
                        title=mapping.cleaned_data["title"],
                        issuer=mapping.cleaned_data["issuer"],
                        level=mapping.cleaned_data["level"],
                        unit=mapping.cleaned_data["unit"],
                    ),
                    columns=[
                        ColumnEntry(
                            number=f.cleaned_data["number"],
                            source=f.cleaned_data["source"],
                            text=f.cleaned_data["text"],
                            expected_version=f.cleaned_data["version"],
                        )
                        for f in column_forms
                    ],
                    user=request.user,
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    f"“{mapping.cleaned_data['title']}”的对应关系已保存。"
                    if changed_rows
                    else "对应关系没有改动，未保存新版本。",
                )
                return redirect(here)
    shown = (
        _as_typed(template, columns, mapping, column_forms) if previewed else (template, columns)
    )
    preview = _preview(*shown, period)
    lines: list[tuple[ColumnForm, TemplateColumn]] = list(zip(column_forms, columns, strict=False))
    return render(
        request,
        "upstream/detail.html",
        {
            "template": template,
            "period_form": period_form,
            "period": period,
            "mapping": mapping,
            "column_forms": column_forms,
            "lines": lines,
            "layout": layout,
            "replace": replace,
            "errors": errors,
            "previewed": previewed,
            "preview": preview,
            "history": template_history(template),
            "completeness": report_completeness(period, plans=covered_plans(template)),
        },
    )


def _as_typed(
    template: UpstreamTemplate,
    columns: list[TemplateColumn],
    mapping: MappingForm,
    column_forms: BaseFormSet[ColumnForm],
) -> tuple[UpstreamTemplate, list[TemplateColumn]]:
    """The template and columns as the form has them, unsaved: what 预览 shows."""
    typed = copy(template)
    typed.level = mapping.cleaned_data["level"]
    typed.unit = mapping.cleaned_data["unit"]
    sources = {f.cleaned_data["number"]: f.cleaned_data for f in column_forms}
    shown = []
    for column in columns:
        column = copy(column)
        if column.number in sources:
            column.source = sources[column.number]["source"]
            column.text = sources[column.number]["text"]
        shown.append(column)
    return typed, shown


@dataclass(frozen=True)
class Shown:
    """A preview cell: the value as the downloaded file shows it, and whether it is a number
    (right-aligned, as a spreadsheet aligns them)."""

    text: str
    number: bool


NUMBER_KINDS = (Kind.AMOUNT, Kind.RATE)


def _preview(
    template: UpstreamTemplate, columns: list[TemplateColumn], period: Period
) -> dict[str, object]:
    rows = mapped_rows(columns, covered_rows(template, period, limit=PREVIEW_ROWS), period)
    numbers = [_is_number(column.source) for column in columns]
    return {
        "headers": [
            Shown(f"{c.letter} {c.header}", number)
            for c, number in zip(columns, numbers, strict=True)
        ],
        "rows": [
            [Shown(_shown(value), number) for value, number in zip(row, numbers, strict=True)]
            for row in rows
        ],
        "covers": template.covers,
    }


def _is_number(source: str) -> bool:
    field = FIELD.get(source)
    return source == SERIAL or (field is not None and field.kind in NUMBER_KINDS)


def _shown(value: object) -> str:
    """A cell as the downloaded file shows it: an amount as 1,234.50 (`core.formatting.wan`, the
    file's #,##0.00##), a rate to 2 places (the file's 0.00), a date as 2026-03-05."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return wan(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@requires("upstream.keep")
def upstream_original(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The template's file as uploaded (its latest version), under its own name."""
    template = get_object_or_404(UpstreamTemplate, pk=pk)
    with template.file.open("rb") as stored:
        data = stored.read()
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, template.name)
    return response


@requires("upstream.keep")
def upstream_download(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(UpstreamTemplate, pk=pk)
    _, period = asked_period(request)  # a month that cannot be read: the one that is due
    try:
        data = filled_template(template, period)
    except ValidationError as error:
        if not UpstreamTemplate.objects.filter(pk=template.pk).exists():  # deleted meanwhile
            messages.error(request, f"上报模板“{template.title}”已被删除。")
            return redirect("upstream_list")
        messages.error(request, error_text(error))
        return redirect("upstream_detail", pk=template.pk)
    response = HttpResponse(data, content_type=XLSX)
    name = filenames.upstream(title=template.title, year=period.year, month=period.month)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
