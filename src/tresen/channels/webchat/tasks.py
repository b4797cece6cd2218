from django_tasks import task

from . import announce, routing


@task()
def sweep_chats() -> int:
    """Routes what a missed event left waiting and tells visitors when hours end."""
    routing.route()
    return announce.refresh_states()
