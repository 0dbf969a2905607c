"""The outbox: work for the world outside (provider refunds, later webhooks), written with its cause.

A row is inserted in the transaction of the change it reports, so it exists if and only if that change
committed. Rows whose topic has a handler are delivered after the commit (mall.outbox.delivery), never while
the transaction that wrote them still holds its locks.
"""
