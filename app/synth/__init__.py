"""Synthetic conversation scenarios for training and evaluating the interaction model."""
