from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.people.staff import create_or_update_staff


class Command(BaseCommand):
    help = "Create a staff account (or add roles to one): --role is repeatable."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", help="required for a new account")
        parser.add_argument("--org", required=True, help="org code, e.g. BJ-CY")
        parser.add_argument("--role", action="append", required=True, dest="roles")
        parser.add_argument("--name", default="", help="display name")

    def handle(self, *args, **opts):
        try:
            user = create_or_update_staff(
                username=opts["username"],
                password=opts["password"],
                org_code=opts["org"],
                roles=opts["roles"],
                name=opts["name"],
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        roles = ", ".join(f"{a.role}@{a.org.code}" for a in user.role_assignments.all())
        self.stdout.write(self.style.SUCCESS(f"staff {user.username}: {roles}"))
