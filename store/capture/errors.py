"""Errors of receipt capture."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput, NotFound


class TemplateNotFound(NotFound):
    type = "capture-template-not-found"
    title = "No such parse template in this store"


class JobNotFound(NotFound):
    type = "capture-receipt-not-found"
    title = "No such captured receipt in this store"


class BadTemplate(InvalidInput):
    type = "bad-capture-template"
    title = "Parse template rejected"


class BadJob(InvalidInput):
    type = "bad-capture-receipt"
    title = "Captured receipt rejected"


class BoxNotBound(Conflict):
    type = "capture-box-not-bound"
    title = "The capture box serves no shop"
