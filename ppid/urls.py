from django.urls import path, re_path

from ppid import views
from ppid.feeds import LatestItemsFeed

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
    path("informasi/", views.catalogue, name="catalogue"),
    path("informasi/feed/", LatestItemsFeed(), name="feed"),
    path("informasi/dikecualikan/", views.exclusion_register, name="exclusions"),
    re_path(
        r"^informasi/dip\.(?P<fmt>csv|xlsx|pdf)$", views.dip_export, name="dip-export"
    ),
    path("informasi/<int:pk>/", views.item_detail, name="item-detail"),
    path(
        "informasi/<int:pk>/berkas/<int:file_id>/",
        views.file_download,
        name="file-download",
    ),
    path("perangkat-daerah/<slug:slug>/dip/", views.opd_dip, name="opd-dip"),
    path(
        "perangkat-daerah/<slug:slug>/delegasi/",
        views.opd_delegation,
        name="opd-delegation",
    ),
    path("dasbor/informasi/", views.staff_items, name="staff-items"),
    path("dasbor/informasi/baru/", views.item_create, name="item-create"),
    path("dasbor/informasi/<int:pk>/ubah/", views.item_edit, name="item-edit"),
    path(
        "dasbor/informasi/<int:pk>/lembar-uji/",
        views.signed_sheet_download,
        name="signed-sheet",
    ),
    path("dasbor/informasi/<int:pk>/ajukan/", views.item_submit, name="item-submit"),
    path(
        "dasbor/informasi/<int:pk>/terbitkan/", views.item_publish, name="item-publish"
    ),
    path(
        "dasbor/informasi/<int:pk>/kembalikan/", views.item_return, name="item-return"
    ),
    path("dasbor/informasi/<int:pk>/tarik/", views.item_withdraw, name="item-withdraw"),
    path("dasbor/informasi/<int:pk>/buka/", views.item_open, name="item-open"),
    path("dasbor/informasi/<int:pk>/hapus/", views.item_delete, name="item-delete"),
]
