from django.core.management.base import BaseCommand, CommandError

from tresen.accounts.models import Agent
from tresen.accounts.services import create_token


class Command(BaseCommand):
    help = "Manages API tokens: `token create --email E` prints a new token for that agent."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="print a new API token for an agent")
        create.add_argument("--email", required=True)
        create.add_argument("--name", default="")

    def handle(self, *args, action, email, name, **options):
        agent = Agent.objects.filter(email__iexact=email, is_active=True).first()
        if agent is None:
            raise CommandError(f"no active agent with the email {email}")
        self.stdout.write(create_token(agent=agent, name=name))
