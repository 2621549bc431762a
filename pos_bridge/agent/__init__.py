"""The till agent (``smartstore pos agent``): offline outbox, catalogue cache, cashier screen, receipts."""

VERSION = "1.0"
