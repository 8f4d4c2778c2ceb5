"""Hypothesis profiles for the parser fuzzers: a fixed budget, and the same examples on every CI run.

``fuzz`` explores new random inputs on each local run (failures are replayed from ``.hypothesis/``);
``fuzz-ci`` (chosen when ``CI`` is set) is derandomized, so CI is reproducible and never flaky. Both run
``FUZZ_EXAMPLES`` examples per target (120 unless ``PAPERBOY_FUZZ_EXAMPLES`` says otherwise), which keeps the
whole fuzz suite well under a minute; ``bench/fuzz.py`` is the long run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FUZZ_EXAMPLES = int(os.environ.get("PAPERBOY_FUZZ_EXAMPLES", "120"))

settings.register_profile(
    "fuzz",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,  # per-example deadlines are flaky on a shared machine; oracles.time_limit catches hangs
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
settings.register_profile("fuzz-ci", parent=settings.get_profile("fuzz"), derandomize=True, database=None)


def fuzz_settings() -> settings:
    """The profile for this run, applied per test so the rest of the suite keeps its own settings."""
    return settings.get_profile("fuzz-ci" if os.environ.get("CI") else "fuzz")
