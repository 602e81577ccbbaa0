"""A project whose 项目阶段 came in as 替换 from a ledger (the ledger names no replacement)
says 已替换 on its page, not "已替换为 None" (walk-through finding)."""

from django.urls import reverse

from projects.models import Project, Stage
from tests.workbooks import a_portfolio, load


def test_a_replaced_project_without_its_replacement_shows_no_none(client, cast):
    load(a_portfolio(1, 2026))
    project = Project.objects.get()
    Project.objects.filter(pk=project.pk).update(stage=Stage.REPLACED)
    client.force_login(cast.officer)

    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()

    assert "已替换" in page
    assert "None" not in page
