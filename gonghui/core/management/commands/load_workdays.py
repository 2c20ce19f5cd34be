import csv
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gonghui.core.models import WorkdayOverride
from gonghui.core.workdays import fill_calendar, forget_overrides


class Command(BaseCommand):
    help = (
        "Load a year's holiday schedule from CSV (date,type,name) where type is 休 / holiday "
        "or 班 / workday. Replaces the rows of the years present in the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_path")

    def handle(self, csv_path, **opts):
        rows = []
        try:
            with open(csv_path, encoding="utf-8-sig", newline="") as f:
                for n, row in enumerate(csv.reader(f), start=1):
                    if not row or row[0].strip().lower() in ("date", "日期"):
                        continue
                    try:
                        day = datetime.date.fromisoformat(row[0].strip())
                    except ValueError:
                        raise CommandError(f"第{n}行：日期格式应为 YYYY-MM-DD") from None
                    kind = (row[1] if len(row) > 1 else "").strip().lower()
                    if kind in ("休", "holiday", "off"):
                        is_workday = False
                    elif kind in ("班", "workday", "work"):
                        is_workday = True
                    else:
                        raise CommandError(f"第{n}行：类型应为 休/holiday 或 班/workday")
                    rows.append((day, is_workday, (row[2] if len(row) > 2 else "").strip()))
        except OSError as exc:
            raise CommandError(str(exc)) from None
        years = {d.year for d, *_ in rows}
        with transaction.atomic():
            WorkdayOverride.objects.filter(date__year__in=years).delete()
            WorkdayOverride.objects.bulk_create(
                WorkdayOverride(date=d, is_workday=w, name=name[:50]) for d, w, name in rows
            )
            fill_calendar()  # the calendar table follows the schedule (bulk_create sends no signal)
            forget_overrides(*years)  # nor does it drop the kept rows
        self.stdout.write(f"loaded {len(rows)} days for {sorted(years)}")
