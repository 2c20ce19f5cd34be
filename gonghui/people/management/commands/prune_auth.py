from django.core.management.base import BaseCommand

from gonghui.people.auth import prune_expired


class Command(BaseCommand):
    help = "Delete expired API tokens and old SMS codes (run daily from cron)."

    def handle(self, *args, **opts):
        tokens, codes = prune_expired()
        self.stdout.write(f"deleted {tokens} tokens, {codes} sms codes")
