"""Cheap per-frame visual features the interaction model and the reasoning tier read."""
