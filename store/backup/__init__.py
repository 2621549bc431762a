"""Backups of the whole database: online copies, verified, kept by retention, restored and drilled (F3 数据中心)."""
