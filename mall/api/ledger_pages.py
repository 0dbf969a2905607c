"""Cursor pages of ledger entries: ascending ids, so a cursor is where the reader stopped and a later call
with it returns what was posted since (the ledger is append-only: rows never change or vanish).

Known limit: ids are drawn at insert, so a transaction still open while a page is read can commit an
entry with a lower id than the cursor; a reader that must see every row re-reads its last few minutes.
"""
from sqlalchemy import select

from mall.commission.models import Account, LedgerEntry, LedgerTransaction
from mall.orders.models import Order


def ledger_page(session, *, brand_id: int, cursor: str | None, limit: int, owner: tuple[str, int] | None = None):
    """(items, next_cursor, has_more) of the brand's entries, or only one owner's (kind, id)."""
    after = int(cursor) if cursor else 0
    query = (select(LedgerEntry.id, Account.kind, Account.owner_kind, Account.owner_id, LedgerEntry.amount_fen,
                    LedgerTransaction.kind, Order.number, LedgerTransaction.withdrawal_id,
                    LedgerTransaction.created_at)
             .join(Account, Account.id == LedgerEntry.account_id)
             .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
             .outerjoin(Order, Order.id == LedgerTransaction.order_id)
             .where(Account.brand_id == brand_id, LedgerEntry.id > after)
             .order_by(LedgerEntry.id).limit(limit + 1))
    if owner is not None:
        query = query.where(Account.owner_kind == owner[0], Account.owner_id == owner[1])
    rows = session.execute(query).all()
    items = [{"id": r[0], "account": r[1], "owner_kind": r[2], "owner_id": r[3], "amount_fen": int(r[4]),
              "kind": r[5], "order_number": r[6], "withdrawal_id": r[7], "created_at": r[8]} for r in rows[:limit]]
    next_cursor = str(items[-1]["id"]) if items else (cursor or None)
    return items, next_cursor, len(rows) > limit
