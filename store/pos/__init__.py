"""Tills (issue 12): heartbeats, outbox backlog, missing-sale alarms, and payments through the plugin network."""
