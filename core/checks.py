"""Start-up checks of the settings that only fail when first used (``manage.py check``, which
the production start runs with ``--deploy``)."""

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages


@register()
def media_storage_loads(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The storage MEDIA_STORAGE names is installed and takes MEDIA_STORAGE_OPTIONS: a typo
    stops the server at its start, not the first clerk's upload."""
    try:
        storages["default"]
    except (ImproperlyConfigured, ImportError, TypeError, ValueError) as error:
        return [
            Error(
                f"MEDIA_STORAGE cannot be loaded: {error}",
                hint="Name an installed storage class and its options (docs/deployment.md).",
                id="core.E001",
            )
        ]
    return []
