"""The `tresen` command: one entry point for running, setting up and operating Tresen."""

import argparse
import contextlib
import ctypes
import os
import signal
import subprocess
import sys

DEFAULT_DATA_DIR = "./tresen-data"


def _parser() -> argparse.ArgumentParser:
    # SUPPRESS: a subcommand's own --data-dir must not reset one given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help=f"where Tresen keeps its data (env TRESEN_DATA_DIR, default {DEFAULT_DATA_DIR})",
    )
    parser = argparse.ArgumentParser(prog="tresen", parents=[common])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("demo", "start with a demo shop"), ("run", "start Tresen")):
        serve = sub.add_parser(name, parents=[common], help=text)
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8000)
        serve.add_argument("--workers", type=int, default=1, help="web processes")
        serve.add_argument("--no-worker", action="store_true", help="run no task worker")
    worker = sub.add_parser("worker", parents=[common], help="run a task worker")
    worker.add_argument("--scheduler", action="store_true", help="also run the scheduler")
    sub.add_parser("scheduler", parents=[common], help="enqueue periodic tasks (one per site)")
    smtp = sub.add_parser("smtp", parents=[common], help="run the inbound SMTP receiver")
    smtp.add_argument("--listen", default=None, help="host:port (env TRESEN_SMTP_LISTEN)")
    inbox = sub.add_parser("inbox", parents=[common], help="set up inboxes")
    inbox.add_argument("args", nargs=argparse.REMAINDER, help="add-email --address A ... | list")
    sub.add_parser("migrate", parents=[common], help="create or update the database")
    agent = sub.add_parser("createagent", parents=[common], help="create an agent")
    agent.add_argument("--email", required=True)
    agent.add_argument("--password", required=True)
    agent.add_argument("--role", default="agent", choices=["admin", "lead", "agent"])
    agent.add_argument("--name", default="")
    token = sub.add_parser("token", parents=[common], help="API tokens")
    token_sub = token.add_subparsers(dest="action", required=True)
    create = token_sub.add_parser("create", parents=[common], help="print a new API token")
    create.add_argument("--email", required=True)
    analyze = sub.add_parser(
        "analyze", parents=[common], help="analyse JSON Lines messages (no database needed)"
    )
    analyze.add_argument("file", nargs="?", help="JSON Lines file (default: standard input)")
    analyze.add_argument(
        "--order-number-format", help="e.g. NH-###### (env TRESEN_ORDER_NUMBER_FORMAT)"
    )
    analyze.add_argument(
        "--gift-card-format", help="e.g. GC-****-**** (env TRESEN_GIFT_CARD_FORMAT)"
    )
    analyze.add_argument("--model", help="model directory (default: the active model)")
    kb = sub.add_parser("kb", parents=[common], help="knowledge base: import, export, search")
    kb.add_argument("args", nargs=argparse.REMAINDER, help="import FILE | export | search QUERY")
    nlp = sub.add_parser("nlp", parents=[common], help="language models: train, roll back")
    nlp.add_argument(
        "args", nargs=argparse.REMAINDER, help="train [--base-only] | rollback | status"
    )
    manage = sub.add_parser("manage", parents=[common], help="any Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _setup(data_dir: str | None, *, demo: bool = False) -> None:
    os.environ["TRESEN_DATA_DIR"] = os.path.abspath(
        data_dir or os.environ.get("TRESEN_DATA_DIR") or DEFAULT_DATA_DIR
    )
    if demo:
        # The demo shop's codes look like NH-128846 and NHG-8T3W-5KPD.
        os.environ.setdefault("TRESEN_ORDER_NUMBER_FORMAT", "NH-######")
        os.environ.setdefault("TRESEN_GIFT_CARD_FORMAT", "NHG-****-****")
        os.environ.setdefault("TRESEN_SHOP_NAME", "Nordhafen Home & Style")
        os.environ.setdefault("TRESEN_SHOP_COLOR", "#1d4e5f")
    if demo and not os.environ.get("TRESEN_SMTP_HOST"):
        # The demo sends its mail nowhere: replies land as .eml files in the data dir.
        os.environ.setdefault(
            "TRESEN_EMAIL_OUTBOX", os.path.join(os.environ["TRESEN_DATA_DIR"], "outbox")
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tresen.settings")
    import django

    django.setup()


def _data_dir_from_remainder(args) -> None:
    # Pass-through commands take all their words; a --data-dir among them is still ours.
    words = getattr(args, "args", None)
    if words and "--data-dir" in words[:-1]:
        at = words.index("--data-dir")
        args.data_dir = words[at + 1]
        del words[at : at + 2]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _data_dir_from_remainder(args)
    if args.command == "analyze":
        return _analyze(args)
    if getattr(args, "port", None):
        # Links in mails (sign-in, return labels) point here unless the shop says otherwise.
        os.environ.setdefault("TRESEN_PUBLIC_URL", f"http://127.0.0.1:{args.port}")
    _setup(getattr(args, "data_dir", None), demo=args.command == "demo")
    from django.core.management.base import CommandError
    from django.utils import translation

    try:
        # Operators read English, as API clients do; the workspace follows each agent.
        with translation.override("en"):
            return _dispatch(args)
    except CommandError as error:
        print(f"tresen: {error}", file=sys.stderr)
        return 1


def _dispatch(args) -> int:
    from django.core.management import call_command

    if args.command == "migrate":
        call_command("migrate", interactive=False)
    elif args.command == "worker":
        call_command("taskworker", scheduler=args.scheduler)
    elif args.command == "scheduler":
        call_command("scheduler")
    elif args.command == "smtp":
        call_command("smtpreceiver", *(["--listen", args.listen] if args.listen else []))
    elif args.command == "inbox":
        call_command("inbox", *args.args)
    elif args.command == "createagent":
        call_command(
            "createagent", email=args.email, password=args.password, role=args.role, name=args.name
        )
    elif args.command == "token":
        call_command("token", "create", email=args.email)
    elif args.command == "kb":
        call_command("kb", *args.args)
    elif args.command == "nlp":
        call_command("nlp", *args.args)
    elif args.command == "manage":
        call_command(*args.args)
    else:
        return _serve(args, demo=args.command == "demo")
    return 0


def _analyze(args) -> int:
    """Runs without Django: reading messages must not need a database or a server."""
    from pathlib import Path

    from tresen.nlp import batch, store
    from tresen.nlp.model import load

    data_dir = getattr(args, "data_dir", None) or os.environ.get("TRESEN_DATA_DIR")
    try:
        model = load(Path(args.model)) if args.model else store.active(data_dir)
        source = open(args.file, encoding="utf-8") if args.file else sys.stdin  # noqa: SIM115
    except OSError as error:
        print(f"tresen: {error}", file=sys.stderr)
        return 1
    formats = {
        "order_number_format": _format(args.order_number_format, "TRESEN_ORDER_NUMBER_FORMAT"),
        "gift_card_format": _format(args.gift_card_format, "TRESEN_GIFT_CARD_FORMAT"),
    }
    try:
        from tresen.nlp.formats import compile_format

        for template in formats.values():
            compile_format(template)
    except ValueError as error:
        print(f"tresen: {error}", file=sys.stderr)
        return 1
    with source:
        failed = batch.run(source, sys.stdout, model=model, **formats)
    return 1 if failed else 0


def _format(given: str | None, env: str) -> str:
    return given if given is not None else os.environ.get(env, "")


def _serve(args, *, demo: bool) -> int:
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if demo:
        from tresen.demo.load import DEMO_LOGIN, load_demo

        created = load_demo()
        print("Demo shop loaded." if created else "Demo shop already loaded.")
        print(f"Login: {DEMO_LOGIN[0]} / {DEMO_LOGIN[1]}")
    print(
        f"Tresen runs at http://{args.host}:{args.port}/  (data: {os.environ['TRESEN_DATA_DIR']})"
    )
    sys.stdout.flush()
    helpers = []
    if not args.no_worker:
        helpers.append(_start("worker", "--scheduler"))
    if settings.TRESEN_SMTP_LISTEN != "off":
        print(f"Mail to the inboxes' addresses is received on {settings.TRESEN_SMTP_LISTEN}")
        helpers.append(_start("smtp"))
    # uvicorn re-raises SIGTERM when it has shut down: end through `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        import uvicorn

        uvicorn.run(
            "tresen.asgi:application",
            host=args.host,
            port=args.port,
            workers=args.workers if args.workers > 1 else None,
            log_level="warning",
            lifespan="off",
            # Chat frames are small JSON: compressing each cost ~10% of the web process's CPU
            # with 500 sockets (py-spy under bench/chat_latency.py) and saved little.
            ws_per_message_deflate=False,
        )
    finally:
        for helper in helpers:
            helper.send_signal(signal.SIGTERM)
        for helper in helpers:
            try:
                helper.wait(timeout=10)
            except subprocess.TimeoutExpired:
                helper.kill()
    return 0


def _start(*command: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tresen.cli", *command], preexec_fn=_die_with_parent
    )


def _die_with_parent() -> None:
    # Linux: a helper gets SIGTERM when `tresen run` dies, even by SIGKILL.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


if __name__ == "__main__":
    sys.exit(main())
