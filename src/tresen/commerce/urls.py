from django.urls import path

from . import views, webhook_views

app_name = "commerce"
urlpatterns = [
    path("webhooks/<str:key>/", webhook_views.webhook, name="webhook"),
    path("card/<int:conversation_pk>/", views.card, name="card"),
    path("approvals/", views.approvals, name="approvals"),
    path("orders/<int:pk>/refund/", views.refund, name="refund"),
    path("orders/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("orders/<int:pk>/address/", views.address, name="address"),
    path("orders/<int:pk>/invoice/", views.resend_invoice, name="resend_invoice"),
    path("orders/<int:pk>/return/", views.start_return, name="start_return"),
    path(
        "orders/<int:pk>/invoices/<int:invoice_pk>.pdf",
        views.invoice_download,
        name="invoice",
    ),
    path("claims/<int:pk>/label.pdf", views.label_download, name="label"),
    path("claims/<int:pk>/<slug:step>/", views.claim_step, name="claim_step"),
    path("refunds/<int:pk>/decide/", views.decide, name="decide"),
]
