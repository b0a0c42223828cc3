"""Writes of the scoring app (policies, scores, runs). The scoring work fills this module."""

from collections.abc import Iterable


def offenders_rescore_later(offender_ids: Iterable[int]) -> None:
    """Queue re-scoring of these offenders once the current transaction commits.

    The interface every writer of offences calls (API, pages, imports); the scoring app decides how
    the work is chunked and run.
    """
    return None
