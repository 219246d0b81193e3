"""Side-by-side benchmarks of `lg-studio serve` and `langgraph dev` (not part of the test run)."""
