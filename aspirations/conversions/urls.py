"""Routes of aspirations.conversions: a case to an information request or
to SP4N-LAPOR!."""

from django.urls import path

from aspirations.conversions import views

urlpatterns = [
    path("dasbor/aspirasi/<int:pk>/ke-ppid/", views.convert_ppid, name="convert-ppid"),
    path("dasbor/aspirasi/<int:pk>/ke-lapor/", views.refer_lapor, name="refer-lapor"),
]
