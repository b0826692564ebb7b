"""Qt-free building blocks shared by every thread: frames, clocks, the ring buffer."""
