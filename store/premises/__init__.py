"""The premises domain."""
