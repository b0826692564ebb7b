"""Microphone, camera and file-backed sources that feed the ring buffer."""
