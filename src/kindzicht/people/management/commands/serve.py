"""``kindzicht serve``: migrate, then serve the web UI and API with the watchdog running on a
schedule in the background — the embedded, single-machine way to run kindzicht (no broker, no
cron needed). Settings (database, hosts, secret key …) come from the environment as usual.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from io import StringIO

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

log = logging.getLogger("kindzicht.serve")


def _load_sweep() -> Callable[..., object] | None:
    """The watchdog's sweep, if the rules app provides one (imported lazily)."""
    try:
        module = importlib.import_module("kindzicht.rules.watchdog")
    except ImportError:
        return None
    return getattr(module, "sweep", None)


def _sweep_job(verify: bool) -> Callable[[], str] | None:
    """What the scheduler runs: ``kindzicht sweep`` (the watchdog, expired signals, sealing the
    audit chains and, when ``verify``, verifying them) where the rules app provides it, else
    the bare watchdog. Returns a one-line summary."""
    if "sweep" in get_commands():
        def job() -> str:
            out = StringIO()
            call_command("sweep", *([] if verify else ["--no-verify"]), stdout=out, stderr=out)
            return " | ".join(line for line in out.getvalue().splitlines() if line.strip())

        return job
    sweep = _load_sweep()
    if sweep is None:
        return None

    def bare() -> str:
        raised = sweep()
        return f"{len(raised) if hasattr(raised, '__len__') else raised} nieuwe taken/signalen"

    return bare


class WatchdogScheduler(threading.Thread):
    """Runs the sweep shortly after start and then every ``minutes`` minutes, in a daemon
    thread, so that alerts and escalations fall due while the server runs and the audit chains
    are sealed; the chains are verified once a day. A failing sweep is logged and retried at the
    next interval; it never stops the server."""

    VERIFY_EVERY = 24 * 3600.0

    def __init__(self, minutes: float, *, first_after: float = 5.0,
                 echo: Callable[[str], None] | None = None):
        super().__init__(name="kindzicht-watchdog", daemon=True)
        self.interval = max(1.0, minutes * 60)
        self.first_after = first_after
        self.stopped = threading.Event()
        self.runs = 0
        self.last_verify: float | None = None
        self.echo = echo or (lambda msg: log.info(msg))

    def run(self) -> None:
        wait = self.first_after
        while not self.stopped.wait(wait):
            wait = self.interval
            try:
                self.sweep_once()
            finally:
                connections.close_all()  # this thread's connections only

    def sweep_once(self) -> None:
        now = time.monotonic()
        verify = self.last_verify is None or now - self.last_verify >= self.VERIFY_EVERY
        job = _sweep_job(verify)
        if job is None:
            self.echo("watchdog: kindzicht.rules.watchdog.sweep is not available; skipped")
            return
        try:
            summary = job()
        except Exception:  # noqa: BLE001 - the server must keep running
            log.exception("watchdog sweep failed")
            self.echo("watchdog: sweep failed (see the log); retrying at the next interval")
            return
        self.runs += 1
        if verify:
            self.last_verify = now
        self.echo(f"watchdog: sweep {self.runs}: {summary}")

    def stop(self) -> None:
        self.stopped.set()


def ensure_data_dir() -> None:
    """The SQLite file lives in the data directory; create it on first use."""
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)


def migrate(stdout) -> None:
    ensure_data_dir()
    call_command("migrate", interactive=False, verbosity=0, stdout=stdout)


class Command(BaseCommand):
    help = ("Migrate, then serve kindzicht (web UI and API) with the watchdog sweeping on a "
            "schedule. Binds 127.0.0.1 unless --host says otherwise.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1",
                            help="address to bind (default 127.0.0.1; put a reverse proxy in "
                                 "front for anything else)")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8, help="worker threads")
        parser.add_argument("--sweep-minutes", type=float, default=60,
                            help="minutes between watchdog sweeps (default 60)")
        parser.add_argument("--no-sweep", action="store_true",
                            help="do not run the watchdog (run `kindzicht sweep` from cron)")
        parser.add_argument("--no-migrate", action="store_true",
                            help="do not apply migrations before serving")

    def handle(self, *args, **options) -> None:
        if not options["no_migrate"]:
            migrate(self.stdout)
        scheduler = None
        if not options["no_sweep"]:
            scheduler = WatchdogScheduler(options["sweep_minutes"], echo=self.stdout.write)
            scheduler.start()
        try:
            serve_wsgi(options["host"], options["port"], options["threads"], self.stdout.write)
        finally:
            if scheduler:
                scheduler.stop()


def serve_wsgi(host: str, port: int, threads: int, echo: Callable[[str], None]) -> None:
    """Serve with waitress (a production WSGI server in pure Python); static files come from
    the apps' static folders through Django's static files handler."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    echo(f"kindzicht draait op http://{host}:{port}/ (stoppen: Ctrl-C)")
    serve(StaticFilesHandler(get_wsgi_application()), host=host, port=port, threads=threads,
          ident="kindzicht")
