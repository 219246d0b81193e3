"""The debugger's logic in plain Python: checkpoint history as a tree, state diffs, run
timelines, breakpoints and human-in-the-loop payloads.

Nothing here imports Qt, so the rules the panels follow are tested without a window.
"""
