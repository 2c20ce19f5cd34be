from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from gonghui.hotline import partitioning


def _years(text: str) -> range:
    first, _, last = text.partition("-")
    try:
        return range(int(first), int(last or first) + 1)
    except ValueError:
        raise CommandError("--years: YYYY or YYYY-YYYY") from None


class Command(BaseCommand):
    help = (
        "Partition hotline_appeal by province (LIST on district_id) and year (RANGE on "
        "received_at), PostgreSQL only, in one transaction. --dry-run prints the SQL. "
        "Layout, keys and references: gonghui/hotline/partitioning.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("--by", default="province,year", choices=["province,year"])
        parser.add_argument("--years", help="YYYY-YYYY (default: the oldest appeal's to next)")
        parser.add_argument("--dry-run", action="store_true", help="print the SQL, change nothing")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("declarative partitioning needs PostgreSQL")
        years = _years(opts["years"]) if opts["years"] else partitioning.default_years()
        try:
            statements = partitioning.layout_sql(years)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if opts["dry_run"]:
            self.stdout.write("BEGIN;")
            for sql in statements:
                self.stdout.write(f"{sql};")
            self.stdout.write("COMMIT;")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        self.stdout.write(
            f"hotline_appeal partitioned by province and year ({years.start}-{years.stop - 1})"
        )
