"""Words for the audit log's actions and fields, as the brand admin reads them."""
from flask_babel import lazy_gettext as _l

# The filter offers these groups and every action the mall records (tests/integration/test_audit_wording.py
# checks each recorded action is here); a group matches every action under it.
ACTIONS = {
    "commission": _l("Commission (all)"),
    "commission.settings": _l("Commission rules changed"),
    "commission.cap": _l("Commission cap changed (platform)"),
    "commission.product_ratios": _l("Product split ratios changed"),
    "commission.reattribute": _l("Order re-attributed"),
    "partner": _l("Partners (all)"),
    "partner.approved": _l("Partner approved"),
    "partner.disabled": _l("Partner disabled"),
    "partner.enabled": _l("Partner re-enabled"),
    "partner.settings": _l("Partner and binding rules changed"),
    "order.settings": _l("Order rules changed"),
    "withdrawal": _l("Withdrawals (all)"),
    "withdrawal.settings": _l("Withdrawal rules changed"),
    "withdrawal.approve": _l("Withdrawal approved"),
    "withdrawal.reject": _l("Withdrawal rejected"),
    "withdrawal.pay": _l("Withdrawal paid out"),
    "withdrawal.fail": _l("Withdrawal payout failed"),
    "withdrawal.retry": _l("Withdrawal payout retried"),
    "store": _l("Stores (all)"),
    "store.create": _l("Store created"),
    "store.update": _l("Store edited"),
    "store.staff_assigned": _l("Staff assigned to a store"),
    "store.staff_removed": _l("Staff removed from a store"),
    "account": _l("Accounts (all)"),
    "account.signed_out_everywhere": _l("Signed out on every device"),
    "catalog": _l("Products (all)"),
    "catalog.product.create": _l("Product created"),
    "catalog.product.update": _l("Product edited"),
    "catalog.product.publish": _l("Product published"),
    "catalog.product.unpublish": _l("Product unpublished"),
    "webhook": _l("Webhooks (all)"),
    "webhook.register": _l("Webhook endpoint registered"),
    "webhook.disable": _l("Webhook endpoint switched off"),
    "webhook.replay": _l("Webhook delivery sent again"),
    "api_key": _l("API keys (all)"),
    "api_key.create": _l("API key created"),
    "api_key.revoke": _l("API key revoked"),
    "live_room": _l("Live rooms (all)"),
    "live_room.create": _l("Live room created"),
    "live_room.update": _l("Live room edited"),
    "live_room.live": _l("Live room started"),
    "live_room.ended": _l("Live room ended"),
    "live_room.shelf": _l("Product put on a live room's shelf"),
    "live_room.unshelf": _l("Product taken off a live room's shelf"),
    "live_room.pin": _l("Product pinned in a live room"),
    "live_room.unpin": _l("Product unpinned in a live room"),
}

# The personal-data log: which page showed the data, and which fields it showed unmasked.
PAGES = {
    "order": _l("Order page"),
    "orders_export": _l("Orders export (CSV)"),
    "customer": _l("Customer lookup"),
    "partner": _l("Partner page"),
    "partners": _l("Partner list"),
    "withdrawals": _l("Withdrawal queue"),
}
FIELDS = {
    "name": _l("name"),
    "phone": _l("mobile number"),
    "address": _l("address"),
    "email": _l("e-mail address"),
}
