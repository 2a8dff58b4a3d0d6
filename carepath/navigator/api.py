"""``POST /api/v1/navigator/match`` (CONTRACTS.md section 3): answers in, a plan out; nothing stored."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request as DRFRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from carepath import limits
from carepath.api import JSONParser

from . import queries
from .serializers import ErrorsSerializer, MatchRequestSerializer, MatchResponseSerializer, flatten

NAVIGATOR_SCOPE = "navigator"  # the API, the family and provider questions and print count together

EXAMPLE = {
    "community": "north-shore",
    "language": "en",
    "child": {
        "age_months": 18,
        "concerns": ["social-emotional", "sleep"],
        "screening": [{"tool": "asq-se-2", "result": "above-cutoff"}],
    },
    "family": {
        "languages": ["fr", "en"],
        "delivery": ["virtual", "home-visit"],
        "location": {"lat": 46.31, "lon": -79.46},
    },
    "situation": {"urgency": "routine", "in_care": False, "completing_care": False},
}


class NavigatorThrottle(limits.RateLimit):
    """``CAREPATH_NAVIGATOR_RATE`` requests per client address (default 120 a minute), counted with the family
    and provider pages' (one scope), in the cache every worker shares."""

    def __init__(self) -> None:
        super().__init__(NAVIGATOR_SCOPE, settings.CAREPATH_NAVIGATOR_RATE)


class MatchView(APIView):
    authentication_classes: list[Any] = []  # no sign-in, no CSRF: nothing is stored
    throttle_classes = [NavigatorThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="navigator_match",
        summary="Match a family with services along the community's published pathway",
        description=(
            "Nothing is stored. Every service in the answer is active, takes a child of this age, shares a language "
            "with the family (or offers interpretation), is open to the family's populations, serves their location, "
            "is within their travel distance when only offered in person, and has an acceptable cost."
        ),
        request=MatchRequestSerializer,
        responses={
            200: MatchResponseSerializer,
            400: OpenApiResponse(ErrorsSerializer, description="Every bad field, by path."),
            404: OpenApiResponse(ErrorsSerializer, description="Unknown community, or no published pathway."),
            429: OpenApiResponse(ErrorsSerializer, description="Too many requests; see Retry-After."),
        },
        examples=[
            OpenApiExample("A toddler with social-emotional worries", value=EXAMPLE, request_only=True)
        ],
        tags=["navigator"],
    )
    def post(self, request: DRFRequest) -> Response:
        try:
            data = request.data
        except exceptions.ParseError as error:
            return _errors(
                {"request": [_("The body is not valid JSON: %(error)s") % {"error": error.detail}]}
            )
        serializer = MatchRequestSerializer(data=data)
        if not serializer.is_valid():
            return _errors(flatten(serializer.errors))
        answers = serializer.to_request()
        found = queries.community_and_tokens(answers.community)
        if isinstance(found, queries.Problem):
            return _errors({"community": [found.message]}, found.status)
        answer = queries.plan_json(*found, answers)
        if isinstance(answer, queries.Problem):
            return _errors({"community": [answer.message]}, answer.status)
        return Response(answer)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, exceptions.UnsupportedMediaType):
            return _errors({"request": [_("Send the answers as JSON (Content-Type: application/json).")]})
        if isinstance(exc, exceptions.Throttled):
            response = _errors(
                {
                    "request": [
                        _("Too many requests. Try again in %(seconds)s seconds.")
                        % {"seconds": exc.wait or 60}
                    ]
                },
                status.HTTP_429_TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = str(int(exc.wait or 60))
            return response
        return super().handle_exception(exc)


def _errors(errors: dict[str, list[str]], code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"errors": errors}, status=code)
