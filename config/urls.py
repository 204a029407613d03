"""URL configuration of the portal."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import auth, views
from ppid.catalogue.sitemaps import InformationItemSitemap

handler400 = views.bad_request
handler404 = views.page_not_found
handler500 = views.server_error
# The admin's log-in checks passwords too: the same limit per address.
admin.site.login = auth.rate_limited_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("dasbor/", views.DashboardView.as_view(), name="dashboard"),
    path(
        "masuk/",
        auth.rate_limited_login(
            auth_views.LoginView.as_view(redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("opds.urls")),
    path("", include("ppid.urls")),
    path("", include("socialposts.urls")),
    path("", include("aspirations.urls")),
    path("", include("evaluations.urls")),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"informasi": InformationItemSitemap}},
        name="sitemap",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", auth.obtain_token, name="api-token"),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # The split view serves its init script from ?script: no inline JS.
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
]
