"""Uploads bounded while they arrive: a file larger than its limit is never written to disk in full.

Django streams an upload to a temporary file before any form sees it, so a size check in a form comes after
the disk has filled. ``limited_upload`` puts a handler first that stops reading at the limit; the form then
says the file is too large (``stopped_at``). The view is wrapped so that CSRF is checked after the handler is
in place (Django's documented way to change upload handlers in a view).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

ATTRIBUTE = "carepath_upload_limit"


class SizeLimit(FileUploadHandler):
    """Stops the upload once its files pass ``limit`` bytes; ``exceeded`` then says so."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limited_upload(setting: str) -> Callable[[Any], Any]:
    """Bound the files of a POST to ``settings.<setting>`` bytes (see ``stopped_at``)."""

    def decorator(view: Any) -> Any:
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                handler = SizeLimit(request, int(getattr(settings, setting)))
                request.upload_handlers.insert(0, handler)
                setattr(request, ATTRIBUTE, handler)
            response: HttpResponse = protected(request, *args, **kwargs)
            return response

        return wrapper

    return decorator


def stopped_at(request: HttpRequest) -> int | None:
    """The limit a POST's upload was stopped at, or None when it arrived whole (or had no limit)."""
    handler = getattr(request, ATTRIBUTE, None)
    if not isinstance(handler, SizeLimit):
        return None
    request.FILES  # noqa: B018 (parsing the body is what runs the handler)
    return handler.limit if handler.exceeded else None
