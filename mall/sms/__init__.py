"""Text messages: the provider seam (a mock in development), and one-time codes that prove a phone is yours.

Messages go out through the outbox (topic sms.send) after the transaction that asked for them commits, so a
rolled-back request sends nothing and a provider that is down is retried by `flask mall deliver-outbox`.
"""
