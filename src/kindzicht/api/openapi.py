"""The committed OpenAPI document: how it is generated, where it lives, and the check that it
is not stale (CI fails when the code and the committed schema differ)."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema

#: The committed schema (shipped with the package; linted by .ci/run with Spectral).
SCHEMA_PATH = Path(__file__).resolve().with_name("openapi.json")
REGENERATE = "kindzicht schema"
#: Generated in the source language of the translatable labels (Dutch: the labels of sectors
#: and other choices), so the committed text depends neither on the caller's locale nor on the
#: translation catalogues — updating a translation never makes the schema stale.
SCHEMA_LANGUAGE = "nl"


class SchemaWarnings(Exception):
    """drf-spectacular could not describe something exactly; the schema would lie."""


def generate(*, strict: bool = True) -> str:
    """The OpenAPI 3 document of /api/v1 as committed: JSON, two-space indent, final newline."""
    GENERATOR_STATS.reset()
    with translation.override(SCHEMA_LANGUAGE):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    if strict and GENERATOR_STATS:
        raise SchemaWarnings(
            "drf-spectacular warned while generating the schema: "
            + "; ".join(sorted({*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache})))
    validate_schema(schema)
    raw = OpenApiJsonRenderer().render(schema, renderer_context={})
    return json.dumps(json.loads(raw), indent=2, ensure_ascii=False) + "\n"


def committed() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""


def is_stale() -> bool:
    return generate() != committed()
