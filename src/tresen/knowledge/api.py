"""`GET /api/v1/kb/search`: public for published public articles; agents see internal ones."""

from ninja import Query, Router, Schema
from pydantic import Field

from tresen.accounts.models import Agent

from . import services
from .search import search

router = Router(tags=["knowledge"])


class SearchQueryIn(Schema):
    q: str = Field(..., min_length=1, max_length=200)
    lang: str = Field("de", pattern="^(de|en)$")
    limit: int = Field(10, ge=1, le=50)
    typing: bool = Field(False, description="the last word is still being typed (prefix)")


class HitOut(Schema):
    id: str = Field(description="the id the article was imported with (its key)")
    language: str
    title: str
    score: float
    snippet: str = Field(description="HTML-escaped text, matched words in <mark>")


@router.get("/search", response=list[HitOut], auth=None)
def search_articles(request, params: Query[SearchQueryIn]):
    from tresen.api import AgentSession, BearerToken

    agent = BearerToken()(request) or AgentSession()(request)
    hits = search(params.q, language=params.lang, limit=params.limit,
                  public_only=not isinstance(agent, Agent), prefix_last=params.typing)  # fmt: skip
    if not params.typing:
        services.log_search(query=params.q, language=params.lang, source="api", results=len(hits))
    return [hit.as_json() for hit in hits]
