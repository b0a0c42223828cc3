from django.apps import AppConfig


class OffendersConfig(AppConfig):
    name = "offenders"
    verbose_name = "Offenders and offences"

    def ready(self) -> None:
        from . import hooks, permissions, review_rules  # noqa: F401  (permissions registers the object rules)

        # Review dates follow the offences, whoever writes them (services, the import): docs/records.md.
        hooks.register(offences_changed=review_rules.review_dates_set)
