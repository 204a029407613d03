"""Routes of aspirations.portal: the citizen's form and tracking under
/aspirasi/ (the API's viewset is registered in config/api_router.py)."""

from django.urls import path

from aspirations.portal import views

urlpatterns = [
    path("aspirasi/", views.submit, name="submit"),
    path("aspirasi/terkirim/", views.submitted, name="submitted"),
    path("aspirasi/kelurahan/", views.villages, name="villages"),
    path("aspirasi/lacak/", views.track, name="track"),
    path("aspirasi/lacak/<str:number>/", views.track_case, name="track-case"),
]
