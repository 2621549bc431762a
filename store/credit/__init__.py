"""Merchant credit (S9 信用信息服务): credit profiles and scores, signed shop QR codes, complaints, credit services."""
