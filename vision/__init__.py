"""Device side of the cameras: people detection and tracking, line counting, occupancy, patrol.

Runs on the camera box; talks to the store only over its HTTP API (see DESIGN.md).
"""
