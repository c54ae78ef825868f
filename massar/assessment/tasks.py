"""Background tasks of the assessment app (Django's tasks API; see ADR 0012).

A task takes ids only and is idempotent: running one twice, or for a batch already done,
changes nothing.
"""

from __future__ import annotations

from django_tasks import task


@task()
def print_report_cards(batch_id: int) -> str:
    """Print a waiting batch of report cards as one PDF; answers its final status."""
    from .reportcards.batch import batch_execute  # the service imports this module

    return batch_execute(batch_id=batch_id)
