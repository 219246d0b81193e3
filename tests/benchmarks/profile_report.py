"""Summarise py-spy collapsed stacks (`run.py --py-spy DIR` writes one file per scenario).

    .venv/bin/python -m tests.benchmarks.profile_report DIR/burst.txt [--top 25] [--under X]

Prints the share of samples per thread, then the functions with the most inclusive time
(the function or anything it called) and the most self time (the function itself), as
`file:function` without line numbers. `--under X` keeps only stacks with a frame matching X
and gives shares of those; `--frames studio/` shows only matching frames in the tables.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def frame_name(frame: str) -> str:
    """`func (path/to/file.py:12)` -> `path/to/file.py:func`; thread/process frames as they are."""
    match = _FRAME.match(frame.strip())
    if match is None:
        return frame.strip()
    return f"{match['file']}:{match['func']}"


def parse(path: Path) -> list[tuple[str, list[str], int]]:
    """(thread, frames root first, samples) for each line of a collapsed-stack file."""
    stacks = []
    for line in path.read_text(errors="replace").splitlines():
        head, _, count = line.rpartition(" ")
        if not head or not count.isdigit():
            continue
        parts = head.split(";")
        thread = next((p for p in parts if p.startswith("thread (")), "thread (?)")
        frames = [frame_name(p) for p in parts if not p.startswith(("process ", "thread ("))]
        stacks.append((thread.split(": ", 1)[-1].rstrip(")"), frames, int(count)))
    return stacks


def summarise(stacks: list[tuple[str, list[str], int]], top: int, frames_filter: str | None) -> str:
    total = sum(n for _, _, n in stacks) or 1
    threads: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for thread, frames, n in stacks:
        threads[_thread_group(thread)] += n
        for name in set(frames):
            inclusive[name] += n
        if frames:
            own[frames[-1]] += n
    out = [f"{total} samples"]
    out.append("\nby thread:")
    out += [f"  {100 * n / total:5.1f}%  {name}" for name, n in threads.most_common()]
    for title, counter in (("inclusive", inclusive), ("self", own)):
        out.append(f"\n{title}:")
        shown = 0
        for name, n in counter.most_common():
            if frames_filter and frames_filter not in name:
                continue
            out.append(f"  {100 * n / total:5.1f}%  {name}")
            shown += 1
            if shown >= top:
                break
    return "\n".join(out)


def _thread_group(thread: str) -> str:
    """Pool threads by pool: `lg-studio-db_0` and `lg-studio-db_1` count as one."""
    return re.sub(r"_\d+$", "_*", thread)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--under", help="only stacks with a frame containing this text")
    parser.add_argument("--thread", help="only threads whose name contains this text")
    parser.add_argument("--frames", help="only show frames containing this text")
    args = parser.parse_args(argv)
    for path in args.files:
        stacks = parse(path)
        if args.thread:
            stacks = [s for s in stacks if args.thread in s[0]]
        if args.under:
            stacks = [s for s in stacks if any(args.under in f for f in s[1])]
        print(f"== {path}")
        print(summarise(stacks, args.top, args.frames))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
