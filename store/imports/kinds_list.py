"""The import kinds by name, without importing their handlers (the command's choices load fast)."""

from __future__ import annotations

# In the order a store is built from files: later kinds refer to earlier ones by code.
KIND_NAMES = (
    "store",
    "floors",
    "shops",
    "staff",
    "zones",
    "members",
    "orders",
    "daily-totals",
    "footfall",
    "evidence",
    "products",
    "price-book",
    "devices",  # facilities (issue 17)
    "surveys",  # facilities (issue 17)
    "deliveries",
    "live-sessions",
)
