from django_tasks import task

from . import streams


@task()
def prune_stream_events() -> int:
    return streams.prune()
