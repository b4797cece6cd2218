"""Reply/quote/signature splitting measured against the test suites of public reply parsers.

    .venv/bin/python bench/email_quotes.py              # ours, plus the peers if set up
    .venv/bin/python bench/email_quotes.py --verbose    # list every failure with a short diff
    .venv/bin/python bench/email_quotes.py --setup-peers   # create bench/.work/quotes-peers

The expectations in bench/data/email_quotes/*.json were transcribed from each suite's own test
file (see SOURCE.md there); the inputs are the suites' fixtures under ../shared/data/email.
The peers are the suites' own Python libraries (email-reply-parser, mail-parser-reply, talon),
run in their own venv through a subprocess so the project venv stays clean, each on its own
suite's cases and judged by the same checks.
"""

import argparse
import email
import email.policy
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data" / "email_quotes"
SHARED_EMAIL = ROOT / ".." / "shared" / "data" / "email"
PEERS_VENV = BENCH / ".work" / "quotes-peers"
PEER_PACKAGES = ("email-reply-parser", "mail-parser-reply", "talon")
LONG_QUOTE = "email-github-email_reply_parser/test/emails/email_long_quote.txt"

try:
    from tresen.lib.html import to_text
    from tresen.lib.quotes import split_reply
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(ROOT / "src"))
    from tresen.lib.html import to_text
    from tresen.lib.quotes import split_reply


@dataclass
class Outcome:
    reply: str = ""
    signature: str = ""
    quoted: str = ""
    seconds: float = 0.0
    error: str = ""


@dataclass
class SuiteResult:
    suite: str
    peer: str
    cases: int = 0
    skipped: int = 0
    passed: int = 0
    failures: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.passed / self.cases if self.cases else 0.0


# --- cases ---------------------------------------------------------------------------------------


def data_available() -> bool:
    return SHARED_EMAIL.is_dir()


def load_suites() -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(DATA.glob("*.json"))]


def _first_plain_part(path: Path) -> str:
    """The decoded text/plain body, as talon's test_standard_replies reads it."""
    with path.open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True) or b""
            return payload.decode(part.get_content_charset() or "utf-8", errors="replace")
    return ""


def case_input(case: dict) -> str:
    """The plain text split_reply gets for a case."""
    if "text" in case:
        return case["text"]
    if "html_text" in case:
        return to_text(case["html_text"])
    path = SHARED_EMAIL / next(
        case[key] for key in ("fixture", "eml", "html", "raw") if key in case
    )
    if "eml" in case:
        return _first_plain_part(path)
    # newline="" keeps \r\n: line-ending handling is part of what is measured.
    with path.open(encoding="utf-8", newline="") as handle:
        raw = handle.read()
    return to_text(raw) if "html" in case else raw


def _raw_html(case: dict) -> str | None:
    if "html_text" in case:
        return case["html_text"]
    if "html" in case:
        return (SHARED_EMAIL / case["html"]).read_text(encoding="utf-8")
    return None


# --- checks --------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join((text or "").split())


def _short(text: str, limit: int = 90) -> str:
    text = _norm(text)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _difference(wanted: str, actual: str) -> str:
    """Both texts from just before where they part."""
    wanted, actual = _norm(wanted), _norm(actual)
    same = 0
    while same < min(len(wanted), len(actual)) and wanted[same] == actual[same]:
        same += 1
    start = max(0, same - 20)
    prefix = "…" if start else ""
    return f"expected {prefix}{_short(wanted[start:])}, got {prefix}{_short(actual[start:])}"


def _fields(outcome: Outcome) -> dict[str, str]:
    return {
        "reply": outcome.reply,
        "signature": outcome.signature,
        "quoted": outcome.quoted,
        "unquoted": outcome.reply + "\n" + outcome.signature,
    }


def check(expect: dict, outcome: Outcome, given: str) -> list[str]:
    """Every way ``outcome`` differs from the case's expectation (empty when it passes)."""
    if outcome.error:
        return [f"error: {outcome.error}"]
    fields = _fields(outcome)
    problems = []
    for key, wanted in expect.items():
        name, _, test = key.partition("_")
        actual = fields.get(name, "")
        if key == "max_seconds":
            if outcome.seconds > wanted:
                problems.append(f"took {outcome.seconds:.2f} s > {wanted} s")
        elif key == "runs":
            continue
        elif key == "unchanged":
            if _norm(outcome.reply) != _norm(given) or outcome.signature or outcome.quoted:
                problems.append(
                    f"changed: reply {_short(outcome.reply)}, "
                    f"signature {_short(outcome.signature)}, quoted {_short(outcome.quoted)}"
                )
        elif not test:
            if _norm(actual) != _norm(wanted):
                problems.append(f"{name}: {_difference(wanted, actual)}")
        elif test == "contains":
            problems += [
                f"{name} lacks {_short(part)}"
                for part in wanted
                if _norm(part) not in _norm(actual)
            ]
        elif test == "not_contains":
            problems += [
                f"{name} has {_short(part)}" for part in wanted if _norm(part) in _norm(actual)
            ]
        elif test == "startswith":
            if not _norm(actual).startswith(_norm(wanted)):
                problems.append(f"{name} starts {_short(actual, 40)}, not {_short(wanted, 40)}")
        elif test == "empty":
            if actual.strip():
                problems.append(f"{name} should be empty, got {_short(actual)}")
        elif test == "nonempty":
            if not actual.strip():
                problems.append(f"{name} should not be empty")
        else:
            raise ValueError(f"unknown expectation {key!r}")
    return problems


