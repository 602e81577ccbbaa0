"""Pages and downloads carrying data are never kept by a browser or a proxy."""

from django.urls import reverse

from tests.workbooks import a_portfolio, load


def test_pages_and_downloads_with_data_say_no_store(client, cast):
    load(a_portfolio(7, 2026))
    client.force_login(cast.officer)
    for url in [
        reverse("dashboard"),
        reverse("project_list"),
        reverse("ledger_export") + "?year=2026",
        reverse("briefing_pdf") + "?kind=month&year=2026&month=1&acknowledged=1",
        reverse("login"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
