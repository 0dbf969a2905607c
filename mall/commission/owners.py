"""Whose money a share is, and locking everything a share's money moves touch, in one order."""
from mall.commission.ledger import AVAILABLE, DEBT, PAYABLE, PENDING, Owner, brand_account, lock, owner_account
from mall.commission.models import CommissionShare


def beneficiary(share: CommissionShare) -> Owner:
    if share.partner_id is not None:
        return Owner(share.brand_id, "partner", share.partner_id)
    return Owner(share.brand_id, "store", share.store_id)


def lock_for(session, shares: list[CommissionShare]) -> None:
    """Lock the brand's payable and each beneficiary's pending, available and debt before deciding amounts."""
    accounts = []
    for share in shares:
        owner = beneficiary(share)
        accounts += [owner_account(session, owner, kind) for kind in (PENDING, AVAILABLE, DEBT)]
        accounts.append(brand_account(session, share.brand_id, PAYABLE))
    lock(session, accounts)
