from django.urls import path

from socialposts.accounts import views
from socialposts.imports import views as import_views
from socialposts.infographics import views as infographic_views
from socialposts.pulls import views as pull_views

app_name = "socialposts"

urlpatterns = [
    path("dasbor/media-sosial/", views.accounts, name="accounts"),
    path("dasbor/media-sosial/ringkasan/", views.overview, name="overview"),
    path("dasbor/media-sosial/<int:pk>/", views.account_detail, name="account-detail"),
    path(
        "dasbor/media-sosial/<int:pk>/unduh/",
        views.account_export,
        name="account-export",
    ),
    path(
        "dasbor/media-sosial/opd/<slug:slug>/unduh/",
        views.opd_export,
        name="opd-export",
    ),
    path(
        "dasbor/media-sosial/opd/<slug:slug>/ringkasan-bulanan/",
        views.opd_monthly,
        name="opd-monthly",
    ),
    path(
        "dasbor/media-sosial/<int:pk>/hubungkan/",
        pull_views.account_connect,
        name="account-connect",
    ),
    # A fixed address: the platforms accept only the redirect URIs registered
    # with them, without parameters.
    path(
        "dasbor/media-sosial/hubungkan/kembali/",
        pull_views.oauth_callback,
        name="oauth-callback",
    ),
    path(
        "dasbor/media-sosial/<int:pk>/impor/",
        import_views.account_import,
        name="account-import",
    ),
    path(
        "dasbor/media-sosial/<int:pk>/unggahan/baru/",
        views.post_create,
        name="post-create",
    ),
    path(
        "dasbor/media-sosial/unggahan/<int:pk>/ubah/",
        views.post_edit,
        name="post-edit",
    ),
    path(
        "dasbor/media-sosial/impor/<int:pk>/",
        import_views.import_job,
        name="import-job",
    ),
    path(
        "dasbor/media-sosial/impor/<int:pk>/status/",
        import_views.import_job_status,
        name="import-job-status",
    ),
    path("dasbor/infografis/", infographic_views.infographics, name="infographics"),
    path(
        "dasbor/infografis/buat/",
        infographic_views.infographic_create,
        name="infographic-create",
    ),
    path(
        "dasbor/infografis/<int:pk>/",
        infographic_views.infographic_detail,
        name="infographic-detail",
    ),
    path(
        "dasbor/infografis/<int:pk>/gambar.png",
        infographic_views.infographic_image,
        name="infographic-image",
    ),
    path(
        "dasbor/infografis/<int:pk>/unduh/",
        infographic_views.infographic_download,
        name="infographic-download",
    ),
    path(
        "dasbor/infografis/<int:pk>/tautkan/",
        infographic_views.infographic_link,
        name="infographic-link",
    ),
]
