"""Routes of aspirations.inbox: the staff pages under /dasbor/aspirasi/."""

from django.urls import path

from aspirations.inbox import views

urlpatterns = [
    path("dasbor/aspirasi/", views.queue, name="queue"),
    path("dasbor/aspirasi/jawaban-siap/", views.canned, name="canned"),
    path("dasbor/aspirasi/catat/", views.record, name="record"),
    path(
        "dasbor/aspirasi/jawaban-siap/<int:pk>/",
        views.canned_edit,
        name="canned-edit",
    ),
    path(
        "dasbor/aspirasi/jawaban-siap/<int:pk>/hapus/",
        views.canned_delete,
        name="canned-delete",
    ),
    path("dasbor/aspirasi/<int:pk>/", views.case_detail, name="case"),
    path(
        "dasbor/aspirasi/<int:pk>/<slug:action>/",
        views.case_action,
        name="case-action",
    ),
]
