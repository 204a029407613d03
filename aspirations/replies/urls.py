"""Routes of aspirations.replies."""

from django.urls import path

from aspirations.replies import views

urlpatterns = [
    path("dasbor/aspirasi/<int:pk>/sembunyikan/", views.hide, name="hide-comment"),
]
