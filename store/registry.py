"""Finds every domain's table and demo modules, so that no central list needs editing per domain."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from types import ModuleType

import store

# Demo generation order: later domains build on what earlier ones created.
DOMAIN_ORDER = ("premises", "auth", "catalog", "members", "sales", "points", "footfall", "kpi", "assessment")


def domains() -> list[str]:
    """Names of the domain sub-packages of ``store``, in dependency order."""
    found = {m.name for m in pkgutil.iter_modules(store.__path__) if m.ispkg and m.name not in {"migrations", "demo"}}
    ordered = [d for d in DOMAIN_ORDER if d in found]
    return ordered + sorted(found - set(ordered))


def domain_modules(module: str) -> list[ModuleType]:
    """``store.<domain>.<module>`` for every domain that has one."""
    result = []
    for domain in domains():
        name = f"store.{domain}.{module}"
        if importlib.util.find_spec(name) is not None:
            result.append(importlib.import_module(name))
    return result


def command_module_names() -> list[str]:
    """``store.<domain>.commands`` of every domain that has one, found without importing them."""
    return [f"store.{d}.commands" for d in domains() if importlib.util.find_spec(f"store.{d}.commands") is not None]


def load_all_models() -> None:
    """Import every table class, so ``SQLModel.metadata`` is complete (migrations, tests)."""
    import store.idempotency
    import store.ratelimit
    import store.worker_lock  # noqa: F401

    domain_modules("models")
