from django.urls import path

from socialposts import views

app_name = "socialposts"

urlpatterns = [
    path("dasbor/media-sosial/", views.accounts, name="accounts"),
    path("dasbor/media-sosial/<int:pk>/", views.account_detail, name="account-detail"),
    path(
        "dasbor/media-sosial/<int:pk>/impor/",
        views.account_import,
        name="account-import",
    ),
]
