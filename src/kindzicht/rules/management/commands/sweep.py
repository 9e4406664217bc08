"""``kindzicht sweep``: run the watchdog once (idempotent), the FG's unusual-access reports of
the day before, seal the audit chains and verify them (alerting administrators and the FG when
that fails) — what cron (or ``kindzicht serve``'s scheduler) runs every night."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kindzicht.core import audit, clock


class Command(BaseCommand):
    help = "Run the watchdog for today (or --date), seal and verify the audit chains."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Sweep as of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--full", action="store_true",
                            help="Re-evaluate every child, not only those whose rule state can "
                            "have changed since the last sweep (the nightly default becomes "
                            "a full sweep by itself when that cannot be known).")
        parser.add_argument("--no-verify", action="store_true",
                            help="Skip the audit chain verification (it runs once per day "
                            "anyway: later sweeps that day report the recorded outcome).")

    def handle(self, *args, **options):
        from kindzicht.rules.watchdog import sweep

        day = clock.today()
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: not a date (YYYY-MM-DD): {options['date']}") from exc
        raised = sweep(day, full=options["full"])
        summary = ", ".join(f"{c}: {n}" for c, n in sorted(raised.by_code.items())) or \
            "niets nieuws"
        plan = raised.plan
        if plan.mode == "nightly":
            how = f"{plan.children} kinderen met iets nieuws"
        else:
            how = "volledig" + (f", want {plan.reason}" if plan.reason else "")
        self.stdout.write(f"Sweep {day} ({how}): {len(raised)} nieuwe taken/signalen "
                          f"({summary}).")
        from kindzicht.oversight.services import daily_reports

        findings = daily_reports(day)
        if findings:
            self.stdout.write(f"Ongebruikelijke toegang: {len(findings)} nieuwe bevindingen "
                              "voor de functionaris gegevensbescherming.")
        from kindzicht.rules.digest import send_digests

        digests = send_digests(day)
        if digests:
            self.stdout.write(f"Dagelijkse samenvatting verstuurd aan {digests} professionals.")
        from kindzicht.core.outbox import send_pending

        resent = send_pending()
        if resent:
            self.stdout.write(f"Uitgestelde meldingen alsnog verstuurd: {resent}.")
        extra = self._retention(day)
        if extra:
            self.stdout.write(extra)
        seal = audit.seal()
        if seal is not None:
            self.stdout.write(f"Audit verzegeld: seal {seal.pk} {seal.hash[:16]}…")
        if not options["no_verify"]:
            daily = audit.verify_daily(day)
            from kindzicht.oversight.alerts import audit_verification_alerts

            alerts = audit_verification_alerts(daily, day)
            if alerts:
                self.stderr.write(f"Waarschuwing gestuurd aan beheerders en FG ({len(alerts)} "
                                  "organisaties).")
            if not daily.ok:
                for p in daily.problems:
                    self.stderr.write(p)
                raise CommandError(f"Audit chain verification of {day} failed: "
                                   f"{(daily.problems or ['?'])[0]}")
            self.stdout.write(f"Audit-keten geverifieerd voor {day}: in orde"
                              + ("." if daily.ran else " (al eerder vandaag)."))

    @staticmethod
    def _retention(day: date) -> str:
        """The reference index: expired signals leave it, moves are followed, and its archive
        is purged past the retention period (kindzicht.index.sweep); then every other data
        kind past its retention period is purged (kindzicht.privacy.retention)."""
        from kindzicht.index.sweep import run
        from kindzicht.privacy.retention import run as retention_run

        return "\n".join(run(day) + retention_run(day))
