"""Uploads, photos and jobs' files are kept where every app server and worker reaches them
(docs/deployment.md): in Django's ``STORAGES["default"]``, files under ``MEDIA_ROOT`` (a folder
every machine mounts) unless ``MEDIA_STORAGE`` names another storage class, such as
django-storages' S3Storage, which a province installs itself (it is not among our packages). No
module of ours reaches a kept file but through that storage."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, StorageHandler, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config.settings import BASE_DIR
from core.checks import media_storage_loads
from ledger.services.uploads import upload_keep
from tests.core.configured import settings_read

OURS = ["accounts", "audit", "backup", "batches", "bonds", "core", "history", "investment",
        "jobs", "ledger", "opendata", "projects", "promotion", "supervision", "upstream",
        "scripts", "benchmarks"]  # fmt: skip
# A kept file's place on one machine's disk, which another machine's store does not have.
LOCAL_PATH = re.compile(r"MEDIA_ROOT|storage\.path\(|\.(?:file|image|thumbnail)\.path\b")


def configured(monkeypatch, **environment: str) -> dict:
    """The settings under ``environment``, no storage setting of the test run's beside it."""
    unset: dict[str, str | None] = dict.fromkeys(
        ["MEDIA_ROOT", "MEDIA_STORAGE", "MEDIA_STORAGE_OPTIONS"]
    )
    return settings_read(monkeypatch, **(unset | environment))


class ObjectStore(InMemoryStorage):
    """Files by name, as an S3-compatible store keeps them: a folder is no file, so it does not
    exist, and listing a folder nothing was put in lists nothing."""

    def exists(self, name):
        try:
            self.open(name).close()
        except (FileNotFoundError, IsADirectoryError):
            return False
        return True

    def listdir(self, path):
        try:
            return super().listdir(path)
        except FileNotFoundError:
            return [], []


def test_files_are_kept_in_the_folder_media_root_names(monkeypatch, settings, tmp_path):
    shared = configured(monkeypatch, MEDIA_ROOT=str(tmp_path))
    settings.MEDIA_ROOT = shared["MEDIA_ROOT"]

    storage = StorageHandler(shared["STORAGES"])["default"]
    name = storage.save("report-photos/2026/10/a.jpg", ContentFile(b"jpeg"))

    assert shared["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert (tmp_path / name).read_bytes() == b"jpeg"


def test_media_storage_names_the_storage_class_and_its_options(monkeypatch):
    chosen = configured(
        monkeypatch,
        MEDIA_STORAGE="django.core.files.storage.InMemoryStorage",
        MEDIA_STORAGE_OPTIONS='{"location": "/srv/kp-media", "base_url": "/media/"}',
    )

    storage = StorageHandler(chosen["STORAGES"])["default"]

    assert isinstance(storage, InMemoryStorage)
    assert storage.location == "/srv/kp-media" and storage.base_url == "/media/"


def test_a_storage_setting_that_cannot_be_used_stops_the_server_at_its_start(monkeypatch, settings):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE_OPTIONS must be a JSON object"):
        configured(monkeypatch, MEDIA_STORAGE_OPTIONS="bucket_name=kp-media")
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE must name a storage class"):
        configured(monkeypatch, MEDIA_STORAGE="S3")
    # django-storages named but not installed: `manage.py check`, run by the production start
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }

    (error,) = media_storage_loads()

    assert error.id == "core.E001" and "storages.backends.s3.S3Storage" in error.msg


def test_the_storage_the_tests_run_on_loads():
    assert media_storage_loads() == []


def test_no_module_of_ours_reaches_a_kept_file_but_through_the_storage():
    reaching = [
        f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}"
        for folder in OURS
        for path in sorted((BASE_DIR / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if LOCAL_PATH.search(line)
    ]

    assert not reaching, "read or write kept files through default_storage:\n" + "\n".join(reaching)


def test_an_unconfirmed_ledger_upload_is_deleted_a_day_later_from_an_object_store_too(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.ObjectStore"}}
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        _, forgotten = upload_keep(SimpleUploadedFile("台账.xlsx", b"PK forgotten"))

    _, fresh = upload_keep(SimpleUploadedFile("台账.xlsx", b"PK fresh"))

    assert not default_storage.exists(forgotten)
    assert default_storage.exists(fresh)
    assert Path(fresh).parent == Path(forgotten).parent
