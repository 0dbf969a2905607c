"""`flask mall …`: every verb is idempotent and safe to run on several hosts at once.

Each command owns its transactions: the jobs it runs (mall.jobs) commit per item.
"""
import click
from flask import Flask
from flask.cli import AppGroup

from mall.metrics import job_run, record_audit

mall_cli = AppGroup("mall", help="Mall jobs and data.")


def register(app: Flask) -> None:
    app.cli.add_command(mall_cli)


@mall_cli.command("demo")
def demo_command() -> None:
    """Load deterministic demo data (brands, stores, people, products, orders in every state)."""
    from mall.demo import load_demo

    summary = load_demo()
    click.echo(summary)


@mall_cli.command("deliver-callbacks")
def deliver_callbacks_command() -> None:
    """Retry the mock provider's undelivered payment callbacks (each claimed before it is sent)."""
    from flask import current_app

    from mall.payments.mock.delivery import deliver_pending

    with job_run("deliver-callbacks") as handled:
        delivered, failed = deliver_pending(current_app._get_current_object())
        handled(delivered)
    click.echo(f"delivered {delivered}, failed {failed}")


@mall_cli.command("deliver-outbox")
def deliver_outbox_command() -> None:
    """Deliver due outbox rows (provider refunds) that were not delivered right after their commit; retries back off."""
    from mall.clock import utcnow
    from mall.extensions import db
    from mall.outbox.delivery import deliver_due

    with job_run("deliver-outbox") as handled:
        delivered, failed = deliver_due(db.session, now=utcnow())
        handled(delivered)
    click.echo(f"delivered {delivered}, failed {failed}")


@mall_cli.command("deliver-webhooks")
def deliver_webhooks_command() -> None:
    """Post due webhook deliveries to the brands' endpoints, retrying failed ones with backoff."""
    from flask import current_app

    from mall.clock import utcnow
    from mall.extensions import db
    from mall.outbox.delivery import deliver_due as deliver_outbox
    from mall.webhooks.addresses import private_allowed
    from mall.webhooks.delivery import deliver_due

    deliver_outbox(db.session, now=utcnow())  # events not yet fanned out (their request's delivery failed)
    delivered, failed = deliver_due(db.session, now=utcnow(), allow_private=private_allowed(current_app.config))
    click.echo(f"delivered {delivered} webhooks, {failed} failed (retried later)")


@mall_cli.command("run-imports")
def run_imports_command() -> None:
    """Run queued product CSV imports (each claimed once, so several hosts may run this)."""
    from mall.clock import utcnow
    from mall.extensions import db
    from mall.jobs.imports import run_queued_imports

    with job_run("run-imports") as handled:
        ran = run_queued_imports(db.session, now=utcnow())
        handled(ran)
    click.echo(f"ran {ran} imports")


@mall_cli.command("cancel-unpaid")
def cancel_unpaid_command() -> None:
    """Cancel orders unpaid for ORDER_PAYMENT_TIMEOUT_MINUTES and release their stock (each order once)."""
    from flask import current_app

    from mall.clock import utcnow
    from mall.extensions import db
    from mall.jobs.unpaid import cancel_unpaid

    with job_run("cancel-unpaid") as handled:
        cancelled = cancel_unpaid(db.session, now=utcnow(),
                                  older_than_minutes=current_app.config["ORDER_PAYMENT_TIMEOUT_MINUTES"])
        handled(cancelled)
    click.echo(f"cancelled {cancelled} unpaid orders")


@mall_cli.command("settle")
def settle_command() -> None:
    """Complete shipped orders after the brand's N days, then settle commission past the freeze period."""
    from mall.clock import utcnow
    from mall.extensions import db
    from mall.jobs.settle import auto_complete, settle_due

    now = utcnow()
    with job_run("settle") as handled:
        completed = auto_complete(db.session, now=now)
        settled = settle_due(db.session, now=now)
        handled(settled)
    click.echo(f"completed {completed} orders, settled {settled} commission shares")


@mall_cli.command("journeys-tick")
def journeys_tick_command() -> None:
    """Move customers quiet for their brand's N days into the silent state (each once, safe on several hosts)."""
    from mall.clock import utcnow
    from mall.extensions import db
    from mall.journeys.tick import silent_tick

    click.echo(f"{silent_tick(db.session, now=utcnow())} customers became silent")


@mall_cli.command("audit")
def audit_command() -> None:
    """Check the books (balances, ratios, traceability); exits 1 on any violation."""
    from mall.commission.audit_books import audit_books
    from mall.extensions import db

    with job_run("audit") as handled:
        report = audit_books(db.session)
        db.session.rollback()  # the audit only reads
        handled(sum(check.checked for check in report.checks))
    record_audit({check.name: check.count for check in report.checks})
    for check in report.checks:
        click.echo(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.checked} checked, "
                   f"{check.count} violations")
        for violation in check.violations:
            click.echo(f"       {violation}")
    click.echo("books are consistent" if report.ok else "books have violations")
    if not report.ok:
        raise click.exceptions.Exit(1)


@mall_cli.command("media-copy-local")
def media_copy_local_command() -> None:
    """Copy images kept in instance/uploads into the configured media store (once, when moving to S3)."""
    from flask import current_app

    from mall.media.copy_local import copy_local_files
    from mall.media.extension import media
    from mall.media.local_store import upload_folder

    copied, present = copy_local_files(upload_folder(current_app.instance_path), media.store)
    click.echo(f"copied {copied} images, {present} already in the store")
