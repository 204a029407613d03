"""Routes of aspirations.channels: the platforms' webhooks."""

from django.urls import path

from aspirations.channels import views

urlpatterns = [
    path("webhooks/meta/", views.meta_webhook, name="webhook-meta"),
    path("webhooks/whatsapp/", views.whatsapp_webhook, name="webhook-whatsapp"),
]
