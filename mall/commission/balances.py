"""What a beneficiary has: the cached balances of their accounts and what refunds have taken back."""
from sqlalchemy import func, select

from mall.commission.ledger import BENEFICIARY_KINDS
from mall.commission.models import REVERSED, Account, CommissionShare


def balances(session, *, brand_id: int, owner_kind: str, owner_id: int) -> dict[str, int]:
    """pending, available, withdrawing, withdrawn, debt (<= 0: owed to the brand) and reversed (>= 0), in fen."""
    rows = session.execute(select(Account.kind, Account.balance_fen)
                           .where(Account.brand_id == brand_id, Account.owner_kind == owner_kind,
                                  Account.owner_id == owner_id)).all()
    found = {kind: 0 for kind in BENEFICIARY_KINDS}
    found.update({kind: int(fen) for kind, fen in rows})
    # What the reversal entries on the owner's accounts add up to, read from the shares: every reversal posts
    # exactly what it adds to its share's reversed_fen (mall.commission.reversal) and `mall audit` holds the two
    # equal. Summing the entries read every entry the owner ever had; the few reversed shares have an index.
    owner = CommissionShare.partner_id if owner_kind == "partner" else CommissionShare.store_id
    reversed_fen = session.scalar(
        select(func.coalesce(func.sum(CommissionShare.reversed_fen), 0))
        .where(owner == owner_id, CommissionShare.brand_id == brand_id, REVERSED))
    found["reversed"] = int(reversed_fen)
    return {kind: found[kind] for kind in (*BENEFICIARY_KINDS, "reversed")}
