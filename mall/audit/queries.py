"""Reading the audit log: a brand's entries, newest first, filtered by action and time."""
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from mall.audit.models import AuditLog


def audit_entries(brand_id: int | None, *, action: str | None = None, start: datetime | None = None,
                  end: datetime | None = None) -> Select:
    """Entries of the brand (every brand for None) in [start, end), newest first; uses ix_audit_log_brand_created."""
    query = select(AuditLog).options(joinedload(AuditLog.actor), joinedload(AuditLog.brand)).order_by(AuditLog.created_at.desc(),
                                                                          AuditLog.id.desc())
    if brand_id is not None:
        query = query.where(AuditLog.brand_id == brand_id)
    if action:
        # "store" matches store.create, store.update…; a full action matches itself
        query = query.where((AuditLog.action == action) | AuditLog.action.startswith(action + "."))
    if start is not None:
        query = query.where(AuditLog.created_at >= start)
    if end is not None:
        query = query.where(AuditLog.created_at < end)
    return query
