"""What one browser session did in the help centre: articles read, votes given."""

import re

SEEN = "help_seen"
VOTES = "help_votes"
REMEMBERED = 300  # per session, the newest kept
_BOT = re.compile(r"bot|crawl|spider|slurp|facebookexternalhit|preview", re.IGNORECASE)


def is_bot(request) -> bool:
    return bool(_BOT.search(request.headers.get("User-Agent", "")))


def first_view(request, article_id: int) -> bool:
    """True once per session and article; crawlers never count (and get no session)."""
    if is_bot(request):
        return False
    seen = request.session.get(SEEN, [])
    if article_id in seen:
        return False
    request.session[SEEN] = [*seen, article_id][-REMEMBERED:]
    return True


def vote_of(request, article_id: int) -> str | None:
    return request.session.get(VOTES, {}).get(str(article_id))


def remember_vote(request, article_id: int, vote: str) -> None:
    votes = dict(request.session.get(VOTES, {}))
    votes[str(article_id)] = vote
    request.session[VOTES] = dict(list(votes.items())[-REMEMBERED:])
