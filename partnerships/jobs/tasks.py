"""The background tasks of exports (Django's tasks API: django.tasks from Django 6.0)."""

from django_tasks import task

from partnerships.jobs.services import export_run


@task(queue_name="exports")
def run_export(job_id: int) -> dict:
    """Make the file of export `job_id` (services.export_run)."""
    job = export_run(job_id=job_id)
    if job is None:
        return {"job": job_id, "status": "skipped"}
    return {"job": job_id, "status": job.status, "rows": job.rows_done}
