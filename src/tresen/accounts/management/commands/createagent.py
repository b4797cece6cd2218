from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tresen.accounts.models import Role
from tresen.accounts.services import create_agent


class Command(BaseCommand):
    help = "Creates an agent who can sign in to the workspace."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", choices=Role.values, default=Role.AGENT)
        parser.add_argument("--name", default="")
        parser.add_argument("--language", choices=["de", "en"], default="de")

    def handle(self, *args, email, password, role, name, language, **options):
        try:
            agent = create_agent(
                email=email, password=password, role=role, name=name, language=language
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"created {agent.role} {agent.email} (id {agent.pk})")
