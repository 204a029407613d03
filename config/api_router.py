"""The one router of the API, mounted at /api/v1/."""

from rest_framework.routers import DefaultRouter

from opds.api.views import OpdViewSet

router = DefaultRouter()
router.register("opds", OpdViewSet, basename="opd")

app_name = "api"
urlpatterns = router.urls