# --- running -------------------------------------------------------------------------------------


def run_ours(text: str, split: Callable = split_reply) -> Outcome:
    started = time.perf_counter()
    try:
        result = split(text)
    except Exception as error:  # a crash is a failed case, not a crashed bench
        return Outcome(error=f"{type(error).__name__}: {error}")
    seconds = time.perf_counter() - started
    return Outcome(result.reply, result.signature, result.quoted, seconds)


def evaluate(suite: dict, outcomes: dict[str, Outcome], peer: str = "") -> SuiteResult:
    result = SuiteResult(suite["suite"], peer)
    for case in suite["cases"]:
        if "skipped" in case:
            result.skipped += 1
            continue
        result.cases += 1
        problems = check(case["expect"], outcomes[case["id"]], case_input(case))
        if problems:
            result.failures.append((case["id"], problems))
        else:
            result.passed += 1
    return result


def evaluate_ours(split: Callable = split_reply) -> list[SuiteResult]:
    """Our split on every suite: what tests/lib/test_quotes.py asserts on."""
    results = []
    for suite in load_suites():
        outcomes = {
            case["id"]: run_ours(case_input(case), split)
            for case in suite["cases"]
            if "skipped" not in case
        }
        results.append(evaluate(suite, outcomes))
    return results


def overall_rate(results: list[SuiteResult]) -> float:
    cases = sum(result.cases for result in results)
    return sum(result.passed for result in results) / cases if cases else 0.0


# --- peers ---------------------------------------------------------------------------------------

# Runs inside the peers' venv: reads cases as JSON on stdin, writes outcomes as JSON.
PEER_ADAPTER = r"""
import json, sys, time

def shim_old_sklearn():
    # talon's signature module still imports sklearn.externals.joblib
    try:
        import joblib, sklearn.externals, sklearn.svm._classes
        sklearn.externals.joblib = joblib
        sys.modules["sklearn.externals.joblib"] = joblib
        sys.modules["sklearn.svm.classes"] = sklearn.svm._classes
    except ImportError:
        pass

def email_reply_parser(case):
    from email_reply_parser import EmailReplyParser
    fragments = EmailReplyParser.read(case["text"]).fragments
    join = lambda keep: "\n".join(f.content for f in fragments if keep(f)).strip()
    return (join(lambda f: not f.hidden and not f.signature), join(lambda f: f.signature),
            join(lambda f: f.hidden and not f.signature))

def mail_parser_reply(case):
    from mailparser_reply import EmailReplyParser
    replies = EmailReplyParser(languages=case.get("languages") or ["en"]).read(case["text"]).replies
    if not replies:
        return "", "", ""
    return (replies[0].body, replies[0].signatures,
            "\n".join(reply.content for reply in replies[1:]))

TALON_READY = False

def talon(case):
    global TALON_READY
    if not TALON_READY:
        shim_old_sklearn()
        import talon as package
        try:
            package.init()
        except Exception:
            pass
        TALON_READY = True
    from talon import quotations
    from talon.signature import bruteforce
    if case.get("html") is not None:
        # HTML out: the bench turns it into text with the same to_text as for our split
        return quotations.extract_from_html(case["html"]), "", ""
    unquoted = quotations.extract_from_plain(case["text"])
    if case.get("sender") is not None:
        from talon import signature
        reply, sig = signature.extract(unquoted, case["sender"])
    else:
        reply, sig = bruteforce.extract_signature(unquoted)
    return reply, sig or "", ""

RUNNERS = {"email-reply-parser": email_reply_parser, "mail-parser-reply": mail_parser_reply,
           "talon": talon}

results = {}
for case in json.load(sys.stdin):
    started = time.perf_counter()
    try:
        reply, sig, quoted = RUNNERS[case["peer"]](case)
        results[case["key"]] = {
            "reply": reply or "", "signature": sig or "", "quoted": quoted or "",
            "seconds": time.perf_counter() - started,
        }
    except Exception as error:
        results[case["key"]] = {"error": f"{type(error).__name__}: {error}"[:200]}
json.dump(results, sys.stdout)
"""


