"""Writing the audit log; callers commit it in the same transaction as the change it describes."""
import json
from datetime import datetime

from mall.audit.models import AuditLog


def record(session, *, action: str, brand_id: int | None, actor_id: int | None, now: datetime,
           subject: str = "", before: dict | None = None, after: dict | None = None, reason: str = "") -> AuditLog:
    entry = AuditLog(action=action, brand_id=brand_id, actor_id=actor_id, subject=subject, reason=reason,
                     before=json.dumps(before or {}, ensure_ascii=False, sort_keys=True, default=str),
                     after=json.dumps(after or {}, ensure_ascii=False, sort_keys=True, default=str),
                     created_at=now)
    session.add(entry)
    return entry
