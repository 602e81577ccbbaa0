"""年度设置's page: the office previews what new settings do to the ranking, then saves them."""

from django.urls import reverse

from investment.models import YearSettings
from investment.rules.year_settings import settings_values, weights_sum_problem
from tests.builders import year_settings
from tests.investment.weights_county import NEW_WEIGHTS

URL = reverse("year_settings")
DEFAULTS = year_settings()
NEW = DEFAULTS | NEW_WEIGHTS | {"list_size": 2}


def form(action: str, version: int = 0, **values) -> dict:
    return {"year": 2024, "version": version, "action": action, **(DEFAULTS | values)}


def test_it_shows_the_defaults_marked_when_nothing_is_saved(client, cast):
    client.force_login(cast.officer)

    page = client.get(URL, {"year": 2024}).content.decode()

    assert "2024年年度设置" in page
    assert "本年度尚未保存设置，以下均为默认值" in page
    assert page.count('<span class="tag">默认</span>') >= 7
    assert "I5（按时报送）" in page  # the due day's retroactive effect is said
    assert 'name="lag_threshold"' not in page  # 预警规则 keeps the threshold
    assert "本年度设置尚无修改记录" in page


def test_the_menu_offers_it_to_the_office_only(client, cast):
    for person, shown in ((cast.officer, True), (cast.supervisor, False), (cast.leader, False)):
        client.force_login(person)
        page = client.get(reverse("project_list")).content.decode()
        assert ('href="/settings/year/"' in page) is shown, person


def test_preview_shows_the_moves_and_saves_nothing(client, cast, weights_county):
    client.force_login(cast.officer)

    response = client.post(URL, form("preview", **NEW))

    page = response.content.decode()
    assert response.status_code == 200
    assert "预览：2024年12月考核排名" in page
    assert "↑2" in page and "↓2" in page
    assert "营盘镇退出红榜" in page and "县住建局退出黑榜" in page
    assert 'name="action" value="save"' in page  # 保存 comes with the preview
    assert not YearSettings.objects.exists()


def test_save_keeps_what_was_previewed_and_the_history_names_it(client, cast):
    client.force_login(cast.officer)

    response = client.post(URL, form("save", **NEW))

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?year=2024"
    row = YearSettings.objects.get(year=2024)
    assert settings_values(row) == NEW
    page = client.get(response["Location"]).content.decode()
    assert "已保存" in page and "第1版" in page
    assert "投资完成权重：50 → 30" in page and "王科长" in page


def test_saving_unchanged_says_so_and_writes_no_history(client, cast):
    client.force_login(cast.officer)
    client.post(URL, form("save", **NEW))

    response = client.post(URL, form("save", version=1, **NEW), follow=True)

    assert "没有改变" in response.content.decode()
    assert YearSettings.history.count() == 1


def test_a_wrong_sum_is_refused_in_chinese_and_nothing_is_saved(client, cast):
    client.force_login(cast.officer)

    for action in ("preview", "save"):
        response = client.post(URL, form(action, weight_investment=45))

        assert response.status_code == 200
        assert weights_sum_problem(95) in response.content.decode()
        assert 'name="action" value="save"' not in response.content.decode()
    assert not YearSettings.objects.exists()


def test_a_stale_form_is_refused_with_what_changed(client, cast):
    client.force_login(cast.second_officer)
    client.post(URL, form("save", **NEW))
    client.force_login(cast.officer)

    response = client.post(URL, form("save", version=0, **NEW | {"due_day": 9}))

    page = response.content.decode()
    assert "已被李干事" in page and "未保存" in page
    assert YearSettings.objects.get(year=2024).due_day == 5


def test_a_year_with_no_month_due_can_be_saved_without_a_ranking(client, cast):
    client.force_login(cast.officer)

    page = client.post(URL, form("preview", **NEW) | {"year": 2099}).content.decode()

    assert "2099年还没有到期的报送月份" in page
    assert 'name="action" value="save"' in page


def test_the_ranking_page_uses_the_saved_weights(client, cast, weights_county):
    client.force_login(cast.officer)
    client.post(URL, form("save", **NEW))

    page = client.get(reverse("rankings"), {"year": 2024, "month": 12}).content.decode()

    assert "投资完成×30" in page and "按时报送×25" in page
