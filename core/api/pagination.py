"""Pagination shared by every list endpoint of the API."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination, serializers
from rest_framework.request import Request


class PageNumberPagination(pagination.PageNumberPagination):
    """``{count, next, previous, results}`` pages; clients may ask up to 100."""

    page_size_query_param = "page_size"
    max_page_size = 100
    # DRF's Indonesian catalogue lacks its own message for this case.
    invalid_page_message = _("This page does not exist.")

    def get_page_size(self, request: Request) -> int:
        # DRF ignores a malformed page size without a word; refuse it instead,
        # naming the parameter. Sizes above the maximum are cut to it.
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:
            return self.page_size
        field = serializers.IntegerField(min_value=1)
        try:
            size = field.run_validation(raw)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(
                {self.page_size_query_param: exc.detail}
            ) from None
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
