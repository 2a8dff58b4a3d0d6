"""Shared API bits: errors as ``{"errors": {field: [messages]}}`` and never a 500 for bad input."""

import codecs
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import safejson


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {
                "errors": {
                    "request": [
                        _("The request is larger than %(limit)s bytes.")
                        % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
                    ]
                }
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"errors": detail}
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"errors": {"detail": [str(response.data["detail"])]}}
    return response


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than ``CAREPATH_JSON_MAX_DEPTH`` (400, not a 500)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            return safejson.loads(text, max_depth=settings.CAREPATH_JSON_MAX_DEPTH)
        except safejson.TooDeepError as exc:
            raise exceptions.ParseError(
                _("The JSON is nested more than %(limit)s levels deep.") % {"limit": exc.limit}
            ) from None
        except ValueError as exc:  # broken, or not in the declared encoding
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
