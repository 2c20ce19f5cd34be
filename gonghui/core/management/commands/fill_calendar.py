import datetime

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.workdays import fill_calendar


class Command(BaseCommand):
    help = (
        "Fill the working-day calendar table (CalendarDay) from chinese-calendar and the loaded "
        "holiday schedules, to the end of next year or to --until YYYY-MM-DD."
    )

    def add_arguments(self, parser):
        parser.add_argument("--until", help="last day to hold (YYYY-MM-DD)")

    def handle(self, *args, until=None, **opts):
        try:
            last = datetime.date.fromisoformat(until) if until else None
        except ValueError:
            raise CommandError("--until 应为 YYYY-MM-DD") from None
        self.stdout.write(f"{fill_calendar(last)} days written")
