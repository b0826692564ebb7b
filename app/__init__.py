"""Tandem: a desktop voice-and-vision assistant you talk to the way you talk to a person."""

__version__ = "0.1.0"
