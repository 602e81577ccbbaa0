"""上报模板 come back whole from a backup: their rows, their history and the template files,
and the restored county downloads the same filled table (backup/ is generic over models)."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from investment.rules.periods import Period
from tests.backup import snapshot
from tests.workbooks import a_portfolio, load
from upstream.documents.filled import filled_template
from upstream.models import UpstreamTemplate
from upstream.services.demo import upstream_story

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
TABLES = ["upstream.UpstreamTemplate", "upstream.HistoricalUpstreamTemplate",
          "upstream.TemplateColumn", "upstream.HistoricalTemplateColumn"]  # fmt: skip


@pytest.fixture
def media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def downloads() -> dict[str, bytes]:
    period = Period.due_on(date(2024, 3, 10))
    return {t.title: filled_template(t, period) for t in UpstreamTemplate.objects.all()}


def cells(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))


def test_templates_and_their_files_restore_and_fill_the_same(settings, media_root, tmp_path, cast):
    cast.officer  # noqa: B018  (the office, who uploads the demo's two templates)
    load(a_portfolio(6, 2024))
    upstream_story()
    before, files = snapshot.database(), snapshot.media(media_root)
    filled = {title: cells(data) for title, data in downloads().items()}
    assert all(before[label] for label in TABLES) and len(filled) == 2
    assert any(name.startswith("upstream-templates/") for name in files)
    call_command("backup", "-o", str(tmp_path / "county.zip"), stdout=io.StringIO())

    call_command("flush", "--noinput")
    settings.MEDIA_ROOT = tmp_path / "new-machine-media"
    call_command("restore", str(tmp_path / "county.zip"), stdout=io.StringIO())

    restored = snapshot.database()
    assert {label: restored[label] for label in TABLES} == {
        label: before[label] for label in TABLES
    }
    assert snapshot.media(tmp_path / "new-machine-media") == files
    assert {title: cells(data) for title, data in downloads().items()} == filled
