"""Regressions drawn from other systems' known bugs: the known failures of other distribution systems
(issue 3), one test each, named after the failure, in a file per domain (orders, commission, referral,
withdrawals).

Each test proves the failure does not happen here, driving the real path: a visit through
record_visit, the order through checkout's place_order with the browser's visitor key, the payment
through the mock provider's page, refunds through request/approve, settlement through the job.
They all drive support.Shop; the `shop` fixture is in conftest.py.
"""
