"""The office maps a template's columns once, and changes it as a template's form changes: saved
as shown nothing is written, a form older than the template is refused naming what changed, a
fixed text needs its text, new header rows re-read the columns keeping their mapping; only the
office may do any of it; the pages never answer a bad file or form with a server error."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from projects.models import Unit
from projects.services.units import unit_merge
from tests import bombs
from upstream.models import TemplateColumn, UpstreamTemplate
from upstream.rules.headers import Layout
from upstream.services.demo import CITY_COLUMNS, _table, city_template
from upstream.services.mapping import (
    ColumnEntry,
    Settings,
    mapping_save,
    template_layout_save,
    template_replace,
    template_upload,
)


def a_template(user) -> UpstreamTemplate:
    return template_upload(
        title="市重点项目进展表",
        issuer="市发改委",
        filename="市表.xlsx",
        data=city_template(),
        user=user,
    )


def as_shown(template: UpstreamTemplate, **changes: str) -> list[ColumnEntry]:
    """The columns as the page shows them, with ``changes`` ({letter: source}) made."""
    return [
        ColumnEntry(c.number, changes.get(c.letter, c.source), c.text, c.version)
        for c in template.columns.order_by("number")
    ]


def settings_of(template: UpstreamTemplate, **changes) -> Settings:
    values = {"title": template.title, "issuer": template.issuer, "level": template.level,
              "unit": template.unit} | changes  # fmt: skip
    return Settings(**values)


def history_rows() -> int:
    return UpstreamTemplate.history.count() + TemplateColumn.history.count()


def test_a_mapping_saved_as_shown_writes_nothing(cast):
    template = a_template(cast.officer)
    before = history_rows()

    changed = mapping_save(
        template=template,
        expected_version=template.version,
        settings=settings_of(template),
        columns=as_shown(template),
        user=cast.officer,
    )

    assert changed == 0
    assert history_rows() == before


def test_a_change_is_saved_once_with_its_history(cast):
    template = a_template(cast.officer)

    changed = mapping_save(
        template=template,
        expected_version=template.version,
        settings=settings_of(template, level="municipal"),
        columns=as_shown(template, N="serial"),
        user=cast.officer,
    )

    template.refresh_from_db()
    assert changed == 2
    assert (template.level, template.columns.get(letter="N").source) == ("municipal", "serial")
    assert template.columns.get(letter="N").history.count() == 2  # made, then mapped


def test_a_form_older_than_the_template_is_refused_naming_the_change(cast):
    template = a_template(cast.officer)
    shown = as_shown(template, N="serial")
    mapping_save(
        template=template,
        expected_version=template.version,
        settings=settings_of(template),
        columns=as_shown(template, N="leader"),
        user=cast.second_officer,
    )

    with pytest.raises(ValidationError) as refusal:
        mapping_save(
            template=template,
            expected_version=template.version,
            settings=settings_of(template),
            columns=shown,
            user=cast.officer,
        )

    assert refusal.value.error_list[0].code == "stale"
    assert "对应内容：留空 → 包抓领导" in refusal.value.messages[0]
    assert template.columns.get(letter="N").source == "leader"


def test_a_fixed_text_needs_its_text_and_nothing_is_saved_without_it(cast):
    template = a_template(cast.officer)

    with pytest.raises(ValidationError) as refusal:
        mapping_save(
            template=template,
            expected_version=template.version,
            settings=settings_of(template),
            columns=as_shown(template, B="serial", N="text"),
            user=cast.officer,
        )

    assert refusal.value.messages == ["N列（备注）：选择“固定文字”时请填写文字。"]
    assert template.columns.get(letter="B").source == "name"  # B's change rolled back too


def test_new_header_rows_re_read_the_columns_keeping_their_mapping(cast):
    template = a_template(cast.officer)

    template_layout_save(
        template=template,
        expected_version=template.version,
        layout=Layout(3, 3, 5),
        user=cast.officer,
    )

    columns = {c.letter: (c.header, c.source) for c in template.columns.all()}
    assert columns["G"] == ("投资完成情况", "month")  # the sub-headers' row is no header now
    assert columns["B"] == ("项目名称", "name")
    with pytest.raises(ValidationError, match="数据起始行应在表头结束行之后"):
        template_layout_save(
            template=template, expected_version=None, layout=Layout(3, 4, 4), user=cast.officer
        )


def test_only_the_office_keeps_templates(cast):
    with pytest.raises(PermissionDenied):
        a_template(cast.reporter)
    template = a_template(cast.officer)
    with pytest.raises(PermissionDenied):
        mapping_save(
            template=template,
            expected_version=template.version,
            settings=settings_of(template),
            columns=as_shown(template),
            user=cast.leader,
        )


def test_the_upload_page_refuses_a_file_that_is_no_template_in_one_line(client, cast):
    client.force_login(cast.officer)
    with open(__file__, "rb") as not_a_workbook:
        response = client.post(reverse("upstream_list"), {"title": "市表", "file": not_a_workbook})

    assert response.status_code == 200
    assert "不能作为上报模板：上报模板应为Excel工作簿（.xlsx）" in response.content.decode()
    assert not UpstreamTemplate.objects.exists()


def test_an_uploaded_template_opens_with_its_columns_guessed_and_its_preview(client, cast):
    client.force_login(cast.officer)
    upload = BytesIO(city_template())
    upload.name = "市表.xlsx"
    response = client.post(
        reverse("upstream_list"), {"title": "市表", "issuer": "市发改委", "file": upload}
    )
    template = UpstreamTemplate.objects.get()
    assert response["Location"] == reverse("upstream_detail", args=[template.pk])

    page = client.get(response["Location"]).content.decode()

    assert "投资完成情况/1-本月累计完成" in page and "预览" in page
    assert 'value="cumulative" selected' in page


def test_a_bad_mapping_form_comes_back_with_its_errors_and_saves_nothing(client, cast):
    template = a_template(cast.officer)
    client.force_login(cast.officer)
    data = {"action": "save", "title": "", "version": template.version, "col-TOTAL_FORMS": 1,
            "col-INITIAL_FORMS": 1, "col-0-number": 1, "col-0-source": "nonsense"}  # fmt: skip

    response = client.post(reverse("upstream_detail", args=[template.pk]), data)

    assert response.status_code == 200
    assert "未保存" in response.content.decode()
    assert template.columns.get(number=1).source == "serial"


def test_the_auditors_data_history_lists_templates_and_their_columns(client, cast):
    template = a_template(cast.officer)
    mapping_save(
        template=template,
        expected_version=template.version,
        settings=settings_of(template),
        columns=as_shown(template, N="serial"),
        user=cast.officer,
    )
    client.force_login(cast.auditor)

    columns = client.get(reverse("data_history"), {"table": "upstream_column"}).content.decode()
    templates = client.get(reverse("data_history"), {"table": "upstream_template"}).content.decode()

    assert "市重点项目进展表 · N列（备注）" in columns
    assert "对应内容：留空 → 序号（行号）" in columns
    assert "市重点项目进展表" in templates and "上报模板列" in templates


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (bombs.many_strings(bombs.workbook("表", [["项目名称", "本月"]]), 2_000_000), "解压后超过"),
        (
            bombs.row_numbered(bombs.workbook("表", [["项目名称"], ["甲"]]), 100_000_000),
            "1048576行",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 512, "旧版 Excel 97-2003"),
    ],
)
def test_a_hostile_upload_is_one_chinese_line_on_the_page_never_a_server_error(
    client, cast, data, reason
):
    client.force_login(cast.officer)
    upload = BytesIO(data)
    upload.name = "市表.xlsx"

    response = client.post(reverse("upstream_list"), {"title": "市表", "file": upload})

    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not UpstreamTemplate.objects.exists()


def test_the_office_deletes_a_template_it_no_longer_needs(
    client, cast, django_capture_on_commit_callbacks
):
    template = a_template(cast.officer)
    stored = template.file.name
    client.force_login(cast.officer)
    page = reverse("upstream_detail", args=[template.pk])

    stale = client.post(page, {"action": "delete", "version": template.version + 1})
    assert "已被" in stale.content.decode() and UpstreamTemplate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"action": "delete", "version": template.version})

    assert response["Location"] == reverse("upstream_list")
    assert not UpstreamTemplate.objects.exists() and not TemplateColumn.objects.exists()
    assert not default_storage.exists(stored)
    assert TemplateColumn.history.filter(history_type="-").count() == 14  # the history stays


def test_a_template_for_a_unit_merged_away_follows_it(cast):
    typo = Unit.objects.create(name="县住健局")
    template = a_template(cast.officer)
    mapping_save(
        template=template,
        expected_version=template.version,
        settings=settings_of(template, unit=typo),
        columns=as_shown(template),
        user=cast.officer,
    )

    unit_merge(source=typo, target=cast.housing, user=cast.officer)

    template.refresh_from_db()
    assert template.unit == cast.housing
    assert template.covers == "县住建局"


# --- a new version of a template, and the file as uploaded --------------------------------------


def new_city_version() -> bytes:
    """The city's 2027 form: 建设内容及规模 gone, 开工时间 moved to after 备注, a 联系电话 column
    added at the end (the rest as before, from B on one column to the left)."""
    columns = [c for c in CITY_COLUMNS if c[0] not in ("建设内容及规模", "开工时间")]
    columns.append(next(c for c in CITY_COLUMNS if c[0] == "开工时间"))
    columns.append(("联系电话", None, 14, "blank", ""))
    return _table(
        "××市重点项目建设进展情况表（2027版）", ("填报单位（盖章）：", "单位：万元"), columns
    )


def sources(template: UpstreamTemplate) -> dict[str, tuple[str, str]]:
    return {c.header: (c.source, c.letter) for c in template.columns.order_by("number")}


def test_a_new_version_keeps_the_mapping_of_every_header_it_still_has(cast):
    template = a_template(cast.officer)
    row = template.columns.get(letter="N")  # 备注 → a fixed text the office typed
    mapping_save(
        template=template,
        expected_version=template.version,
        settings=settings_of(template),
        columns=[
            ColumnEntry(c.number, "text" if c.pk == row.pk else c.source,
                        "已核" if c.pk == row.pk else c.text, c.version)
            for c in template.columns.order_by("number")
        ],
        user=cast.officer,
    )  # fmt: skip
    template.refresh_from_db()
    before = sources(template)
    new_version = new_city_version()

    replaced = template_replace(
        template=template, expected_version=template.version, filename="市表2027.xlsx",
        data=new_version, user=cast.officer,
    )  # fmt: skip

    template.refresh_from_db()
    after = sources(template)
    assert replaced.dropped == ["C列“建设内容及规模”（建设内容）"]
    assert replaced.added == ["N列“联系电话”"]
    assert replaced.kept == 13 and not replaced.same
    assert after["开工时间"] == ("actual_start", "M")  # moved from J, its mapping kept
    assert after["形象进度"] == ("progress", "I")  # from K
    assert template.columns.get(header="备注").text == "已核"  # a fixed text kept
    assert after["联系电话"][0] == "blank" and "建设内容及规模" not in after
    assert {h: s for h, (s, _) in before.items() if h in after} == {
        h: s for h, (s, _) in after.items() if h in before
    }
    assert template.name == "市表2027.xlsx"
    with template.file.open("rb") as stored:
        assert stored.read() == new_version


def test_the_same_file_again_changes_nothing(cast):
    template = a_template(cast.officer)
    with template.file.open("rb") as stored:
        same = stored.read()
    before = history_rows()

    replaced = template_replace(
        template=template, expected_version=template.version, filename="市表.xlsx",
        data=same, user=cast.officer,
    )  # fmt: skip

    assert replaced.same and history_rows() == before


def test_a_file_that_is_no_template_is_refused_and_the_old_one_kept(cast):
    template = a_template(cast.officer)
    before = sources(template)

    with pytest.raises(ValidationError, match="不能作为上报模板"):
        template_replace(
            template=template, expected_version=template.version, filename="坏.xlsx",
            data=b"not a workbook", user=cast.officer,
        )  # fmt: skip

    template.refresh_from_db()
    assert sources(template) == before and template.name == "市表.xlsx"


def test_the_page_takes_a_new_version_and_says_what_was_dropped(client, cast):
    template = a_template(cast.officer)
    client.force_login(cast.officer)
    upload = BytesIO(new_city_version())
    upload.name = "市表2027.xlsx"

    response = client.post(
        reverse("upstream_detail", args=[template.pk]),
        {"action": "replace", "version": template.version, "file": upload},
        follow=True,
    )

    page = response.content.decode()
    assert "已换用新版模板“市表2027.xlsx”：13列按相同表头保留了原来的对应关系。" in page
    assert "新模板中已没有以下表头，其对应关系已取消：C列“建设内容及规模”（建设内容）。" in page
    assert "新增的列已按表头推测对应内容，请核对：N列“联系电话”。" in page


def test_the_original_file_downloads_as_uploaded(client, cast):
    uploaded = city_template()
    template = template_upload(
        title="市重点项目进展表", issuer="", filename="市表.xlsx", data=uploaded, user=cast.officer
    )
    client.force_login(cast.officer)

    response = client.get(reverse("upstream_original", args=[template.pk]))

    assert response.content == uploaded
    assert "filename*=utf-8''%E5%B8%82%E8%A1%A8.xlsx" in response["Content-Disposition"]
    page = client.get(reverse("upstream_detail", args=[template.pk])).content.decode()
    assert (
        f'href="{reverse("upstream_original", args=[template.pk])}" id="original">市表.xlsx' in page
    )
    listing = client.get(reverse("upstream_list")).content.decode()  # the list links it too
    assert (
        f'href="{reverse("upstream_original", args=[template.pk])}" title="下载上传时的原文件">市表.xlsx'
        in listing
    )
