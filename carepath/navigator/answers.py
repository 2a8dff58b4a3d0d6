"""What a saved plan may keep: the fields of the navigator request (CONTRACTS.md section 3) and nothing else.

Answers come back from the browser (the plan page posts them to save or print a plan), so they are read again
here: the request serializer checks every field, and what is kept is its validated data written out afresh,
never the posted dictionary. A field the request does not define (a child's name, say) is dropped, a bad value
refuses the whole, and the result is bounded by ``CAREPATH_PLAN_MAX_BYTES``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from carepath import safejson
from carepath.errors import ServiceError

from .serializers import MatchRequestSerializer, flatten

MAX_DEPTH = 8  # a navigator request nests four levels (child, screening, one result); deeper is not one


class UnreadableError(ServiceError, ValueError):
    """Answers that are not a navigator request, or are larger than a saved plan may be; saving such a plan is
    refused. A ValueError too, as it was before it was a ``ServiceError``."""


def size(data: Any) -> int:
    """Bytes of ``data`` as compact JSON, the measure of ``CAREPATH_PLAN_MAX_BYTES``."""
    return len(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())


def normalise(answers: Any, *, community: str | None = None) -> dict[str, Any]:
    """The navigator request's fields of ``answers``, validated and re-serialised; ``community`` (a slug),
    when given, replaces whatever community the answers name. Raises ``UnreadableError`` for anything else."""
    if not isinstance(answers, dict):
        raise UnreadableError("the answers are not a JSON object")
    if safejson.too_deep(answers, MAX_DEPTH):
        raise UnreadableError(f"the answers are nested more than {MAX_DEPTH} levels deep")
    data = {**answers, "community": community} if community is not None else answers
    serializer = MatchRequestSerializer(data=data)
    if not serializer.is_valid():
        problems = flatten(serializer.errors)
        raise UnreadableError("; ".join(f"{path}: {' '.join(found)}" for path, found in problems.items()))
    kept: dict[str, Any] = json.loads(json.dumps(serializer.data))  # plain dicts and lists, only known fields
    if size(kept) > settings.CAREPATH_PLAN_MAX_BYTES:
        raise UnreadableError(f"the answers are larger than {settings.CAREPATH_PLAN_MAX_BYTES} bytes")
    return kept


def from_posted(text: str) -> dict[str, Any]:
    """Answers posted as JSON text, refused unread when the text alone is over the limit."""
    limit = settings.CAREPATH_PLAN_MAX_BYTES
    if len(text) > limit or len(text.encode()) > limit:
        raise UnreadableError(f"the posted answers are larger than {limit} bytes")
    try:
        answers = safejson.loads(text, max_depth=MAX_DEPTH)
    except ValueError as error:  # broken JSON, a number too long, brackets nested too deep
        raise UnreadableError(f"the posted answers are not JSON: {type(error).__name__}") from None
    return normalise(answers)
