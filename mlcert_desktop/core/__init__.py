"""The exam engine: plain Python, no Qt, no SQL."""
