"""Parking (C5 智能停车): sessions from gate events, fee rules, find-my-car and pay-by-QR."""
