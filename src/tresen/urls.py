from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from tresen.api import api
from tresen.channels.email.views import original as original_mail
from tresen.core.views import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="workspace:inbox", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("accounts/", include("tresen.accounts.urls")),
    path("workspace/", include("tresen.conversations.urls")),
    path("workspace/mail/<int:raw_id>.eml", original_mail, name="original_mail"),
    path("customers/", include("tresen.customers.urls")),
    path("chat/", include("tresen.channels.webchat.urls")),
    path("workspace/kb/", include("tresen.knowledge.urls")),
    path("commerce/shopware/", include("tresen.commerce.shopware.urls")),
    path("commerce/", include("tresen.commerce.urls")),
    path("", include("tresen.portal.urls")),
    path("admin/", admin.site.urls),
]
