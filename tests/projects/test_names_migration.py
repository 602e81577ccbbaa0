"""Migration 0009: existing names are kept in their one form, and rows that would become one
name stop the migration, named, with nothing changed (never merged silently)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projects.migrations import __name__ as migrations_package
from tests.prebuilt import DATABASES

# slow: the first test migrates a copy of the database back to 0008
pytestmark = pytest.mark.slow

BEFORE = [("projects", "0008_no_role_is_staff")]
AFTER = [("projects", "0009_normalized_names")]
NamesCollide = __import__(
    f"{migrations_package}.0009_normalized_names", fromlist=["NamesCollide"]
).NamesCollide


@pytest.fixture(autouse=True)
def at_0008(transactional_db):
    """Each test on its own copy of the database as at 0008 (tests/prebuilt.py)."""
    with DATABASES.at_migration(BEFORE):
        yield


def old_apps():
    return MigrationExecutor(connection).loader.project_state(BEFORE).apps


@pytest.mark.django_db(transaction=True)
def test_existing_names_are_normalized():
    apps = old_apps()
    User = apps.get_model("projects", "User")
    Unit = apps.get_model("projects", "Unit")
    User.objects.create(username="ｆｕｌｌ09", first_name="张\u200b三")
    User.objects.create(username="Office")
    Unit.objects.create(name="县住房和城乡建设局\u200b")
    Unit.objects.create(name="\u202e营盘镇\u202c")

    MigrationExecutor(connection).migrate(AFTER)
    new = MigrationExecutor(connection).loader.project_state(AFTER).apps

    users = new.get_model("projects", "User").objects.order_by("username")
    assert list(users.values_list("username", "first_name")) == [
        ("full09", "张三"),
        ("office", ""),
    ]
    units = new.get_model("projects", "Unit").objects.order_by("name")
    assert list(units.values_list("name", flat=True)) == ["县住房和城乡建设局", "营盘镇"]


@pytest.mark.django_db(transaction=True)
def test_it_stops_naming_the_rows_that_would_become_one_and_changes_nothing():
    apps = old_apps()
    User = apps.get_model("projects", "User")
    Unit = apps.get_model("projects", "Unit")
    case0 = User.objects.create(username="case0")
    upper = User.objects.create(username="CASE0")
    User.objects.create(username="Lonely")
    Unit.objects.create(name="县住房和城乡建设局")

    with pytest.raises(NamesCollide) as stopped:
        MigrationExecutor(connection).migrate(AFTER)

    assert f"'case0' ← id={case0.pk} 'case0', id={upper.pk} 'CASE0'" in str(stopped.value)
    assert "用户名规范化后重名，迁移已停止，未做任何修改" in str(stopped.value)
    assert set(User.objects.values_list("username", flat=True)) == {"case0", "CASE0", "Lonely"}

    upper.delete()
    MigrationExecutor(connection).migrate(AFTER)  # the clash gone, it goes through


@pytest.mark.django_db(transaction=True)
def test_it_stops_on_a_unit_and_its_zero_width_twin():
    apps = old_apps()
    Unit = apps.get_model("projects", "Unit")
    Unit.objects.create(name="县住房和城乡建设局")
    twin = Unit.objects.create(name="县住房和城乡建设局\u200b")

    with pytest.raises(NamesCollide, match="责任单位名称规范化后重名"):
        MigrationExecutor(connection).migrate(AFTER)

    twin.delete()
    MigrationExecutor(connection).migrate(AFTER)  # the clash gone, it goes through
