"""Tools the reasoning tier can call; each module holds one tool family."""
