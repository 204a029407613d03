from django.urls import path, re_path

from ppid.catalogue import views
from ppid.catalogue.feeds import LatestItemsFeed
from ppid.profile import views as profile_views
from ppid.reports import views as report_views
from ppid.requests import views as request_views

app_name = "ppid"

urlpatterns = [
    path("profil-ppid/", profile_views.profile, name="profile"),
    path("profil-ppid/struktur/", profile_views.structure, name="profile-structure"),
    path(
        "profil-ppid/maklumat-pelayanan/",
        profile_views.service_notice,
        name="profile-notice",
    ),
    path("profil-ppid/sop/", profile_views.procedures, name="profile-procedures"),
    path(
        "profil-ppid/sop/<int:pk>/berkas/",
        profile_views.procedure_file,
        name="profile-sop-file",
    ),
    path(
        "profil-ppid/berkas/<slug:kind>/",
        profile_views.profile_file,
        name="profile-file",
    ),
    path(
        "informasi-publik/",
        views.PublicInformationView.as_view(),
        name="public-information",
    ),
    path(
        "permohonan-informasi/", views.RequestGuideView.as_view(), name="request-guide"
    ),
    path(
        "permohonan-informasi/ajukan/",
        request_views.request_form,
        name="request-form",
    ),
    path(
        "permohonan-informasi/terkirim/",
        request_views.request_sent,
        name="request-sent",
    ),
    path(
        "permohonan-informasi/lacak/", request_views.request_track, name="request-track"
    ),
    path(
        "permohonan-informasi/<str:number>/",
        request_views.request_status,
        name="request-status",
    ),
    path(
        "permohonan-informasi/<str:number>/bukti.pdf",
        request_views.request_receipt,
        name="request-receipt",
    ),
    path(
        "permohonan-informasi/<str:number>/keberatan/<int:objection_id>/tanggapan/",
        request_views.objection_response,
        name="objection-response",
    ),
    path(
        "permohonan-informasi/<str:number>/berkas/<int:file_id>/",
        request_views.requester_file,
        name="requester-file",
    ),
    path("keberatan/", request_views.objection_form, name="objection-form"),
    path("keberatan/terkirim/", request_views.objection_sent, name="objection-sent"),
    path(
        "keberatan/<str:number>/",
        request_views.objection_status,
        name="objection-status",
    ),
    path("statistik/", request_views.statistics_page, name="statistics"),
    re_path(
        r"^statistik/laporan-(?P<year>[0-9]{4})\.(?P<fmt>pdf|xlsx)$",
        request_views.yearly_report,
        name="yearly-report",
    ),
    path("dasbor/laporan-tahunan/", report_views.index, name="yearly-reports"),
    path(
        "dasbor/laporan-tahunan/<int:year>/",
        report_views.edit,
        name="yearly-report-edit",
    ),
    path(
        "dasbor/laporan-tahunan/<int:year>/terbitkan/",
        report_views.publish,
        name="yearly-report-publish",
    ),
    path("dasbor/permohonan/", request_views.register, name="request-register"),
    re_path(
        r"^dasbor/permohonan/register\.(?P<fmt>csv|xlsx)$",
        request_views.register_export,
        name="request-register-export",
    ),
    path(
        "dasbor/permohonan/catat/", request_views.record_request, name="request-record"
    ),
    path(
        "dasbor/keberatan/",
        request_views.objection_register,
        name="objection-register",
    ),
    re_path(
        r"^dasbor/keberatan/register\.(?P<fmt>csv|xlsx)$",
        request_views.objection_register_export,
        name="objection-register-export",
    ),
    path("dasbor/tarif/", request_views.tariffs, name="tariffs"),
    path("dasbor/tarif/<slug:slug>/", request_views.tariff_edit, name="tariff-edit"),
    path(
        "dasbor/permohonan/<str:number>/",
        request_views.staff_detail,
        name="request-staff-detail",
    ),
    path(
        "dasbor/permohonan/<str:number>/langkah/<slug:step>/",
        request_views.staff_action,
        name="request-action",
    ),
    path(
        "dasbor/permohonan/<str:number>/keberatan/",
        request_views.staff_objection,
        name="request-objection",
    ),
    path(
        "dasbor/permohonan/<str:number>/keberatan/<int:objection_id>/jawab/",
        request_views.staff_objection_answer,
        name="objection-answer",
    ),
    path(
        "dasbor/permohonan/<str:number>/keberatan/<int:objection_id>/sengketa/",
        request_views.staff_dispute_result,
        name="dispute-result",
    ),
    path(
        "dasbor/permohonan/<str:number>/berkas/<int:file_id>/",
        request_views.staff_file,
        name="request-file",
    ),
    path(
        "dasbor/keberatan/catat/",
        request_views.objection_record,
        name="objection-record",
    ),
    path(
        "dasbor/keberatan/<str:number>/",
        request_views.objection_staff_detail,
        name="objection-staff-detail",
    ),
    path(
        "dasbor/keberatan/<str:number>/jawab/",
        request_views.objection_staff_answer,
        name="objection-staff-answer",
    ),
    path(
        "dasbor/keberatan/<str:number>/sengketa/",
        request_views.objection_dispute_result,
        name="objection-dispute-result",
    ),
    path(
        "dasbor/keberatan/<str:number>/tindak-lanjut/",
        request_views.objection_comply,
        name="objection-comply",
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
