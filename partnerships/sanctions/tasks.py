"""Re-screening the partner registry after a list import, as a background task."""

from django_tasks import task

from partnerships.sanctions.models import SanctionsList
from partnerships.sanctions.notifications import notify_new_hits
from partnerships.sanctions.screening import screen_partners


@task(queue_name="screening")
def rescreen_partners(list_id: int) -> dict:
    """Screen every partner against list `list_id`; the ids of the hits it opened. A list
    replaced meanwhile is not screened: the import of the newer one queued its own."""
    current = SanctionsList.current()
    if current is None or current.pk != list_id:
        return {"list": list_id, "screened": False, "opened": []}
    opened = screen_partners()
    notify_new_hits(opened)
    return {"list": list_id, "screened": True, "opened": [hit.pk for hit in opened]}
