"""Pagination shared by every list endpoint of the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """``{count, next, previous, results}`` pages; clients may ask up to 100."""

    page_size_query_param = "page_size"
    max_page_size = 100
    # DRF's Indonesian catalogue lacks its own message for this case.
    invalid_page_message = _("This page does not exist.")
