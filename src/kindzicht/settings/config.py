"""One documented wrapper around environment variables.

Every setting that an operator may change is read through :func:`config`, so that
``docs/operations.md`` can list them all (``kindzicht config_docs`` prints the table).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

_UNSET = object()


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


REGISTRY: dict[str, Setting] = {}


def config(name: str, default: Any = _UNSET, *, help: str, cast: type | None = None) -> Any:
    """Read ``name`` from the environment, recording it (with ``help``) in the registry."""
    REGISTRY[name] = Setting(name, None if default is _UNSET else default, help)
    raw = os.environ.get(name)
    if raw is None:
        if default is _UNSET:
            raise RuntimeError(f"Environment variable {name} is required: {help}")
        return default
    if cast is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if cast is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    if cast is not None:
        return cast(raw)
    return raw


def as_markdown() -> str:
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for s in sorted(REGISTRY.values(), key=lambda s: s.name):
        lines.append(f"| `{s.name}` | `{s.default}` | {s.help} |")
    return "\n".join(lines)
