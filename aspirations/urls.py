"""Routes of the aspiration inbox: staff pages under /dasbor/aspirasi/,
the citizen's form and statistics under /aspirasi/, webhooks under
/webhooks/. Each sub-package keeps its own routes."""

from django.urls import include, path

app_name = "aspirations"

urlpatterns = [
    # Before the inbox's: its /dasbor/aspirasi/<pk>/<action>/ would take
    # the conversions' pages for steps.
    path("", include("aspirations.conversions.urls")),
    path("", include("aspirations.replies.urls")),
    path("", include("aspirations.inbox.urls")),
    path("", include("aspirations.portal.urls")),
    path("", include("aspirations.stats.urls")),
    path("", include("aspirations.channels.urls")),
]
