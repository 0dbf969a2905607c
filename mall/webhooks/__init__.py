"""Webhooks: a brand's endpoints, the deliveries of its public domain events to them, and their attempts.

Events reach here from the outbox (mall.outbox), written in the transaction of their cause: the outbox row
of each webhook topic is fanned out into one delivery per subscribed endpoint (mall.webhooks.fanout), and
`flask mall deliver-webhooks` posts them, signed, retrying with exponential backoff (mall.webhooks.delivery).
"""
