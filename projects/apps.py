from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "项目"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from projects.middleware import remember_login_time

        user_logged_in.connect(remember_login_time, dispatch_uid="projects.login_time")
