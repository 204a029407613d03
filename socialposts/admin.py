"""Django admin for social-media accounts, the metric catalogue and runs."""

from django.contrib import admin

from core import work
from core.admin import ReadOnlyAdmin
from core.forms import URL_FORMFIELD_OVERRIDES
from socialposts.accounts.models import (
    AccountMetricDaily,
    Metric,
    PlatformMetric,
    Post,
    PostMetricSnapshot,
    SocialAccount,
    Topic,
)
from socialposts.imports.models import ImportJob
from socialposts.infographics.models import Infographic
from socialposts.pulls.models import IngestionRun, RawPayload


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FORMFIELD_OVERRIDES
    list_display = ["handle", "platform", "opd", "connection", "last_success_at"]
    list_filter = ["platform", "connection", "is_active"]
    list_select_related = ["opd"]
    search_fields = ["handle", "opd__name", "opd__short_name"]
    autocomplete_fields = ["opd"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code"]


class PlatformMetricInline(admin.TabularInline):
    model = PlatformMetric
    extra = 0


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "kind"]
    search_fields = ["name", "code"]
    inlines = [PlatformMetricInline]


@admin.register(PlatformMetric)
class PlatformMetricAdmin(admin.ModelAdmin):
    list_display = [
        "platform",
        "name",
        "metric",
        "valid_from",
        "valid_to",
        "breaks_series",
    ]
    list_filter = ["platform", "breaks_series"]
    search_fields = ["name", "metric__code"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FORMFIELD_OVERRIDES
    list_display = ["external_id", "account", "content_type", "published_at"]
    list_filter = ["content_type", "account__platform", "topics"]
    list_select_related = ["account"]
    search_fields = ["external_id", "caption", "account__handle"]
    raw_id_fields = ["account", "information_item"]
    date_hierarchy = "published_at"

    # Posts send no delete signal to the staff's work (a receiver would make
    # an account's cascade load every post), so the admin's own writes tell
    # it: the OPD of the account a post left and of the one it joined.
    def save_model(self, request, obj, form, change):
        """Save, and tell both OPDs' work when the post changed account."""
        before = (
            Post.objects.filter(pk=obj.pk).values_list("account__opd_id", flat=True)
            if change
            else []
        )
        super().save_model(request, obj, form, change)
        work.changed([*before, obj.account.opd_id])

    def delete_model(self, request, obj):
        """Delete, and tell the post's OPD's work."""
        opd_id = obj.account.opd_id
        super().delete_model(request, obj)
        work.changed([opd_id])

    def delete_queryset(self, request, queryset):
        """Delete the chosen posts, and tell their OPDs' work."""
        opd_ids = set(queryset.values_list("account__opd_id", flat=True))
        super().delete_queryset(request, queryset)
        work.changed(opd_ids)


@admin.register(AccountMetricDaily)
class AccountMetricDailyAdmin(ReadOnlyAdmin):
    list_display = ["account", "metric", "date", "value", "source_metric"]
    list_filter = ["metric"]
    search_fields = ["account__handle"]
    list_select_related = ["account", "metric"]


@admin.register(PostMetricSnapshot)
class PostMetricSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["post", "metric", "date", "value"]
    list_filter = ["metric"]
    search_fields = ["post__external_id"]
    list_select_related = ["post", "metric"]


@admin.register(IngestionRun)
class IngestionRunAdmin(ReadOnlyAdmin):
    list_display = [
        "account",
        "status",
        "trigger",
        "window_end",
        "attempts",
        "rows_written",
        "finished_at",
    ]
    list_filter = ["status", "trigger"]
    search_fields = ["account__handle", "error"]
    list_select_related = ["account"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "account",
        "status",
        "rows_total",
        "rows_imported",
        "rows_invalid",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status"]
    search_fields = ["original_name", "account__handle"]
    list_select_related = ["account"]
    raw_id_fields = ["account", "uploaded_by"]


@admin.register(RawPayload)
class RawPayloadAdmin(ReadOnlyAdmin):
    list_display = ["endpoint", "status_code", "api_version", "fetched_at"]
    search_fields = ["endpoint"]


@admin.register(Infographic)
class InfographicAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "kind",
        "size",
        "opd",
        "created_by",
        "created_at",
        "post",
    ]
    list_filter = ["kind", "size"]
    search_fields = ["opd__name", "opd__short_name", "alt_text"]
    list_select_related = ["opd", "created_by", "post"]
    raw_id_fields = ["opd", "source_item", "source_report", "created_by", "post"]
    date_hierarchy = "created_at"
