"""Admin pages: every module here with a ``router`` is mounted by :func:`admin.mount` (no list to edit)."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def page_modules() -> list[ModuleType]:
    """The page modules of the admin, in name order (``auth`` comes first: it owns ``/admin/``)."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    names.sort(key=lambda name: name != "auth")
    modules = [importlib.import_module(f"{__name__}.{name}") for name in names]
    return [module for module in modules if hasattr(module, "router")]
