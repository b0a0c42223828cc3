"""Files waiting between the admin's preview and their confirmation, kept under PORTAL_VAR_DIR.

The preview is a dry run of the very bytes that will be loaded; the confirmation loads the kept
copy (checked again against the SHA-256 the preview recorded), so what was previewed is what loads.
"""

import time
import uuid
from pathlib import Path

from django.conf import settings


def pending_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports" / "pending"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


PENDING_MAX_AGE_SECONDS = 24 * 60 * 60


def _forget_stale(folder: Path) -> int:
    """Previews nobody confirmed within a day are dropped (the person can upload again)."""
    cutoff = time.time() - PENDING_MAX_AGE_SECONDS
    dropped = 0
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
            dropped += 1
    return dropped


def forget_stale_pending() -> int:
    """The retention task's sweep of the same folder (an upload also sweeps it): how many were dropped."""
    return _forget_stale(pending_dir())


def pending_save(uploaded) -> Path:
    """Copy an uploaded file to a new private name, chunk by chunk."""
    _forget_stale(pending_dir())
    path = pending_dir() / f"upload-{uuid.uuid4().hex}.part"
    with path.open("wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    return path


def pending_path(batch_id: int) -> Path:
    return pending_dir() / f"batch-{int(batch_id)}.csv"


def pending_keep(path: Path, *, batch_id: int) -> Path:
    """Name the copy after the dry-run batch that checked it, so the confirmation can find it."""
    return path.rename(pending_path(batch_id))


def pending_discard(path: Path) -> None:
    path.unlink(missing_ok=True)
