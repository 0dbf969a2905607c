"""Large product imports run in the background: queued by the page, claimed and run by `flask mall run-imports`
(mall.jobs.imports)."""
import json
from datetime import datetime

from sqlalchemy import select

from mall.admin.products.importing import ImportResult
from mall.catalog.import_job import ImportJob
from mall.text import NUL_STAND_IN


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
    session.flush()
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
