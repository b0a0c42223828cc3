from django.apps import AppConfig


class OffendersConfig(AppConfig):
    name = "offenders"
    verbose_name = "Offenders, offences and cases"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the object rules)
