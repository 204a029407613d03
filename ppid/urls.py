from django.urls import path

from ppid import views

app_name = "ppid"

urlpatterns = [
    path(
        "informasi-publik/",
        views.PublicInformationView.as_view(),
        name="public-information",
    ),
    path(
        "permohonan-informasi/", views.RequestGuideView.as_view(), name="request-guide"
    ),
]
