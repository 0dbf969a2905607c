"""`flask mall …`: every verb is idempotent and safe to run on several hosts at once."""
import click
from flask import Flask
from flask.cli import AppGroup

mall_cli = AppGroup("mall", help="Mall jobs and data.")


def register(app: Flask) -> None:
    app.cli.add_command(mall_cli)


@mall_cli.command("demo")
def demo_command() -> None:
    """Load deterministic demo data (brands, stores, people, products, orders in every state)."""
    from mall.demo import load_demo

    summary = load_demo()
    click.echo(summary)
