"""One error convention: every error a service function raises to refuse a write is a ``ServiceError``, named
for its reason and ending in ``Error``.

Three ways an error reaches a service's caller, each checked: a class the services module defines or imports
(and so re-exports), a class a ``raise`` statement in it names (``raise ValidationError(...)`` or
``raise Model.DoesNotExist`` would slip past the first), and a class defined in a module whose functions the
services call to refuse for them (``HELPERS``)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import carepath
from carepath.errors import ServiceError

# Modules whose functions raise, on a service's behalf, what the service lets through to its caller.
HELPERS = ("carepath.concurrency", "carepath.navigator.answers", "carepath.pathways.signoff")

# A raise in a services module that is not a refusal, with the reason.
NOT_REFUSALS = {
    # A file shipped with Carepath that does not read is a fault of the release, not a refusal of a write.
    ("carepath.practices.services.surveys", "load_shipped", "ValueError"),
}


def _service_modules() -> list[ModuleType]:
    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(carepath.__path__, "carepath.")
        if ".services" in info.name and ".migrations" not in info.name
    ]


def _carepath_errors_in(module: ModuleType, *, defined_only: bool) -> list[type[BaseException]]:
    return [
        item
        for _, item in inspect.getmembers(module, inspect.isclass)
        if issubclass(item, BaseException)
        and item.__module__.startswith("carepath.")
        and (item.__module__ == module.__name__ or not defined_only)
    ]


def _raised_in(module: ModuleType) -> list[tuple[str, str, object]]:
    """(function, the expression raised, what it names in the module) for every ``raise X`` and
    ``raise X(...)``; a bare ``raise`` re-raises what was caught and is not listed."""
    found = []
    for function in ast.walk(ast.parse(inspect.getsource(module))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Raise) or node.exc is None:
                continue
            named = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            found.append((function.name, ast.unparse(named), _resolve(module, named)))
    return found


def _resolve(module: ModuleType, node: ast.expr) -> object:
    if isinstance(node, ast.Name):
        return getattr(module, node.id, None)
    if isinstance(node, ast.Attribute):
        return getattr(_resolve(module, node.value), node.attr, None)
    return None


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


@pytest.mark.parametrize("module", _service_modules(), ids=lambda module: module.__name__)
def test_the_errors_a_services_module_defines_or_imports_are_service_errors(module):
    for error in _carepath_errors_in(module, defined_only=False):
        assert issubclass(error, ServiceError), f"{module.__name__}: {error.__module__}.{error.__name__}"
        assert error.__name__.endswith("Error"), f"{module.__name__}: {error.__module__}.{error.__name__}"


@pytest.mark.parametrize("module", _service_modules(), ids=lambda module: module.__name__)
def test_a_service_raises_only_service_errors(module):
    for function, named, error in _raised_in(module):
        if (module.__name__, function, named) in NOT_REFUSALS:
            continue
        where = f"{module.__name__}.{function} raises {named}"
        assert inspect.isclass(error), f"{where}, which is not a class of the module"
        assert issubclass(error, ServiceError), where
        assert error.__name__.endswith("Error"), where


@pytest.mark.parametrize("name", HELPERS)
def test_the_errors_of_the_helpers_are_service_errors(name):
    module = importlib.import_module(name)
    errors = _carepath_errors_in(module, defined_only=True)
    assert errors, f"{name} defines no error: take it out of HELPERS"
    for error in errors:
        assert issubclass(error, ServiceError), f"{name}.{error.__name__}"
        assert error.__name__.endswith("Error"), f"{name}.{error.__name__}"


def test_the_exceptions_to_the_rule_are_still_there():
    raised = {
        (module.__name__, function, named)
        for module in _service_modules()
        for function, named, _ in _raised_in(module)
    }
    assert raised >= NOT_REFUSALS


def test_the_errors_of_every_app_are_found():
    found = {
        error.__name__
        for module in [*_service_modules(), *map(importlib.import_module, HELPERS)]
        for error in _carepath_errors_in(module, defined_only=True)
    }
    assert found == {
        "AlreadyMemberError",
        "AwaitingApprovalError",
        "DocumentError",
        "DraftValueError",
        "LastFacilitatorError",
        "NoSuchAccountError",
        "NoSuchFeedbackError",
        "NoSuchReportError",
        "NotATemplateChangeError",
        "NotAtTableError",
        "NotEditableError",
        "NotFacilitatorError",
        "NotKeptError",
        "NotListableError",
        "NotListedError",
        "NotReviewedError",
        "NotStewardError",
        "PublishBlockedError",
        "PublishReasonError",
        "SeveralAccountsError",
        "StaleEditError",
        "UnreadableError",
        "UnsafeSourceError",
        "WorkflowError",
    }
