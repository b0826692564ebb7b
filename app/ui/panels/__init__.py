"""Generative UI: panel specs (A2UI-style surfaces) rendered as native Qt widgets."""
