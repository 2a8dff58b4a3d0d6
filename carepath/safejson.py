"""JSON from outside (uploads, API bodies, posted answers) with a bound on nesting depth.

Python's parser recurses: a few thousand ``[`` make it raise ``RecursionError``, and code that walks the result
(a JSON Schema validator, say) recurses too. ``loads`` turns both into ``TooDeepError``, a ``ValueError``, so callers
that already handle broken JSON handle deep JSON the same way. No Django here: the HSDS reader uses it.
"""

from __future__ import annotations

import json
from typing import Any

DEFAULT_MAX_DEPTH = 32


class TooDeepError(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the JSON is nested more than {limit} levels deep")
        self.limit = limit


class TooLongError(ValueError):
    """A number too long for Python to read (more than 4,300 digits)."""

    def __init__(self) -> None:
        super().__init__("the JSON holds a number of more than 4300 digits")


def loads(text: str | bytes, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """``json.loads``, refusing documents nested deeper than ``max_depth`` objects and arrays, and numbers
    too long to read. Broken JSON raises ``json.JSONDecodeError`` as ``json.loads`` does."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise TooDeepError(max_depth) from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise TooLongError from None
    if too_deep(document, max_depth):
        raise TooDeepError(max_depth)
    return document


def too_deep(value: Any, limit: int) -> bool:
    """Whether ``value`` nests objects and arrays more than ``limit`` levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False
