"""No role works in the Django admin any more (people, units and settings have their own
pages): only a superuser stays staff. ``User.save`` keeps it so from now on."""

from django.db import migrations


def only_superusers_are_staff(apps, schema_editor):
    User = apps.get_model("projects", "User")
    User.objects.filter(is_staff=True, is_superuser=False).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_user_requested_unit")]

    operations = [migrations.RunPython(only_superusers_are_staff, migrations.RunPython.noop)]
