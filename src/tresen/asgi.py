import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tresen.settings")

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

# Static files are few and served by the app itself: no separate web server to set up.
application = ASGIStaticFilesHandler(get_asgi_application())
