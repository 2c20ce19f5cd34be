"""``manage.py annual_report --org BJ --year 2022 --format docx --output report.docx``."""

import pathlib

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.orgs.selectors import get_by_code
from gonghui.reports import annual, annual_render


class Command(BaseCommand):
    help = "Write an org's annual report (年度工作报告) as .docx, PDF or HTML."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="org code, e.g. BJ")
        parser.add_argument("--year", required=True)
        parser.add_argument(
            "--format",
            choices=annual_render.FORMATS,
            help="docx, pdf or html (default: from the output file's extension)",
        )
        parser.add_argument(
            "--output", help="file to write (default: annual-report-<ORG>-<YEAR>.<format>)"
        )

    def handle(self, *args, **opts):
        org = get_by_code(opts["org"].strip().upper())
        if org is None:
            raise CommandError(f"unknown org: {opts['org']}")
        try:
            year = annual.check_year(opts["year"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.message_dict["year"])) from None
        output = pathlib.Path(opts["output"]) if opts["output"] else None
        fmt = opts["format"] or (output.suffix.lstrip(".").lower() if output else "docx")
        if fmt not in annual_render.FORMATS:
            raise CommandError(f"unknown format {fmt!r}: use --format docx, pdf or html")
        report = annual.build(org, year)
        output = output or pathlib.Path(annual_render.filename(report, fmt))
        output.write_bytes(annual_render.render(report, fmt))
        self.stdout.write(report.paragraph or "(no figures for this year)")
        self.stdout.write(self.style.SUCCESS(f"wrote {output}"))
