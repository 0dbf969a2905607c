"""Large product imports run in the background: queued by the page, claimed and run by `flask mall run-imports`.

Claiming is a conditional UPDATE (queued -> running), so several hosts running the command never run a job
twice. Progress is committed every few hundred rows, so the admin's page can poll it.
"""
import dataclasses
import json
import logging
from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import select, update

from mall.admin.products.importing import ImportResult, import_products
from mall.catalog.import_job import ImportJob
from mall.text import NUL_STAND_IN

log = logging.getLogger(__name__)
STALE = timedelta(hours=1)


def enqueue_import(session, brand_id: int, data: bytes, *, apply_valid: bool, actor_id: int | None,
                   now: datetime, locale: str = "zh_CN") -> ImportJob | None:
    """Queue a file for the background importer; None when it is not UTF-8 (the page reports that at once)."""
    try:
        # Kept as text for the job; PostgreSQL cannot store NUL, so it travels as its stand-in and the
        # job reports that row like the direct import does.
        content = data.decode("utf-8-sig").replace("\x00", NUL_STAND_IN)
    except UnicodeDecodeError:
        return None
    job = ImportJob(brand_id=brand_id, actor_id=actor_id, apply_valid=apply_valid, content=content, created_at=now,
                    locale=locale)
    session.add(job)
    session.commit()
    return job


def job_of_brand(session, job_id: int, brand_id: int | None) -> ImportJob | None:
    query = select(ImportJob).where(ImportJob.id == job_id)
    if brand_id is not None:
        query = query.where(ImportJob.brand_id == brand_id)
    return session.scalars(query).one_or_none()


def job_result(job: ImportJob) -> ImportResult | None:
    if not job.outcome:
        return None
    data = json.loads(job.outcome)
    data["errors"] = [tuple(pair) for pair in data["errors"]]
    return ImportResult(**data)


def run_queued_imports(session, *, now, limit: int = 10) -> int:
    """Run up to `limit` queued imports, oldest first; returns how many this call ran."""
    # A host that died mid-import leaves its job "running": after an hour it is queued again. Running a file
    # twice is harmless, since rows are matched by product code and SKU name (the second run only updates).
    session.execute(update(ImportJob).where(ImportJob.status == "running", ImportJob.started_at < now - STALE)
                    .values(status="queued"))
    session.commit()
    ran = 0
    for job_id in session.scalars(select(ImportJob.id).where(ImportJob.status == "queued")
                                  .order_by(ImportJob.id).limit(limit)).all():
        claimed = session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.status == "queued")
                                  .values(status="running", started_at=now)).rowcount
        session.commit()
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
        session.commit()

    try:
        with force_locale(locale):
            result = import_products(session, brand_id, content.encode(), apply_valid=apply_valid,
                                     actor_id=actor_id, now=now, on_progress=progress)
        status = "done"
    except Exception:  # an unexpected failure is recorded on the job, never left "running" forever
        log.exception("product import %s failed", job_id)
        session.rollback()
        result, status = ImportResult(), "failed"
    session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
        status=status, finished_at=now, outcome=json.dumps(dataclasses.asdict(result), ensure_ascii=False)))
    session.commit()
