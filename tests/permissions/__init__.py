"""Who may call what: the permission matrix (``matrix.py``) and the world of callers it runs against."""
