"""`flask` commands: demo data, the worker (outbox, badge runs), mail and user
administration, badges, backups, e-invoices."""

import logging
import signal
import time

import click
from flask import Flask
from flask.cli import AppGroup

from ..database import unit_of_work
from ..services import accounts, outbox
from ..services.badges import jobs as badge_jobs
from ..services.badges.arrival import warm_up
from ..services.worker import one_round

mail_cli = AppGroup("mail", help="The mail outbox.")
users_cli = AppGroup("users", help="Accounts.")


@mail_cli.command("send-pending")
def send_pending():
    """Send every due message in the outbox once, then exit."""
    report = outbox.deliver_pending()
    if not report.configured:
        click.echo("SMTP_HOST is not set: nothing sent; the messages wait in the outbox.")
        return
    click.echo(f"sent {report.sent}, to retry {report.retried}, failed {report.failed}")


@click.command("worker")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Run one round and exit.")
def worker(interval, once):
    """Deliver the outbox and render badge print runs, continuously (several workers
    may run at once, on one host or several)."""
    log = logging.getLogger("summit.worker")  # through the app's handler (summit/logs.py)
    stopping = False
    if not once:  # the first badge run after a start is as quick as the next
        warm_up()
    log.info("Worker %s started", badge_jobs.renderer_name())

    def stop(_signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not outbox.smtp_configured():
        log.warning("SMTP_HOST is not set: messages stay in the outbox (see /manage/outbox).")
    while not stopping:
        one_round()
        if once:
            break
        deadline = time.monotonic() + interval
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.2)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", default="")
@click.option("--admin", is_flag=True, help="Make a site admin (creates events, grants roles).")
@click.password_option()
def create_user(email, name, admin, password):
    """Create an account (or give an existing one a new password)."""
    with unit_of_work():
        user = accounts.find_user(email) or accounts.create_user(email, name=name)
        user.set_password(password)
        if admin:
            user.is_site_admin = True
    click.echo(f"{user.email}{' (site admin)' if user.is_site_admin else ''}")


@click.command("demo")
def demo():
    """Create demo events and users; running it again changes nothing."""
    from ..demo import create_demo

    for line in create_demo():
        click.echo(line)


def register_cli(app: Flask) -> None:
    from .backup import backup_cli
    from .badges import badges
    from .checkin import checkin_cli
    from .events import events_cli
    from .invoices import invoices_cli

    app.cli.add_command(backup_cli)
    app.cli.add_command(badges)
    app.cli.add_command(checkin_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(invoices_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(worker)
    app.cli.add_command(demo)
