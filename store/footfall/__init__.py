"""The footfall domain."""
