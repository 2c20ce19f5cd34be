from django.core.management.base import BaseCommand
from django.db import transaction

from gonghui.assistance.campaigns.demo import load_campaigns
from gonghui.assistance.demo import load_hardship
from gonghui.governance.demo import load_warnings
from gonghui.honors.demo import load_honors
from gonghui.hotline.demo import load_appeals
from gonghui.orgs.demo import load_orgs
from gonghui.partners.demo import load_partners
from gonghui.people.demo import DEMO_PASSWORD, load_demo_worker, load_staff, load_workers
from gonghui.plans.demo import load_plans
from gonghui.services.demo import load_projects
from gonghui.services.health.demo import seed_health_demo
from gonghui.socialwork.demo import load_socialwork
from gonghui.stations.demo import load_stations
from gonghui.topics.demo import load_topics


class Command(BaseCommand):
    help = "Load the demo federation (orgs, staff, workers). Safe to run repeatedly."

    def handle(self, *args, **opts):
        with transaction.atomic():
            orgs = load_orgs()
            load_staff()
            added = load_workers()
            load_demo_worker()
            appeals = load_appeals()
            stations = load_stations()
            projects = load_projects()
            seed_health_demo()
            load_partners()
            load_hardship()
            load_campaigns()
            load_honors()
            load_socialwork()
            load_plans()
            load_warnings()
            load_topics()
        self.stdout.write(
            self.style.SUCCESS(
                f"demo data: {len(orgs)} orgs, {added} new workers, {appeals} new appeals, "
                f"{stations} new stations, {projects} new service projects; health checks, "
                "partners, hardship files, campaigns, honors, social workers' caseloads, the "
                "service plans, 欠薪预警 and 每月一题 loaded; "
                f"staff password {DEMO_PASSWORD} (see README)"
            )
        )
