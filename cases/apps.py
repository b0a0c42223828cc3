from django.apps import AppConfig

from offenders import hooks


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the object rules; models are loaded only now)

        # The offender's profile (an offenders page) shows his cases below his offences (ADR 0505).
        hooks.register(profile_panel=("below", "cases/offender_cases_panel.html"))
