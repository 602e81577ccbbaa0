"""A transactional test's cleanup (tests/quick_flush.py) leaves the content types and
permissions that Django's own flush and post_migrate leave, with the migrated database's ids."""

import weakref

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models.signals import post_migrate

from projects.models import Unit
from tests.quick_flush import MIGRATED_ROWS, REPLACED_RECEIVERS, quick_flush


def rows() -> tuple[list, list]:
    return (
        list(ContentType.objects.order_by("pk").values_list("pk", "app_label", "model")),
        list(
            Permission.objects.order_by("pk").values_list(
                "pk", "codename", "name", "content_type__app_label", "content_type__model"
            )
        ),
    )


def without_ids(found: tuple[list, list]) -> tuple[set, set]:
    return {row[1:] for row in found[0]}, {row[1:] for row in found[1]}


def test_post_migrate_has_the_two_receivers_it_is_replaced_for():
    receivers = [entry[1] for entry in post_migrate.receivers]  # (key, receiver, sender, …)
    names = {(r() if isinstance(r, weakref.ref) else r).__name__ for r in receivers}
    assert names == REPLACED_RECEIVERS


@pytest.mark.django_db(transaction=True)
def test_the_cleanup_leaves_what_djangos_flush_leaves_with_the_migrated_ids():
    migrated = rows()
    assert migrated[0] == [(t.pk, t.app_label, t.model) for t in MIGRATED_ROWS["content_types"]]
    Unit.objects.create(name="县住建局")

    call_command(
        "flush", verbosity=0, interactive=False, reset_sequences=False
    )  # Django's own, post_migrate and all
    djangos = rows()
    with quick_flush():
        call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    quick = rows()

    assert not Unit.objects.exists()
    assert without_ids(quick) == without_ids(djangos) == without_ids(migrated)
    assert quick == migrated  # the same ids as well
    ids = {(app, model): pk for pk, app, model in migrated[0]}
    assert ContentType.objects.get_for_model(Unit).pk == ids["projects", "unit"]
