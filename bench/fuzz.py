"""Long fuzzing run over every parser of outside data: ``python bench/fuzz.py --minutes N``.

Runs the targets of ``tests/fuzz/targets.py`` (the same ones ``make test`` runs briefly) round-robin for the
given wall time, without shrinking, and prints per target the examples per second and the crashes found,
grouped by exception type and message, with the smallest input seen for each. Exit status 1 when anything
crashed, so a scheduled job can alert.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from tests.fuzz.targets import Target, all_targets  # noqa: E402


class _TimeUp(Exception):
    """Raised inside the fuzz loop to stop hypothesis once a target's time slice is spent."""


@dataclass
class Tally:
    examples: int = 0
    seconds: float = 0.0
    slowest: float = 0.0  # one check call, seconds: how close any input came to the 5 s hang limit
    crashes: Counter = field(default_factory=Counter)
    smallest: dict = field(default_factory=dict)


def crash_key(exc: BaseException) -> str:
    first_line = (str(exc).splitlines() or [""])[0][:120]
    return f"{type(exc).__name__}: {first_line}"


def fuzz_for(target: Target, seconds: float, tally: Tally) -> None:
    deadline = time.monotonic() + seconds

    @settings(
        max_examples=10**9,
        phases=[Phase.generate],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(target.inputs)
    def loop(value: object) -> None:
        if time.monotonic() > deadline:
            raise _TimeUp
        tally.examples += 1
        started = time.perf_counter()
        try:
            target.check(value)
        except Exception as exc:  # noqa: BLE001 - counting every kind of crash is the point
            key = crash_key(exc)
            tally.crashes[key] += 1
            size = len(repr(value))
            if key not in tally.smallest or size < len(repr(tally.smallest[key])):
                tally.smallest[key] = value
        tally.slowest = max(tally.slowest, time.perf_counter() - started)

    started = time.monotonic()
    with contextlib.suppress(_TimeUp):
        loop()
    tally.seconds += time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="total wall time over all targets")
    parser.add_argument("--only", default="", help="run only targets whose name contains this text")
    parser.add_argument("--slice", type=float, default=20.0, help="seconds per target per round")
    args = parser.parse_args(argv)
    targets = [t for t in all_targets() if args.only in t.name]
    tallies = {t.name: Tally() for t in targets}
    end = time.monotonic() + args.minutes * 60
    while time.monotonic() < end:
        for target in targets:
            left = end - time.monotonic()
            if left <= 0:
                break
            fuzz_for(target, min(args.slice, left), tallies[target.name])
    print(f"{'target':34} {'examples':>9} {'ex/s':>7} {'slowest s':>9} {'crashes':>8}")
    for name, tally in tallies.items():
        rate = tally.examples / tally.seconds if tally.seconds else 0.0
        crashes = sum(tally.crashes.values())
        print(f"{name:34} {tally.examples:9d} {rate:7.0f} {tally.slowest:9.3f} {crashes:8d}")
    crashed = False
    for name, tally in tallies.items():
        for key, count in tally.crashes.most_common():
            crashed = True
            print(f"\n{name}: {count} x {key}\n  smallest input: {tally.smallest[key]!r:.600}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
