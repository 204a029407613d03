"""Django admin: the framework is edited here (a new year's indicators,
weights and targets); scores and runs are written by the services and only
shown."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from evaluations.models import (
    Contest,
    Framework,
    Indicator,
    Item,
    ItemScore,
    MonthlyReport,
    OpdScore,
    ReportRun,
    Target,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["year", "name"]
    inlines = [IndicatorInline, TargetInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "framework", "value"]
    list_filter = ["framework", "code"]
    list_select_related = ["framework"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "weight", "position"]
    list_filter = ["framework"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "indicator", "weight", "method", "rule"]
    list_filter = ["indicator__framework", "indicator", "method"]
    search_fields = ["name", "code"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ["month", "version", "status", "reply_deadline", "finalised_at"]
    list_filter = ["status"]


@admin.register(OpdScore)
class OpdScoreAdmin(ReadOnlyAdmin):
    list_display = ["opd", "report", "score", "band", "rank", "reply"]
    list_filter = ["report", "band"]
    list_select_related = ["opd", "report"]


@admin.register(ItemScore)
class ItemScoreAdmin(ReadOnlyAdmin):
    list_display = ["opd_score", "item", "ratio", "applies"]
    list_select_related = ["opd_score__opd", "item"]


@admin.register(Contest)
class ContestAdmin(ReadOnlyAdmin):
    list_display = ["item_score", "status", "filed_at", "decided_at"]
    list_filter = ["status"]


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "month",
        "trigger",
        "status",
        "attempts",
        "queued_at",
        "finished_at",
    ]
    list_filter = ["status", "trigger"]
