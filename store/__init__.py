"""The smart-store core: settings, database, domains, HTTP API, jobs and the demo store."""

__version__ = "0.1.0"
