import datetime

from django.urls import path, register_converter

from evaluations import public_views, views

app_name = "evaluations"


class MonthConverter:
    """``2026-10`` in the path, the month's first day in the view."""

    regex = r"\d{4}-(?:0[1-9]|1[0-2])"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date(int(value[:4]), int(value[5:]), 1)

    def to_url(self, value: datetime.date | str) -> str:
        return value if isinstance(value, str) else "{:%Y-%m}".format(value)


register_converter(MonthConverter, "yyyymm")

urlpatterns = [
    path("kesiapan-kip/", public_views.latest, name="public"),
    path("kesiapan-kip/<yyyymm:month>/", public_views.for_month, name="public-month"),
    path("dasbor/evaluasi/", views.index, name="index"),
    path("dasbor/evaluasi/hitung/", views.build, name="build"),
    path("dasbor/evaluasi/proses/<int:pk>/", views.run, name="run"),
    path(
        "dasbor/evaluasi/proses/<int:pk>/status/", views.run_status, name="run-status"
    ),
    path("dasbor/evaluasi/<yyyymm:month>/", views.report, name="report"),
    path(
        "dasbor/evaluasi/<yyyymm:month>/unduh/<str:fmt>/",
        views.report_file,
        name="report-file",
    ),
    path(
        "dasbor/evaluasi/<yyyymm:month>/whatsapp/",
        views.whatsapp,
        name="whatsapp",
    ),
    path(
        "dasbor/evaluasi/<yyyymm:month>/buka-tanggapan/",
        views.open_reply,
        name="open-reply",
    ),
    path(
        "dasbor/evaluasi/<yyyymm:month>/finalkan/",
        views.finalise,
        name="finalise",
    ),
    path(
        "dasbor/evaluasi/<yyyymm:month>/sanggahan/<int:pk>/",
        views.decide,
        name="decide",
    ),
    path("dasbor/evaluasi/<yyyymm:month>/<slug:slug>/", views.opd, name="opd"),
    path(
        "dasbor/evaluasi/<yyyymm:month>/<slug:slug>/unduh/<str:fmt>/",
        views.opd_file,
        name="opd-file",
    ),
    path(
        "dasbor/evaluasi/<yyyymm:month>/<slug:slug>/bukti/<str:fmt>/",
        views.opd_evidence,
        name="opd-evidence",
    ),
    path(
        "dasbor/evaluasi/<yyyymm:month>/<slug:slug>/whatsapp/",
        views.opd_whatsapp,
        name="opd-whatsapp",
    ),
    path(
        "dasbor/evaluasi/<yyyymm:month>/<slug:slug>/setuju/",
        views.agree,
        name="agree",
    ),
    path(
        "dasbor/evaluasi/<yyyymm:month>/<slug:slug>/nilai/",
        views.score_opd,
        name="score-opd",
    ),
    path(
        "dasbor/evaluasi/<yyyymm:month>/<slug:slug>/butir/<int:pk>/sanggah/",
        views.contest_item,
        name="contest-item",
    ),
]
