"""The API's one request parser: DRF's strict JSON parser (no NaN or Infinity), which also
refuses documents nested too deep, with a 400 problem instead of a server error.

Python's json module recurses once per level: a body of 100,000 ``[`` makes it raise
``RecursionError``, which DRF does not catch (a 500), and a document just shallow enough to
parse would make every later walk over it (the text rule, the serializers) overflow instead.
No request of this API nests deeper than a few levels."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

#: Objects and lists inside each other, at most (the deepest request needs 3).
MAX_DEPTH = 16


def depth(data: Any) -> int:
    """How deep objects and lists nest in ``data`` (iteratively: no recursion to overflow)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


class JsonParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deep.") from None
        if depth(data) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - the document is nested deeper than "
                             f"{MAX_DEPTH} levels.")
        return data


class CsvParser(parsers.BaseParser):
    """A CSV file as the body (``text/csv``; the import of a regional index's registrations):
    its bytes, read up to just over the import's limit (``index.bulk.ONLINE_MAX_BYTES``), so
    that a larger body is refused without being read whole. The service decodes and checks
    them, as it does an upload in the admin."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        from kindzicht.index.bulk import ONLINE_MAX_BYTES

        return stream.read(ONLINE_MAX_BYTES + 1)
