"""Django admin for the inbox's configuration (WhatsApp lines, canned
responses) and, read-only, the raw webhook deliveries kept for replay.
Cases are handled on the staff pages, where every step is a service."""

from django.contrib import admin

from aspirations.inbox.models import CannedResponse, Delivery, WhatsAppLine
from core.admin import ReadOnlyAdmin


@admin.register(WhatsAppLine)
class WhatsAppLineAdmin(admin.ModelAdmin):
    list_display = ["name", "display_number", "phone_number_id", "opd", "is_active"]
    list_select_related = ["opd"]
    search_fields = ["name", "display_number", "phone_number_id"]
    autocomplete_fields = ["opd"]
    # The token is set by the connection flow, never typed into a form.
    exclude = ["access_token_encrypted"]


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "opd", "whatsapp_template"]
    list_select_related = ["opd"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["opd"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "source", "status", "reason", "messages_stored"]
    list_filter = ["source", "status"]
    exclude = ["body"]
