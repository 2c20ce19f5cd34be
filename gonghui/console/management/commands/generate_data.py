import time

from django.core.management.base import BaseCommand, CommandError

from gonghui.console.synthetic import run
from gonghui.console.synthetic.scales import SCALES, scaled


class Command(BaseCommand):
    help = (
        "Generate realistic synthetic data in bulk (workers, stations, 12351 appeals, service "
        "sessions, aid campaigns) on top of the demo org tree. Deterministic per --seed. "
        "docs/data-generation.md"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--fraction", type=float, default=1.0, help="a fraction of the scale (to measure)"
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="first empty the generated tables (all their rows, demo rows too) and delete "
            "the generated grassroots unions",
        )

    def handle(self, *args, **opts):
        from gonghui.orgs.demo import load_orgs

        using = "default"  # the generator reads reference rows through the default routing
        if opts["reset"]:
            tables = run.reset(using)
            self.stdout.write(f"reset: emptied {len(tables)} tables: {', '.join(tables)}")
        elif run.already_generated(using):
            raise CommandError(
                "This database already holds generated data (grassroots unions with '-SYN' in "
                "their code). Use an empty database, or --reset to empty the generated tables "
                "(all their rows) first."
            )
        load_orgs()
        scale = scaled(SCALES[opts["scale"]], opts["fraction"])
        t0, c0 = time.perf_counter(), time.process_time()
        writer = run.generate(scale, opts["seed"], using=using, log=self.stderr.write)
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
        rows = writer.report()
        rows.append(("total", sum(r[1] for r in rows), total, cpu))
        width = max(len(r[0]) for r in rows)
        self.stdout.write(
            f"{'table'.ljust(width)}  {'rows':>12}  {'seconds':>9}  {'rows/s':>10}"
            f"  {'CPU s':>8}  {'rows/CPU s':>10}"
        )
        for table, n, seconds, cpu_s in rows:
            rate = n / seconds if seconds else 0
            cpu_rate = n / cpu_s if cpu_s else 0
            self.stdout.write(
                f"{table.ljust(width)}  {n:>12,}  {seconds:>9.1f}  {rate:>10,.0f}"
                f"  {cpu_s:>8.1f}  {cpu_rate:>10,.0f}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"generated scale {scale.name}, seed {opts['seed']} ({writer.connection.vendor})"
            )
        )
