from django.apps import AppConfig


class OffendersConfig(AppConfig):
    name = "offenders"
    verbose_name = "Offenders and offences"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the object rules)
