"""Typed test factories, one module per domain."""
