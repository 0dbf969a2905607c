"""`flask mall run-imports`: run queued product CSV imports, each claimed once so several hosts may run this.

Claiming is a conditional UPDATE (queued -> running), committed before the import starts. Progress is
committed every few hundred rows, with the rows applied so far, so the admin's page can poll it.
"""
import dataclasses
import json
import logging
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import select, update

from mall.admin.products.importing import ImportResult, import_products
from mall.catalog.import_job import ImportJob
from mall.unit_of_work import commit, rollback

log = logging.getLogger(__name__)
STALE = timedelta(hours=1)


def run_queued_imports(session, *, now, limit: int = 10) -> int:
    """Run up to `limit` queued imports, oldest first; returns how many this call ran."""
    # A host that died mid-import leaves its job "running": after an hour it is queued again. Running a file
    # twice is harmless, since rows are matched by product code and SKU name (the second run only updates).
    session.execute(update(ImportJob).where(ImportJob.status == "running", ImportJob.started_at < now - STALE)
                    .values(status="queued"))
    commit(session)
    ran = 0
    for job_id in session.scalars(select(ImportJob.id).where(ImportJob.status == "queued")
                                  .order_by(ImportJob.id).limit(limit)).all():
        claimed = session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.status == "queued")
                                  .values(status="running", started_at=now)).rowcount
        commit(session)
        if claimed:
            _run(session, job_id, now=now)
            ran += 1
    return ran


def _run(session, job_id: int, *, now) -> None:
    job = session.get(ImportJob, job_id)
    brand_id, actor_id, apply_valid, content = job.brand_id, job.actor_id, job.apply_valid, job.content
    locale = job.locale

    def progress(done: int, total: int) -> None:
        session.execute(update(ImportJob).where(ImportJob.id == job_id).values(done_steps=done, total_steps=total))
        commit(session)

    try:
        with force_locale(locale):
            result = import_products(session, brand_id, content.encode(), apply_valid=apply_valid,
                                     actor_id=actor_id, now=now, on_progress=progress)
        status = "done"
    except Exception:  # an unexpected failure is recorded on the job, never left "running" forever
        log.exception("product import %s failed", job_id)
        rollback(session)
        result, status = ImportResult(), "failed"
    session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
        status=status, finished_at=now, outcome=json.dumps(dataclasses.asdict(result), ensure_ascii=False)))
    commit(session)
