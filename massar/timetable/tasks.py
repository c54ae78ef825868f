"""Background tasks of the timetable app (Django's tasks API; see ADR 0012).

A task takes ids only and is idempotent: running one twice, or for a run already done, changes
nothing.
"""

from __future__ import annotations

from django_tasks import task


@task()
def generate_timetable(run_id: int) -> str:
    """Carry out a waiting run of the timetable generator; answers its final status."""
    from .generation import generator_run_execute  # the service imports this module

    return generator_run_execute(run_id=run_id)
