from django.apps import AppConfig

from offenders import hooks


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # Modules that use models load only now; permissions registers the object rules on import.
        from . import permissions, records, selectors  # noqa: F401

        # The offender's profile (an offenders page) shows his cases below his offences (ADR 0505).
        hooks.register(profile_panel=("beside", "cases/offender_cases_panel.html", selectors.offender_cases_panel))
        # Records review and disposal (docs/records.md): an open case blocks disposal; disposal erases the
        # cases' free text; the subject access bundle lists his cases' decisions and stages.
        hooks.register(
            disposal_blocker=records.disposal_blocker,
            record_eraser=records.case_text_erase,
            subject_access_section=("cases", records.subject_access_cases),
        )
        # The ranked list shows each offender's open case or the last meeting decision about him.
        from scoring.hooks import register_ranking_marks

        from .meetings import ranking_marks

        register_ranking_marks("cases", ranking_marks)
