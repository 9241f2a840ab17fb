"""`rbm demo`: run the main job on the bundled examples."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("demo", help="run the whole pipeline on the bundled examples")
    p.add_argument("--out", default="rbm-demo-output", help="folder for the results")
    p.set_defaults(func=run)


def run(args) -> int:
    from rbm_surveys.demo import run_demo

    return run_demo(args.out)
