"""The kpi domain."""
