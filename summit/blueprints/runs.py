"""What the page of a background run (a badge print run, a certificate run) shows of its
progress, and its JSON for js/badge-job.js (templates/_run_progress.html)."""

from flask_babel import gettext as _

from ..models import BadgeJobStatus
from ..services import runs

FINISHED = (BadgeJobStatus.DONE, BadgeJobStatus.FAILED)


def run_state(run, download_url: str) -> dict:
    """The run's status, progress, error, a hint when no worker took it, and the
    address of its file once it is done."""
    return {
        "status": run.status.value,
        "label": str(run.status.label),
        "done": run.done,
        "total": run.total,
        "text": _("%(done)d of %(total)d", done=run.done, total=run.total),
        "finished": run.status in FINISHED,
        "error": run.error if run.status is BadgeJobStatus.FAILED else "",
        "hint": (
            _("No worker has taken the run yet. Is “flask worker” running?")
            if runs.waits_for_worker(run)
            else ""
        ),
        "download": download_url if run.status is BadgeJobStatus.DONE else None,
    }
