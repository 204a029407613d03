"""Routes of aspirations.stats: the public statistics page and its CSV."""

from django.urls import path

from aspirations.stats import views

urlpatterns = [
    path("aspirasi/statistik/", views.statistics_page, name="stats"),
    path("aspirasi/statistik/unduh.csv", views.statistics_csv, name="stats-csv"),
]
