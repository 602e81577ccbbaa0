"""When a page's work goes to the background: a document over more projects than
``EXPORT_BACKGROUND_PROJECTS`` (a city's) is made by a job; a county's stays in the request."""

from django.conf import settings


def in_background(projects: int) -> bool:
    return projects > settings.EXPORT_BACKGROUND_PROJECTS
