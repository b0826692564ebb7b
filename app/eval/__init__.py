"""Evaluation in Full-Duplex-Bench format: item discovery, scoring, reports."""
