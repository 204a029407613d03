"""Content negotiation for the API's files: a file is the only success and
JSON the only error format, whatever the client's Accept header says, so a
client asking for ``application/pdf`` (or ``image/png``) gets no 406."""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import BaseContentNegotiation


class JsonErrorsOnly(BaseContentNegotiation):
    """The view's first parser and renderer (JSON), for every request."""

    def select_parser(self, request: Any, parsers: list) -> Any:
        return parsers[0]

    def select_renderer(
        self, request: Any, renderers: list, format_suffix: str | None = None
    ) -> tuple:
        return renderers[0], renderers[0].media_type
