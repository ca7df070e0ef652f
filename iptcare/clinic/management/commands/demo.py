from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from iptcare.clinic.demo import demo_load, demo_logins


class Command(BaseCommand):
    help = "Load the demo clinic (synthetic people). Safe to run again: it changes nothing."

    def handle(self, *args: object, **options: object) -> None:
        # The demo's own events (risk flags, bookings) would email synthetic people now.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            report = demo_load()
        if report.changed:
            self.stdout.write(f"Demo clinic loaded ({len(report.created)} records created).")
        else:
            self.stdout.write("Demo clinic already loaded; nothing changed.")
        self.stdout.write("Demo logins (password for all: iptcare-demo):")
        for email, _password in demo_logins():
            self.stdout.write(f"  {email}")
