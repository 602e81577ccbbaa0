"""招商引资's pages: the list with its filters and Excel export (a unit's reporter sees their
own unit's records only), the form (bad input said in Chinese, nothing written), and the list's
queries, which do not grow with its rows."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Project
from promotion.models import Activity
from tests.promotion.helpers import reception, visit
from tests.workbooks import a_small_county, code

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(cast):
    a_small_county()
    plant = Project.objects.get(code=code(1))
    visit(cast.officer, cast.housing, date(2026, 3, 2), led_by="leader", leader="王县长",
          counterpart="华秦新材料科技有限公司", projects=[plant], place="西安")  # fmt: skip
    reception(cast.officer, cast.township, date(2026, 4, 9), batches=2, people=18,
              counterpart="陕商联合会考察团")  # fmt: skip
    return plant


def test_the_office_filters_the_list_by_dates_kind_and_unit(client, cast, county):
    client.force_login(cast.officer)
    url = reverse("activity_list")

    everything = client.get(url).content.decode()
    march = client.get(url, {"since": "2026-03-01", "until": "2026-03-31"}).content.decode()
    receptions = client.get(url, {"kind": "reception"}).content.decode()
    township = client.get(url, {"unit": cast.township.pk}).content.decode()

    assert "华秦新材料科技有限公司" in everything and "陕商联合会考察团" in everything
    assert "华秦新材料科技有限公司" in march and "陕商联合会考察团" not in march
    assert "华秦新材料科技有限公司" not in receptions
    assert "陕商联合会考察团" in township and "华秦新材料科技有限公司" not in township


def test_a_reporter_sees_their_own_units_records_and_not_anothers(client, cast, county):
    client.force_login(cast.reporter)
    other = Activity.objects.get(unit=cast.township)

    page = client.get(reverse("activity_list")).content.decode()

    assert "华秦新材料科技有限公司" in page and "陕商联合会考察团" not in page
    assert client.get(reverse("activity_detail", args=[other.pk])).status_code == 404


def test_the_export_writes_the_filtered_rows_with_their_signed_projects(client, cast, county):
    client.force_login(cast.officer)

    response = client.get(reverse("activity_list"), {"kind": "visit", "format": "xlsx"})

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("日期", "类型", "牵头", "带队领导", "单位", "客商/企业")
    assert rows[1][1:6] == ("外出招商", "县级领导", "王县长", "县住建局", "华秦新材料科技有限公司")
    assert rows[1][-2:] == (code(1), "城关污水处理厂")
    assert len(rows) == 2


def test_a_bad_form_says_what_is_wrong_and_writes_nothing(client, cast, county):
    client.force_login(cast.reporter)

    response = client.post(reverse("activity_create"), {
        "held_on": "2026-05-08", "kind": "reception", "led_by": "department",
        "unit": cast.housing.pk, "counterpart": "考察团", "batches": "0",
    })  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert "确保该值大于或等于 1" in page or "大于或等于1" in page
    assert Activity.objects.count() == 2


def test_a_reporter_picks_only_their_unit_and_its_projects(client, cast, county):
    client.force_login(cast.reporter)

    page = client.get(reverse("activity_create")).content.decode()

    assert "城关污水处理厂" in page and "营盘公路改建" not in page
    assert "营盘镇" not in page


def test_the_list_costs_the_same_queries_for_2_records_as_for_20(client, cast, county):
    client.force_login(cast.officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("activity_list")).status_code == 200
        return len(captured)

    few = queries()
    for day in range(1, 19):
        visit(cast.officer, cast.township, date(2026, 5, day), projects=[county])
    assert queries() == few


def test_an_edit_saved_unchanged_says_nothing_was_changed(client, cast, county):
    """As 预警规则 and 上报模板 say it: the clerk sees that nothing was written."""
    activity = Activity.objects.get(counterpart="华秦新材料科技有限公司")
    client.force_login(cast.officer)
    form = client.get(reverse("activity_edit", args=[activity.pk])).context["form"]
    sent = {name: getattr(value, "pk", value) for name, value in form.initial.items()}
    sent = {name: value for name, value in sent.items() if value is not None}
    sent |= {"projects": [county.pk], "version": activity.version, "held_on": "2026-03-02"}

    unchanged = client.post(reverse("activity_edit", args=[activity.pk]), sent, follow=True)
    sent["place"] = "宝鸡"
    changed = client.post(reverse("activity_edit", args=[activity.pk]), sent, follow=True)

    assert "招商引资活动没有改动，未保存新版本。" in unchanged.content.decode()
    assert "招商引资活动已保存。" in changed.content.decode()
    assert Activity.objects.get(pk=activity.pk).place == "宝鸡"


def test_a_project_page_names_the_activity_it_was_signed_from(client, cast, county):
    client.force_login(cast.reporter)

    page = client.get(reverse("project_detail", args=[county.pk])).content.decode()
    other = client.get(
        reverse("project_detail", args=[Project.objects.get(code=code(2)).pk])
    ).content.decode()

    assert 'id="signings"' in page and "华秦新材料科技有限公司" in page
    assert 'id="signings"' not in other  # signed from no activity: no empty section


def unit_options(page: str) -> list[str]:
    """The names the list's 责任单位 filter offers."""
    select = page.split('name="unit"')[1].split("</select>")[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_a_reporter_s_unit_filter_offers_only_their_unit(client, cast, county):
    client.force_login(cast.reporter)

    page = client.get(reverse("activity_list")).content.decode()
    asked_for_another = client.get(reverse("activity_list"), {"unit": cast.township.pk})

    assert unit_options(page) == ["全部单位", "县住建局"]
    assert "陕商联合会考察团" not in asked_for_another.content.decode()


def test_the_office_s_unit_filter_offers_every_unit(client, cast, county):
    client.force_login(cast.officer)

    page = client.get(reverse("activity_list")).content.decode()

    assert unit_options(page) == ["全部单位", "县住建局", "营盘镇"]


def test_a_visit_posted_with_batches_and_people_is_refused_and_keeps_what_was_typed(
    client, cast, county
):
    """Without the page's script (which hides 批次 and 人数 for 外出招商) the form is refused in
    words, with what was typed still in it, never saved with those figures dropped."""
    client.force_login(cast.reporter)

    response = client.post(reverse("activity_create"), {
        "held_on": "2026-05-08", "kind": "visit", "led_by": "department",
        "unit": cast.housing.pk, "counterpart": "华秦新材料", "batches": "2", "people": "9",
    })  # fmt: skip

    page = response.content.decode()
    assert "外出招商不填写批次和人数" in page
    assert 'name="people" value="9"' in page
    assert Activity.objects.count() == 2


def test_a_visit_led_by_a_county_leader_without_the_leader_s_name_is_refused(client, cast, county):
    client.force_login(cast.officer)

    response = client.post(reverse("activity_create"), {
        "held_on": "2026-05-08", "kind": "visit", "led_by": "leader",
        "unit": cast.housing.pk, "counterpart": "华秦新材料",
    })  # fmt: skip

    assert "县级领导带队请填写带队领导的姓名或职务。" in response.content.decode()
    assert Activity.objects.count() == 2
