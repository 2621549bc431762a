"""Receipt capture from tenants' own POS (C2 智能支付): parse templates, captured receipts (raw bytes kept by
hash, re-parsed when a template is fixed), the review queue, capture boxes' health and alerts, coverage and
the daily reconciliation of tills, captured receipts and declared turnover."""
