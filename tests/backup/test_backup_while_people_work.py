"""A backup taken while people work: files deleted during its media phase.

The data is one snapshot; the files are copied after it, while a ledger preview is confirmed
or cancelled (its file deleted) and a photo is deleted with its row. Before, the first file
to vanish stopped the backup with a FileNotFoundError traceback and left no backup. Now the
backup completes: a file is in it whole or, when gone, no row of the backup names it.
"""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from PIL import Image

from backup.services import archive
from investment.models import MonthlyReport, ReportPhoto
from investment.services.photos import photo_add
from projects.models import Project
from tests.workbooks import a_portfolio, load
from upstream.models import UpstreamTemplate
from upstream.services.demo import upstream_story
from upstream.services.mapping import template_delete

PREVIEW = "ledger-uploads/3f2c-preview.xlsx"


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads on disk, as in production, in a folder of this test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def photo(cast):
    load(a_portfolio(2, 2026))
    project = Project.objects.get(name="项目1")
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#2b6cb0").save(buffer, format="JPEG")
    report = MonthlyReport.objects.get(plan__project=project)
    return photo_add(
        report=report, user=cast.reporter_of(project.unit), data=buffer.getvalue(), caption="主体"
    )


def while_copying(monkeypatch, name: str, meanwhile) -> None:
    """Run ``meanwhile`` just before the backup opens stored file ``name`` (after the data
    snapshot and the file list were read), as a clerk's request would."""
    real_open = FileSystemStorage.open

    def open_(storage, path, *args, **kwargs):
        if path == name:
            meanwhile()
        return real_open(storage, path, *args, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "open", open_)


def contents(path) -> tuple[dict, set[str], list[dict]]:
    """The backup's verified manifest, its members and its rows."""
    with zipfile.ZipFile(path) as backup:
        manifest = archive.read_manifest(backup)
        archive._verified(backup, manifest)  # every checksum holds
        rows = [json.loads(line) for line in backup.read(archive.DATA).splitlines()]
        return manifest, set(backup.namelist()), rows


def counted(rows: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["model"]] = counts.get(row["model"], 0) + 1
    return counts


def test_a_preview_file_removed_during_the_media_phase_leaves_a_complete_backup(
    media_root, monkeypatch, tmp_path
):
    default_storage.save(PREVIEW, ContentFile(b"PK a previewed ledger"))
    default_storage.save("ledger-uploads/other.xlsx", ContentFile(b"PK another tab"))
    while_copying(monkeypatch, PREVIEW, lambda: default_storage.delete(PREVIEW))  # 确认导入

    summary = archive.make_backup(tmp_path / "b.zip")

    manifest, members, _ = contents(tmp_path / "b.zip")
    assert archive.MEDIA + PREVIEW not in members
    assert archive.MEDIA + "ledger-uploads/other.xlsx" in members
    assert summary.files == 1 and summary.left_out == 0


def test_a_file_deleted_while_it_is_being_copied_is_in_the_backup_whole(
    media_root, monkeypatch, tmp_path
):
    content = b"PK" + bytes(range(256)) * 20_000  # several chunks
    default_storage.save(PREVIEW, ContentFile(content))
    real_open = FileSystemStorage.open

    def open_then_cancelled(storage, path, *args, **kwargs):
        handle = real_open(storage, path, *args, **kwargs)
        storage.delete(path)  # 取消预览, once the backup has the file open
        return handle

    monkeypatch.setattr(FileSystemStorage, "open", open_then_cancelled)
    archive.make_backup(tmp_path / "b.zip")

    with zipfile.ZipFile(tmp_path / "b.zip") as backup:
        assert backup.read(archive.MEDIA + PREVIEW) == content


def test_a_photo_deleted_with_its_row_during_the_backup_is_not_named_by_its_rows(
    media_root, monkeypatch, tmp_path, photo
):
    image, thumbnail = photo.image.name, photo.thumbnail.name

    def deleted_with_its_row():  # 管理照片 deletes a draft's photo meanwhile
        ReportPhoto.objects.filter(pk=photo.pk).delete()
        default_storage.delete(image)
        default_storage.delete(thumbnail)

    while_copying(monkeypatch, image, deleted_with_its_row)  # the first of its two files
    summary = archive.make_backup(tmp_path / "b.zip")

    manifest, members, rows = contents(tmp_path / "b.zip")
    photos = [row for row in rows if row["model"] == "investment.reportphoto"]
    assert photos == []  # the row went with its file
    assert {archive.MEDIA + image, archive.MEDIA + thumbnail}.isdisjoint(members)
    assert manifest["counts"]["investment.ReportPhoto"] == 0
    assert {k.lower(): v for k, v in manifest["counts"].items() if v} == counted(rows)
    assert summary.left_out == 1
    assert "备份期间有 1 条记录连同其文件被删除，未计入" in summary.line()


def test_every_file_a_row_of_the_backup_names_is_in_it(media_root, tmp_path, photo):
    archive.make_backup(tmp_path / "b.zip")

    _, members, rows = contents(tmp_path / "b.zip")
    (row,) = [row for row in rows if row["model"] == "investment.reportphoto"]
    assert archive.MEDIA + row["fields"]["image"] in members
    assert archive.MEDIA + row["fields"]["thumbnail"] in members


def test_a_row_whose_file_was_already_missing_is_kept_and_reported(media_root, tmp_path, photo):
    default_storage.delete(photo.thumbnail.name)  # lost on the disk, the row still there

    summary = archive.make_backup(tmp_path / "b.zip")

    _, _, rows = contents(tmp_path / "b.zip")
    assert [row["pk"] for row in rows if row["model"] == "investment.reportphoto"] == [photo.pk]
    assert summary.missing == (photo.thumbnail.name,)
    assert "1 个记录所指的文件不存在" in summary.line()


def test_a_template_deleted_during_the_backup_leaves_with_its_columns(
    media_root, monkeypatch, tmp_path, cast
):
    """A row left out for its vanished file takes the rows pointing at it along: a backup
    naming a column of a template it does not hold could not be restored."""
    cast.officer  # noqa: B018  (the office, who uploads the demo's two templates)
    load(a_portfolio(6, 2024))
    upstream_story()
    template = UpstreamTemplate.objects.order_by("pk").first()
    columns = set(template.columns.values_list("pk", flat=True))

    stored = template.file.name

    def deleted_meanwhile():  # the office deletes the template while the backup runs
        template_delete(template=template, expected_version=template.version, user=cast.officer)
        default_storage.delete(stored)  # as its transaction's commit does

    while_copying(monkeypatch, stored, deleted_meanwhile)
    archive.make_backup(tmp_path / "b.zip")

    manifest, _, rows = contents(tmp_path / "b.zip")
    kept = {row["pk"] for row in rows if row["model"] == "upstream.upstreamtemplate"}
    kept_columns = [row for row in rows if row["model"] == "upstream.templatecolumn"]
    assert template.pk not in kept and kept
    assert columns.isdisjoint(row["pk"] for row in kept_columns) and kept_columns
    assert all(row["fields"]["template"] in kept for row in kept_columns)
    assert {k.lower(): v for k, v in manifest["counts"].items() if v} == counted(rows)
