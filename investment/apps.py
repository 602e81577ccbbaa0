from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "investment"
    verbose_name = "投资与调度"

    def ready(self):
        from investment import signals  # noqa: F401  (re-judges reports when a project changes)
        from investment.selectors import figure_cache

        figure_cache.install()  # the data version moves on after every write (cached figures)
