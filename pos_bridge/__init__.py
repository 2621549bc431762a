"""Device side of the tills: terminal agent, cashier screen, receipt printing and capture.

Runs on the till; talks to the store only over its HTTP API (see DESIGN.md).
"""
