"""A graph's drawable model and its layered layout, in plain Python (no Qt)."""
