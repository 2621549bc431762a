"""Typed factory functions per domain (``create_shop(session, ...)``), not one giant file."""
