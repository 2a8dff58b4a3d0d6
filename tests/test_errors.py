"""One error convention: every error a service function raises to refuse a write is a ``ServiceError``, named
for its reason and ending in ``Error``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import carepath
from carepath.concurrency import StaleEditError
from carepath.errors import ServiceError


def _service_modules():
    for info in pkgutil.walk_packages(carepath.__path__, "carepath."):
        if ".services" in info.name and ".migrations" not in info.name:
            yield importlib.import_module(info.name)


def _errors_defined_in(module):
    return [
        item
        for _, item in inspect.getmembers(module, inspect.isclass)
        if issubclass(item, BaseException) and item.__module__ == module.__name__
    ]


def test_every_app_with_services_is_found():
    names = {module.__name__ for module in _service_modules()}
    assert {
        "carepath.accounts.services",
        "carepath.communities.services",
        "carepath.directory.services",
        "carepath.navigator.services",
        "carepath.pathways.services",
        "carepath.practices.services",
    } <= names


@pytest.mark.parametrize("module", list(_service_modules()), ids=lambda module: module.__name__)
def test_service_errors_share_one_base_and_end_in_error(module):
    for error in _errors_defined_in(module):
        assert issubclass(error, ServiceError), f"{module.__name__}.{error.__name__}"
        assert error.__name__.endswith("Error"), f"{module.__name__}.{error.__name__}"


def test_the_errors_of_every_app_are_found():
    found = {error.__name__ for module in _service_modules() for error in _errors_defined_in(module)}
    assert found == {
        "AwaitingApprovalError",
        "NotEditableError",
        "NotKeptError",
        "NotListableError",
        "NotStewardError",
        "PublishBlockedError",
        "WorkflowError",
    }


def test_a_stale_edit_is_a_service_error_too():
    assert issubclass(StaleEditError, ServiceError)
