"""The one router of the API, mounted at /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from aspirations.portal.api.views import CaseViewSet
from evaluations.api.views import (
    EvaluationViewSet,
    MonthlyReportFileView,
    MonthlyReportOpdFileView,
    MonthlyReportViewSet,
)
from opds.api.views import OpdViewSet
from ppid.catalogue.api.views import ExclusionViewSet, InformationItemViewSet
from ppid.requests.api.views import (
    InformationRequestViewSet,
    ObjectionViewSet,
    RequestStatisticsView,
)
from ppid.requests.api.yearly import YearlyReportView
from socialposts.accounts.api.views import (
    AccountExportView,
    DailyMetricViewSet,
    OpdExportView,
    OpdMonthlyView,
    PostViewSet,
    SocialAccountViewSet,
)
from socialposts.infographics.api.views import InfographicViewSet

router = DefaultRouter()
router.register("opds", OpdViewSet, basename="opd")
router.register("information", InformationItemViewSet, basename="information")
router.register("exclusions", ExclusionViewSet, basename="exclusion")
router.register("requests", InformationRequestViewSet, basename="request")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("social/accounts", SocialAccountViewSet, basename="social-account")
router.register("social/posts", PostViewSet, basename="social-post")
router.register("social/metrics", DailyMetricViewSet, basename="social-metric")
router.register("infographics", InfographicViewSet, basename="infographic")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("reports/monthly", MonthlyReportViewSet, basename="monthly-report")
router.register("aspirations", CaseViewSet, basename="aspiration")

app_name = "api"
urlpatterns = [
    path(
        "statistics/requests/",
        RequestStatisticsView.as_view(),
        name="request-statistics",
    ),
    path(
        "statistics/requests/<str:year>/report/<str:fmt>/",
        YearlyReportView.as_view(),
        name="request-yearly-report",
    ),
    path(
        "reports/monthly/<str:month>/<str:fmt>/",
        MonthlyReportFileView.as_view(),
        name="monthly-report-file",
    ),
    path(
        "reports/monthly/<str:month>/opds/<slug:slug>/<str:fmt>/",
        MonthlyReportOpdFileView.as_view(),
        name="monthly-report-opd-file",
    ),
    path(
        "social/accounts/<int:pk>/export/",
        AccountExportView.as_view(),
        name="social-account-export",
    ),
    path(
        "social/opds/<slug:slug>/export/",
        OpdExportView.as_view(),
        name="social-opd-export",
    ),
    path(
        "social/opds/<slug:slug>/monthly/",
        OpdMonthlyView.as_view(),
        name="social-opd-monthly",
    ),
    *router.urls,
]
