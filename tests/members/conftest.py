"""The import fixtures (a small mall, ``import_text``) for the members import tests."""

from tests.imports.conftest import import_text, mall  # noqa: F401
