from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The platform every app stands on; it imports none of them."""

    name = "core"
    verbose_name = "平台"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core import checks  # noqa: F401  (registers them)
        from core.middleware import remember_login_time

        user_logged_in.connect(remember_login_time, dispatch_uid="projects.login_time")
