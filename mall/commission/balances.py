"""What a beneficiary has: the cached balances of their accounts and what refunds have taken back."""
from sqlalchemy import func, select

from mall.commission.ledger import BENEFICIARY_KINDS, REVERSAL
from mall.commission.models import Account, LedgerEntry, LedgerTransaction


def balances(session, *, brand_id: int, owner_kind: str, owner_id: int) -> dict[str, int]:
    """pending, available, withdrawing, withdrawn, debt (<= 0: owed to the brand) and reversed (>= 0), in fen."""
    rows = session.execute(select(Account.kind, Account.balance_fen)
                           .where(Account.brand_id == brand_id, Account.owner_kind == owner_kind,
                                  Account.owner_id == owner_id)).all()
    found = {kind: 0 for kind in BENEFICIARY_KINDS}
    found.update({kind: int(fen) for kind, fen in rows})
    reversed_fen = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))
        .join(Account, Account.id == LedgerEntry.account_id)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(Account.brand_id == brand_id, Account.owner_kind == owner_kind, Account.owner_id == owner_id,
               LedgerTransaction.kind == REVERSAL))
    found["reversed"] = -int(reversed_fen)
    return {kind: found[kind] for kind in (*BENEFICIARY_KINDS, "reversed")}
