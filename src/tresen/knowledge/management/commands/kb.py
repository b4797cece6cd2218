"""`tresen kb import FILE | export | search QUERY`: the knowledge base from the command line."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from tresen.knowledge import services
from tresen.knowledge.search import search


class Command(BaseCommand):
    help = "Import, export or search help-centre articles."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser("import", help="JSON Lines {id, language, title, body, ...}")
        importing.add_argument("file", help="a .jsonl file, or - for standard input")
        importing.add_argument(
            "--draft", action="store_true", help="new articles stay drafts (default: published)"
        )
        sub.add_parser("export", help="all articles as JSON Lines on standard output")
        searching = sub.add_parser("search", help="ranked hits as JSON")
        searching.add_argument("query")
        searching.add_argument("--lang", default="de", choices=["de", "en"])
        searching.add_argument("--limit", type=int, default=10)
        searching.add_argument("--json", action="store_true", help="JSON (the default as well)")
        searching.add_argument(
            "--internal", action="store_true", help="include articles for agents only"
        )

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(options["file"], publish=not options["draft"])
        elif action == "export":
            for line in services.export_lines():
                self.stdout.write(line)
        else:
            if not 1 <= options["limit"] <= 100:
                raise CommandError("--limit must be between 1 and 100")
            hits = search(options["query"], language=options["lang"], limit=options["limit"],
                          public_only=not options["internal"])  # fmt: skip
            self.stdout.write(json.dumps([h.as_json() for h in hits], ensure_ascii=False, indent=1))

    def _import(self, path: str, *, publish: bool) -> None:
        try:
            handle = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise CommandError(str(error)) from error
        with handle:
            counts = services.import_lines(handle, publish=publish)
        errors = counts.pop("errors")
        for error in errors:
            self.stderr.write(error)
        self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items()))
        if errors:
            raise CommandError(f"{len(errors)} line(s) could not be imported")
