"""The demo pipeline on bundled examples (grows with each capability)."""

from __future__ import annotations


def run_demo(out: str) -> int:
    print("rbm demo: nothing to run yet")
    return 0