def peers_python() -> Path:
    return PEERS_VENV / "bin" / "python"


def setup_peers() -> list[str]:
    """Create the peers' venv and install what installs; returns the packages that did."""
    if not peers_python().exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    installed = []
    for package in PEER_PACKAGES:
        pip = [str(peers_python()), "-m", "pip", "install", "-q", package]
        if subprocess.run(pip, check=False).returncode == 0:
            installed.append(package)
        else:
            print(f"peer {package}: does not install, skipped")
    return installed


def peer_names(suites: list[dict]) -> list[str]:
    return sorted({suite["peer"] for suite in suites if suite.get("peer")})


def _measured_cases(suite: dict) -> list[dict]:
    return [case for case in suite["cases"] if "skipped" not in case]


def run_peers(suites: list[dict]) -> dict[tuple[str, str], SuiteResult]:
    """Every peer library on every suite, keyed (suite, peer): its own and the others'."""
    names = peer_names(suites)
    payload = [
        {
            "key": f"{name}|{suite['suite']}/{case['id']}",
            "peer": name,
            "text": case_input(case),
            "html": _raw_html(case),
            "languages": case.get("languages"),
            "sender": case.get("sender"),
        }
        for suite in suites
        for case in _measured_cases(suite)
        for name in names
    ]
    completed = subprocess.run(
        [str(peers_python()), "-c", PEER_ADAPTER],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if completed.returncode != 0:
        print("peers failed:", completed.stderr[-2000:])
        return {}
    raw = json.loads(completed.stdout)
    results = {}
    for suite in suites:
        for name in names:
            outcomes = {}
            for case in _measured_cases(suite):
                outcome = Outcome(**raw[f"{name}|{suite['suite']}/{case['id']}"])
                if _raw_html(case) is not None:
                    outcome.reply = to_text(outcome.reply)
                outcomes[case["id"]] = outcome
            results[(suite["suite"], name)] = evaluate(suite, outcomes, name)
    return results


# --- report --------------------------------------------------------------------------------------


def _time_long_quote() -> float:
    text = (SHARED_EMAIL / LONG_QUOTE).read_text(encoding="utf-8")
    started = time.perf_counter()
    split_reply(text)
    return time.perf_counter() - started


def print_report(
    ours: list[SuiteResult],
    peers: dict[tuple[str, str], SuiteResult],
    own_peer: dict[str, str],
    verbose: bool,
) -> None:
    print(f"{'suite':<28} {'cases':>5} {'skipped':>7} {'passed':>6} {'rate':>7}   own library")
    for result in ours:
        peer = peers.get((result.suite, own_peer.get(result.suite, "")))
        peer_text = f"{peer.peer} {peer.passed}/{peer.cases} = {peer.rate:.1%}" if peer else "-"
        print(
            f"{result.suite:<28} {result.cases:>5} {result.skipped:>7} {result.passed:>6} "
            f"{result.rate:>7.1%}   {peer_text}"
        )
    cases = sum(result.cases for result in ours)
    passed = sum(result.passed for result in ours)
    skipped = sum(result.skipped for result in ours)
    print(f"{'overall':<28} {cases:>5} {skipped:>7} {passed:>6} {overall_rate(ours):>7.1%}")
    for name in sorted({peer for _, peer in peers}):
        mine = [result for (_, peer), result in peers.items() if peer == name]
        passed_all = sum(result.passed for result in mine)
        print(f"{name[:28]:<28} {cases:>5} {skipped:>7} {passed_all:>6} "
              f"{overall_rate(mine):>7.1%}   (a peer on all suites)")  # fmt: skip
    print(f"long quote (767 KB): {_time_long_quote() * 1000:.0f} ms")
    if not verbose:
        return
    own_results = [peers[key] for key in peers if own_peer.get(key[0]) == key[1]]
    for label, results in (("ours", ours), ("peer", own_results)):
        for result in results:
            for case_id, problems in result.failures:
                name = f"{result.peer} " if label == "peer" else ""
                print(f"\nFAIL {label} {name}{result.suite} {case_id}")
                for problem in problems:
                    print(f"    {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list failures with a short diff")
    parser.add_argument("--no-peers", action="store_true", help="measure only our split")
    parser.add_argument("--setup-peers", action="store_true", help="create the peers' venv")
    args = parser.parse_args()
    if not data_available():
        print(f"no test data at {SHARED_EMAIL.resolve()}")
        return 0
    if args.setup_peers:
        setup_peers()
    ours = evaluate_ours()
    suites = load_suites()
    peers = {}
    if not args.no_peers and peers_python().exists():
        peers = run_peers(suites)
    own_peer = {suite["suite"]: suite.get("peer", "") for suite in suites}
    print_report(ours, peers, own_peer, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
