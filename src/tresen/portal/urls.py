"""The customer-facing pages: the help centre, the contact form and order self-service."""

from django.urls import path, register_converter

from . import account, account_orders, contact, views


class HelpLanguage:
    regex = "de|en"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(HelpLanguage, "helplang")

app_name = "portal"
urlpatterns = [
    path("help/", views.root, name="root"),
    path("help/lang/<helplang:language>/", views.switch_language, name="switch_language"),
    path("help/<helplang:language>/", views.home, name="home"),
    path("help/<helplang:language>/search", views.search_page, name="search"),
    path("help/<helplang:language>/c/<slug:slug>/", views.category, name="category"),
    path("help/<helplang:language>/a/<slug:key>/", views.article, name="article"),
    path("help/<helplang:language>/a/<slug:key>/feedback", views.feedback, name="feedback"),
    path("help/<slug:key>", views.by_key, name="by_key"),
    path("contact/", contact.contact, name="contact"),
    path("contact/thanks/", contact.thanks, name="contact_thanks"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("account/", account.sign_in, name="account"),
    path("account/link/<str:token>/", account.link, name="account_link"),
    path("account/sign-out/", account.sign_out, name="account_sign_out"),
    path("account/orders/", account_orders.orders, name="orders"),
    path("account/orders/<int:pk>/", account_orders.order, name="order"),
    path(
        "account/orders/<int:pk>/invoices/<int:invoice_pk>.pdf",
        account_orders.invoice,
        name="order_invoice",
    ),
    path("account/orders/<int:pk>/return/", account_orders.start_return, name="order_return"),
    path("account/orders/<int:pk>/warranty/", account_orders.start_warranty, name="order_warranty"),
    path("account/claims/<int:pk>/label.pdf", account_orders.label, name="claim_label"),
]
