from django.urls import path

from opds import views

app_name = "opds"

urlpatterns = [
    path("perangkat-daerah/", views.opd_list, name="opd-list"),
    path(
        "perangkat-daerah/<slug:slug>/",
        views.OpdDetailView.as_view(),
        name="opd-detail",
    ),
    path(
        "perangkat-daerah/<slug:slug>/ubah/",
        views.OpdProfileUpdateView.as_view(),
        name="opd-edit",
    ),
]
