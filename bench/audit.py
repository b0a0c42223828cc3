"""audit_overhead_pct: what writing the audit event adds to an offender profile view (target < 10%).

The profile page (`/offenders/<id>/`, purpose already given) and its API twin are requested through
Django's test client, in process, for a sample of offenders: alternately with the real audit write
and with `audit_record` replaced by a no-op everywhere it is imported, in interleaved rounds so drift
in the machine affects both sides alike. The figure is (median with - median without) / median
without, in percent, for the page; the API's is reported beside it, and so is the time spent inside
audit_record itself per view (the difference can be larger: the extra write transaction). The append
includes its serialisation (the chain head's row lock on PostgreSQL) and the hash.
"""

import sys
from contextlib import contextmanager
from statistics import median

from .core import Figure, stopwatch

NAME = "audit"
SAMPLE = 60
ROUNDS = 5


@contextmanager
def audit_timed(spent: list[float]):
    """Wrap audit_record everywhere it is imported, adding each call's seconds to `spent`."""
    import portal.audit.services as services

    original = services.audit_record

    def timed(**kwargs):
        with stopwatch() as elapsed:
            result = original(**kwargs)
        spent.append(elapsed())
        return result

    with _replaced(original, timed):
        yield


@contextmanager
def _replaced(original, replacement):
    modules = [module for module in list(sys.modules.values()) if getattr(module, "audit_record", None) is original]
    for module in modules:
        module.audit_record = replacement
    try:
        yield
    finally:
        for module in modules:
            module.audit_record = original


@contextmanager
def audit_disabled():
    """Swap audit_record for a no-op in every loaded module that imported it (bench only)."""
    import portal.audit.services as services

    with _replaced(services.audit_record, lambda **kwargs: None):
        yield


def _officer():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    user, _ = get_user_model().objects.get_or_create(username="bench_audit_officer")
    user.groups.set([Group.objects.get(name="officer")])
    user.user_permissions.add(Permission.objects.get(codename="restricted_access"))
    return get_user_model().objects.get(pk=user.pk)


def _ensure_offenders(context) -> list[int]:
    from offenders.models import Offender

    from . import datasets

    if not Offender.objects.exists():
        datasets.generate(context.sizes[0])
    step = max(1, Offender.objects.count() // SAMPLE)
    return list(Offender.objects.order_by("id").values_list("id", flat=True)[::step][:SAMPLE])


def _timed_get(client, path: str, headers: dict) -> float:
    with stopwatch() as elapsed:
        response = client.get(path, **headers)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return elapsed()


def _overhead(client, paths: list[str], **headers) -> tuple[float, float, float, float]:
    """(median ms with audit, median ms without, overhead %, ms inside audit_record per view).

    Paired: each path is requested with and without the write back to back (in alternating order),
    so the machine's drift cancels; the overhead is the median paired difference over the median
    time without."""
    on, off, differences = [], [], []
    spent: list[float] = []
    for path in paths[:5]:
        _timed_get(client, path, headers)  # warm caches and connections
    for round_number in range(ROUNDS):
        for index, path in enumerate(paths):
            audit_first = (round_number + index) % 2 == 0
            pair = {}
            for audited in (audit_first, not audit_first):
                with audit_timed(spent) if audited else audit_disabled():
                    pair[audited] = _timed_get(client, path, headers)
            on.append(pair[True])
            off.append(pair[False])
            differences.append(pair[True] - pair[False])
    views = ROUNDS * len(paths)
    return median(on) * 1000, median(off) * 1000, median(differences) / median(off) * 100, sum(spent) * 1000 / views


def run(context) -> list[Figure]:
    from django.db import connection
    from django.test import Client

    from offenders.models import Offender

    ids = _ensure_offenders(context)
    dataset = f"{Offender.objects.count()} offenders, {connection.vendor}"
    client = Client()
    client.force_login(_officer())
    for pk in ids:  # the purpose is asked once per offender per session
        client.post(f"/offenders/{pk}/", {"purpose": "investigation"})
    page_on, page_off, page_pct, page_write = _overhead(client, [f"/offenders/{pk}/" for pk in ids])
    api_on, api_off, api_pct, api_write = _overhead(
        client, [f"/api/v1/offenders/{pk}/" for pk in ids], HTTP_X_ACCESS_PURPOSE="investigation"
    )
    return [
        Figure("audit_overhead_pct", round(page_pct, 2), "%", "< 10", dataset),
        Figure("audit_overhead_api_pct", round(api_pct, 2), "%", "< 10", dataset),
        Figure("profile_with_audit_median_ms", round(page_on, 2), "ms", None, dataset),
        Figure("profile_without_audit_median_ms", round(page_off, 2), "ms", None, dataset),
        Figure("audit_write_ms_per_profile", round(page_write, 2), "ms", None, dataset),
        Figure("profile_api_with_audit_median_ms", round(api_on, 2), "ms", None, dataset),
        Figure("profile_api_without_audit_median_ms", round(api_off, 2), "ms", None, dataset),
        Figure("audit_write_ms_per_api_profile", round(api_write, 2), "ms", None, dataset),
    ]
