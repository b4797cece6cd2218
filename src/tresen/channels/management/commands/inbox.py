from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tresen.channels.email.imap import check_connection
from tresen.channels.email.models import AfterImport, ImapSecurity
from tresen.channels.email.services import create_email_inbox
from tresen.channels.webchat.setup import create_chat_inbox, snippet
from tresen.conversations.models import Inbox


class Command(BaseCommand):
    help = (
        "Sets up inboxes: `inbox add-email --address A [--imap-host ...]`, "
        "`inbox add-chat [--origin https://shop.example]`, `inbox list`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-email", help="add an email inbox")
        add.add_argument("--address", required=True)
        add.add_argument("--name", default="")
        add.add_argument("--imap-host", default="")
        add.add_argument("--imap-port", type=int, default=993)
        add.add_argument("--imap-security", default="ssl", choices=ImapSecurity.values)
        add.add_argument("--imap-user", default="")
        add.add_argument("--imap-password", default="")
        add.add_argument("--imap-folder", default="INBOX")
        add.add_argument("--imap-after-import", default="seen", choices=AfterImport.values)
        add.add_argument("--imap-move-to", default="")
        chat = sub.add_parser("add-chat", help="add a live chat and print its snippet")
        chat.add_argument("--name", default="Chat")
        chat.add_argument(
            "--origin", action="append", default=[], help="a shop origin (repeatable)"
        )
        chat.add_argument("--color", default="#1f5fbf")
        chat.add_argument("--base-url", default="http://127.0.0.1:8000")
        sub.add_parser("list", help="list the inboxes")

    def handle(self, *args, action, **options):
        if action == "list":
            for inbox in Inbox.objects.select_related("email"):
                self.stdout.write(f"{inbox.pk}\t{inbox.channel}\t{inbox.name}{_address(inbox)}")
            return
        if action == "add-chat":
            chat_inbox = create_chat_inbox(
                name=options["name"], origins=options["origin"], color=options["color"]
            )
            self.stdout.write(f"Chat inbox {chat_inbox.inbox_id}, key {chat_inbox.key}.")
            self.stdout.write(snippet(chat_inbox, options["base_url"]))
            return
        imap = {
            key.removeprefix("imap_"): value
            for key, value in options.items()
            if key.startswith("imap_")
        }
        try:
            email_inbox = create_email_inbox(
                address=options["address"], name=options["name"], **imap
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"Email inbox {email_inbox.inbox_id} receives mail for {email_inbox.address}."
        )
        if email_inbox.uses_imap:
            problem = check_connection(email_inbox)
            self.stdout.write(f"IMAP: {problem}" if problem else "IMAP: connected.")


def _address(inbox) -> str:
    email = getattr(inbox, "email", None)
    if email is None:
        return ""
    return f" {email.address}" + (" (IMAP)" if email.uses_imap else "")
