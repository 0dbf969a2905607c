"""Who ends transactions: the request, the job or the CLI command, never a domain service.

A request is one transaction. After the view returns, a response below 400 commits it and anything else
(a 4xx form error, a 500) rolls it back, so a view that shows an error after a failed domain call keeps
nothing of it. A view that must keep some work despite an error response (the mock bank's failed card
attempt, which the buyer is told about with a 402) or that calls outside after its work is safe (checkout
before starting the payment) calls commit() itself; one that shows a page after a failed call first drops
what that call did with rollback(). An exception escaping the view rolls back in teardown.

commit() also delivers, right after the commit, the outbox rows the transaction wrote (mall.outbox.delivery):
the provider's refund of an approved request happens there, with no transaction open, and its outcome is
booked in a transaction of its own. Whatever fails there is retried by `flask mall deliver-outbox`.
"""
from flask import Flask, Response

from mall.clock import utcnow
from mall.database import plain_session
from mall.extensions import db
from mall.outbox.delivery import deliver_queued
from mall.outbox.queue import take_queued


def commit(session=None, *, now=None) -> None:
    """Commit the current transaction, then deliver the outbox rows it wrote (their outcome booked at `now`,
    by default the clock's: the demo, replaying the past, passes its own)."""
    if session is None and not db.session.registry.has():
        return  # this request never asked for a session (a page from the cache): nothing began, nothing queued
    session = plain_session(session if session is not None else db.session)
    queued = take_queued(session)
    if session.in_transaction():  # else nothing began (a page served from the cache): nothing to commit
        session.commit()
    if queued:
        # A handler's failure is recorded on its row for the job to retry; only a broken database gets out.
        deliver_queued(session, queued, now=now or utcnow())


def rollback(session=None) -> None:
    """Discard the current transaction and what it queued for the outbox."""
    session = plain_session(session if session is not None else db.session)
    take_queued(session)
    session.rollback()


def init_app(app: Flask) -> None:
    # Registered before every other after_request hook, so it runs after them (Flask runs them in reverse).
    @app.after_request
    def end_request_transaction(response: Response) -> Response:
        if response.status_code < 400:
            commit()
        else:
            rollback()
        return response

    @app.teardown_request
    def discard_on_error(error) -> None:
        if error is not None:
            rollback()
