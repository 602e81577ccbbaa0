from django.apps import AppConfig


class UpstreamConfig(AppConfig):
    name = "upstream"
    verbose_name = "上报模板"

    def ready(self) -> None:
        """数据变更记录 (history, above this app) lists the templates' and columns' history."""
        from history.selectors import register
        from upstream.selectors import HISTORY_KINDS

        for key, kind in HISTORY_KINDS.items():
            register(key, kind)
