"""The OpenAPI schema of the API: drf-spectacular's, plus the error answers
every endpoint really gives, so that clients (and the fuzzing in CI) can rely
on the documented status codes."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.test import RequestFactory
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import relations, serializers
from rest_framework.request import Request

ERROR = {
    "type": "object",
    "description": "An error that is not about one field.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# DRF's validation errors: each field (or ``non_field_errors``, or
# ``detail`` for a body that cannot be parsed) with its messages, nested
# for nested input.
VALIDATION_ERROR = {
    "type": "object",
    "description": "The fields that were refused, each with its messages.",
    "additionalProperties": {},
}
# Identifiers that exist in every installation (the OPD registry, the
# sub-types and topics of the migrations), shown as the examples of the
# parameters and fields that name them. The fuzzing in CI sends a
# parameter's example as its valid value.
EXAMPLES = {
    "opd": "dinkes",
    "subtype": "berkala-profil",
    "topic": "kegiatan",
}


class AutoSchema(SpectacularAutoSchema):
    """Documents 400, 403, 404, 415 and 429 wherever the API can answer them;
    examples for identifiers; closed request bodies where unknown fields are
    refused."""

    def _error(self, name: str, schema: dict, description: str) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        return {
            "description": description,
            "content": {"application/json": {"schema": component.ref}},
        }

    def _has_query_parameters(self) -> bool:
        return any(p["in"] == "query" for p in self._get_parameters())

    def _has_path_parameters(self) -> bool:
        return any(p["in"] == "path" for p in self._get_parameters())

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        errors = {}
        # Any body can be malformed, and services refuse steps taken in the
        # wrong state; a GET is refused only on its query parameters.
        if self.method not in ("GET", "HEAD") or self._has_query_parameters():
            errors["400"] = self._error(
                "ValidationError", VALIDATION_ERROR, "Invalid input."
            )
        # Session authentication comes first, so DRF answers 403 rather
        # than 401 for missing or wrong credentials, on every endpoint.
        errors["403"] = self._error(
            "ErrorDetail", ERROR, "Not allowed, or the credentials are wrong."
        )
        if self._has_path_parameters() or self._is_paginated():
            errors["404"] = self._error(
                "ErrorDetail", ERROR, "No such object you may see, or no such page."
            )
        if self._get_request_body():
            errors["415"] = self._error(
                "ErrorDetail", ERROR, "The body is in a media type not listed here."
            )
        if self.view.get_throttles():
            errors["429"] = self._error(
                "ErrorDetail", ERROR, "Too many requests from this address."
            )
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses

    def _get_parameters(self) -> list[dict]:
        parameters = super()._get_parameters()
        filters = getattr(
            getattr(self.view, "filterset_class", None), "base_filters", {}
        )
        for parameter in parameters:
            if parameter["in"] != "query":
                continue
            # An empty value is the same as none (django-filter, the
            # pagination and every hand-read parameter skip it), as an
            # HTML form sends it.
            if not parameter.get("required"):
                parameter["allowEmptyValue"] = True
            example = EXAMPLES.get(parameter["name"])
            if example is not None:
                parameter["schema"].setdefault("example", example)
            found = filters.get(parameter["name"])
            if found is not None and issubclass(found.field_class, forms.IntegerField):
                # A whole-number filter on a lookup (``received_on__year``)
                # has no model field for drf-spectacular to read its type from.
                parameter["schema"]["type"] = "integer"
                for bound, key in (("min_value", "minimum"), ("max_value", "maximum")):
                    if found.extra.get(bound) is not None:
                        parameter["schema"][key] = found.extra[bound]
        return parameters

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict:
        if (
            direction == "request"
            and self.method == "PATCH"
            and isinstance(field, serializers.Serializer)
            and not field.partial
        ):
            # DRF validates a PATCH's nested objects partially too.
            field = copy.copy(field)
            field.partial = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        example = EXAMPLES.get(field.field_name)
        if example is not None and schema.get("type") == "string":
            schema.setdefault("example", example)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and field.trim_whitespace
            and not field.allow_blank
            and schema.get("type") == "string"
            and not schema.keys() & {"pattern", "format", "enum"}
        ):
            # DRF trims the text first, so blanks alone count as empty.
            schema["pattern"] = r"\S"
        if (
            direction == "request"
            and isinstance(field, relations.RelatedField)
            and field.allow_null
        ):
            # DRF reads an empty string for a relation as null.
            schema.pop("minLength", None)
            schema.pop("pattern", None)
        return schema

    def _map_serializer(
        self, serializer: Any, direction: str, bypass_extensions: bool = False
    ) -> dict:
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        # Serializers that refuse fields they do not know say so in the
        # schema, so that clients (and the fuzzing) do not send extras.
        if direction == "request" and getattr(
            serializer, "refuses_unknown_fields", False
        ):
            schema["additionalProperties"] = False
        return schema

    def _is_paginated(self) -> bool:
        return self._is_list_view() and self._get_paginator() is not None

    def get_auth(self) -> list[dict[str, Any]]:
        """Marks authentication optional wherever an anonymous caller is let
        in, whichever permission class lets it in."""
        auths = super().get_auth()
        if {} not in auths and self._anonymous_allowed():
            auths.append({})
        return auths

    def _anonymous_allowed(self) -> bool:
        request = Request(RequestFactory().generic(self.method, self.path))
        return all(
            permission.has_permission(request, self.view)
            for permission in self.view.get_permissions()
        )
