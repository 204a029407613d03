"""The portal's URLs plus ``/bench-floor/``: the cheapest response that still
passes through the whole middleware stack, used as the benchmark floor."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as base


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench-floor/", floor, name="bench-floor"), *base]
