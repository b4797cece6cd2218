"""`tresen nlp train | rollback | status`: the message-reading models."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tresen.conversations.topic_training import retrain
from tresen.nlp import corpus, public_sets, store
from tresen.nlp.model import BASE_MODEL
from tresen.nlp.train import train


class Command(BaseCommand):
    help = "Train the topic/sentiment/urgency model, go back to the previous one, or show it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        training = sub.add_parser("train", help="retrain on the shop's labelled conversations")
        training.add_argument(
            "--base-only", action="store_true", help="rebuild the shipped base model only"
        )
        training.add_argument("--output", help="with --base-only: where to write it")
        training.add_argument(
            "--public-from", help="with --base-only: rebuild data/public.jsonl from this folder"
        )
        training.add_argument("--force", action="store_true", help="even with few new labels")
        sub.add_parser("rollback", help="make the previous model version active again")
        sub.add_parser("status", help="the active model and its last training report")

    def handle(self, *args, action, **options):
        if action == "train" and options["base_only"]:
            self._train_base(options["output"], options["public_from"])
        elif action == "train":
            report = retrain(force=options["force"])
            if report is None:
                self.stdout.write("Not enough new topic corrections to retrain (use --force).")
            else:
                self.stdout.write(json.dumps(report, indent=1))
        elif action == "rollback":
            try:
                self.stdout.write(f"Active model: {store.roll_back(settings.DATA_DIR)}")
            except LookupError as error:
                raise CommandError(str(error)) from error
        else:
            model = store.active(settings.DATA_DIR)
            info = {"path": str(store.active_path(settings.DATA_DIR)), **model.meta}
            self.stdout.write(json.dumps(info, indent=1, ensure_ascii=False))

    def _train_base(self, output: str | None, public_from: str | None) -> None:
        if public_from:
            rows = public_sets.records(Path(public_from))
            with (corpus.DATA / "public.jsonl").open("w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            self.stdout.write(f"{len(rows)} public rows written to {corpus.DATA / 'public.jsonl'}")
        model = train(corpus.base(), version="base")
        target = Path(output) if output else BASE_MODEL
        model.save(target)
        self.stdout.write(
            f"Base model written to {target}: {model.meta['rows']} rows, "
            f"{model.meta['features']} features."
        )
