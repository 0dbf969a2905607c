"""Whose money a share is, and locking everything a share's money moves touch, in one order."""
from mall.commission.ledger import AVAILABLE, DEBT, PAYABLE, PENDING, Owner, accounts, lock
from mall.commission.models import CommissionShare


def beneficiary(share: CommissionShare) -> Owner:
    if share.partner_id is not None:
        return Owner(share.brand_id, "partner", share.partner_id)
    return Owner(share.brand_id, "store", share.store_id)


def lock_for(session, shares: list[CommissionShare]) -> None:
    """Lock the brand's payable and each beneficiary's pending, available and debt before deciding amounts."""
    keys = []
    for share in shares:
        owner = beneficiary(share)
        keys += [(owner.brand_id, owner.kind, owner.id, kind) for kind in (PENDING, AVAILABLE, DEBT)]
        keys.append((share.brand_id, "brand", share.brand_id, PAYABLE))
    lock(session, accounts(session, keys))
