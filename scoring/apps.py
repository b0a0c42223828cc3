from django.apps import AppConfig

from offenders import hooks


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Harm scoring"

    def ready(self) -> None:
        # Modules that use models load only now; permissions registers the object rules on import.
        from . import admin, permissions, selectors, services, tasks  # noqa: F401

        # What the offenders app asks of scoring, through its one hook module (ADR 0505).
        hooks.register(
            offences_changed=services.offenders_rescore_later,
            score_update_waiting=selectors.rescore_waiting,
            offence_codes=selectors.active_policy_codes,
            score_summary=selectors.offender_score_breakdown,
            profile_panel=("below", "scoring/offender_score_panel.html", selectors.offender_score_panel),
            record_eraser=services.offender_scores_erase,
            import_page=hooks.ImportPage("upload-harm-index/", admin.harm_index_upload, "upload_harm_index"),
        )
