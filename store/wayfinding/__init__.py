"""Wayfinding: the store's indoor map modelled on IMDF (GeoJSON in local metres), routes across floors,
the shop search the kiosks use, and the guide kiosks themselves (placement, heartbeat, usage for C1)."""
