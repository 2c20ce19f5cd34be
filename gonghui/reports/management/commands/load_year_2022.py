"""``manage.py load_year_2022 [--scale 0.01]``: the synthetic year behind the Beijing 2022
figures (gonghui/reports/year2022.py, docs/annual-report.md)."""

import time

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.numbers import format_figure
from gonghui.plans import indicators
from gonghui.reports import year2022


class Command(BaseCommand):
    help = "Load synthetic 2022 records whose totals equal the Beijing federation's 2022 figures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="fraction of the full year (e.g. 0.01)"
        )

    def handle(self, *args, **opts):
        scale = opts["scale"]
        if not 0 < scale <= 1:
            raise CommandError("--scale must be in (0, 1]")
        started = time.monotonic()
        try:
            result = year2022.load(scale, log=lambda m: self.stdout.write(f"  {m}"))
        except year2022.LoadError as exc:
            raise CommandError(str(exc)) from None
        if result is None:
            self.stdout.write("2022 data already loaded: nothing to do")
            return
        for code, target in year2022.scaled_targets(scale).items():
            i = indicators.get(code)
            got = result[code]
            mark = "ok" if got == target else f"MISMATCH (target {target})"
            self.stdout.write(f"{i.name}: {format_figure(got, i.kind, i.unit)} {mark}")
        self.stdout.write(
            self.style.SUCCESS(f"loaded 2022 (scale {scale}) in {time.monotonic() - started:.1f}s")
        )
