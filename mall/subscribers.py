"""Who listens to which domain events: importing a package's subscribers module registers them (mall.events).

Publishers never import their listeners (orders knows nothing of commission or payments); create_app
imports them here, once, in this order: within one event, subscribers run in the order they registered.
"""


def register() -> None:
    from mall.catalog import ordering
    from mall.commission import payment_subscribers
    from mall.journeys.personalisation import personal_order
    from mall.orders.queries import spent_with_brand
    from mall.referral import spend

    spend.provide(spent_with_brand)  # the partner rule "has spent ¥X" asks orders (referral sits below it)
    ordering.provide(personal_order)  # product pages ask journeys for a returning customer's order (千人千面)
    import mall.commission.subscribers  # noqa: F401  (plans, voids and reverses commission)
    import mall.content.subscribers  # noqa: F401  (content items' orders and GMV; after commission's attribution)
    import mall.journeys.subscribers  # noqa: F401  (customer states, rule tags, step results)
    import mall.live.subscribers  # noqa: F401  (a live room's orders and GMV; after commission: reads attribution)
    import mall.orders.guest_orders  # noqa: F401  (gives a verified phone's guest orders to its account)
    import mall.outbox.queue  # noqa: F401  (keeps public events for webhooks)
    import mall.payments.subscribers  # noqa: F401  (queues the provider's refund of an approved request)
    import mall.shop.guide_store  # noqa: F401  (forgets a visitor's remembered guide store on a touch or binding)
    import mall.sms.delivery  # noqa: F401  (sends queued text messages: the outbox handler of sms.send)
    import mall.webhooks.fanout  # noqa: F401  (turns outbox rows of webhook topics into deliveries)

    payment_subscribers.register()  # accrues at payment, after the others: the brand's account row is held to commit
    import mall.reporting.subscribers  # noqa: F401  (the reports' daily roll-up; after commission's accrual, and last)
