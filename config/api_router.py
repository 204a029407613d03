"""The one router of the API, mounted at /api/v1/."""

from rest_framework.routers import DefaultRouter

from opds.api.views import OpdViewSet
from ppid.api.views import ExclusionViewSet, InformationItemViewSet

router = DefaultRouter()
router.register("opds", OpdViewSet, basename="opd")
router.register("information", InformationItemViewSet, basename="information")
router.register("exclusions", ExclusionViewSet, basename="exclusion")

app_name = "api"
urlpatterns = router.urls
