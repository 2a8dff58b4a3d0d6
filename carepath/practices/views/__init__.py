"""Pages of the practice registry, by who uses them: the public registry, the workflow around a practice
(submitters, reviewers, editors) and alignment surveys. Permissions are checked with
``carepath.accounts.access`` on the rules in ``carepath/practices/rules.py``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from ..services import WorkflowError


def failed(request: HttpRequest, error: WorkflowError) -> None:
    """Say why a workflow step was refused, each reason as its own message."""
    for message in error.messages:
        messages.error(request, message)
