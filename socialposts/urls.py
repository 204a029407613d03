from django.urls import path

from socialposts import post_views, views

app_name = "socialposts"

urlpatterns = [
    path("dasbor/media-sosial/", views.accounts, name="accounts"),
    path("dasbor/media-sosial/<int:pk>/", views.account_detail, name="account-detail"),
    path(
        "dasbor/media-sosial/<int:pk>/impor/",
        views.account_import,
        name="account-import",
    ),
    path(
        "dasbor/media-sosial/<int:pk>/unggahan/baru/",
        post_views.post_create,
        name="post-create",
    ),
    path(
        "dasbor/media-sosial/unggahan/<int:pk>/ubah/",
        post_views.post_edit,
        name="post-edit",
    ),
    path(
        "dasbor/media-sosial/impor/<int:pk>/",
        views.import_job,
        name="import-job",
    ),
    path(
        "dasbor/media-sosial/impor/<int:pk>/status/",
        views.import_job_status,
        name="import-job-status",
    ),
]
