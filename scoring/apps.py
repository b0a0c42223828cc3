from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Harm scoring"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the object rules)
