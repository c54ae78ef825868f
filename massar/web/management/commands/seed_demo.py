"""``manage.py seed_demo``: load the demo slice of the country (safe to run again)."""

from django.core.management.base import BaseCommand

from massar.web.demo.data import LOGINS, PASSWORD
from massar.web.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load the demo establishments and logins. A second run adds nothing."

    def handle(self, *args, **options):
        created = seed_demo()
        if any(created.values()):
            summary = ", ".join(f"{count} {name}" for name, count in created.items() if count)
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        else:
            self.stdout.write("Demo data already loaded: nothing added.")
        logins = ", ".join(row.username for row in LOGINS)
        self.stdout.write(f"Demo logins: {logins} (password: {PASSWORD})")
