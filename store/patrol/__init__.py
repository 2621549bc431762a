"""Patrol: the cameras that camera nodes read, their heatmaps, video patrol routes and rounds, and findings."""
