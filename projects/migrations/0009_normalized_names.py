"""Names kept in one form (core.names): user names NFKC and lower case, unit names and
people's names NFKC without control or format characters (zero-width spaces, bidi controls),
spaces collapsed. Then the check constraint that keeps user names lower case, so the unique
user name is unique whatever the case on both databases.

Rows that become the same name are not merged: the migration stops, naming them, and changes
nothing (it runs in one transaction). Rename or merge them on the old version first.

The two functions are copied from core.names as they were when this was written, so
that the migration does the same thing whatever the module becomes.
"""

import unicodedata

from django.db import migrations, models
from django.db.models.functions import Lower


def clean_name(text):
    text = unicodedata.normalize("NFKC", text)
    visible = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cf"}
    )
    return " ".join(unicodedata.normalize("NFKC", visible).split())


def username_key(text):
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).strip().lower())


class NamesCollide(Exception):
    """Two rows that would become one name; the message names them."""


def _renamed(rows, normalize, what):
    """{pk: new name} for the rows whose name changes; refuses names that collide or vanish."""
    by_key, changes, empty = {}, {}, []
    for pk, name in rows:
        key = normalize(name)
        by_key.setdefault(key, []).append((pk, name))
        if not key:
            empty.append(f"id={pk} {name!r}")
        elif key != name:
            changes[pk] = key
    clashes = [
        f"{key!r} ← " + ", ".join(f"id={pk} {name!r}" for pk, name in group)
        for key, group in by_key.items()
        if len(group) > 1
    ]
    if clashes or empty:
        raise NamesCollide(
            f"{what}规范化后重名，迁移已停止，未做任何修改；请先改名或合并这些记录再迁移 "
            f"({what} collide once normalized; nothing was changed): "
            + "; ".join(clashes + [f"empty: {e}" for e in empty])
        )
    return changes


def normalize_names(apps, schema_editor):
    User = apps.get_model("projects", "User")
    Unit = apps.get_model("projects", "Unit")
    usernames = _renamed(User.objects.order_by("pk").values_list("pk", "username"), username_key, "用户名")
    units = _renamed(Unit.objects.order_by("pk").values_list("pk", "name"), clean_name, "责任单位名称")
    for pk, username in usernames.items():
        User.objects.filter(pk=pk).update(username=username)
    for pk, name in units.items():
        Unit.objects.filter(pk=pk).update(name=name)
    for pk, first_name in User.objects.exclude(first_name="").values_list("pk", "first_name"):
        if clean_name(first_name) != first_name:
            User.objects.filter(pk=pk).update(first_name=clean_name(first_name))


class Migration(migrations.Migration):
    dependencies = [("projects", "0008_no_role_is_staff")]

    operations = [
        migrations.RunPython(normalize_names, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("username", Lower("username"))),
                name="user_username_normalized",
                violation_error_message="用户名须为小写（用户名不区分大小写）。",
            ),
        ),
    ]
