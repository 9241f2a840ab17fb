"""Write the perception-survey example into ``examples/perception/`` (seeded, reproducible).

    python examples/simulate.py [--seed 2026] [--out examples/perception]
    rbm survey run examples/perception/config.yaml

The simulator itself lives in the package (``rbm_surveys.surveys.indicators.simulate``) so
that ``rbm demo`` works after a plain ``pip install``; this script only chooses where to
write. Output: ``forms/`` (XLSForms), ``exports/`` (KoBo XLSX exports, XML-value headers),
``designs/`` (one row per enumeration area: stratum, EAs in stratum, base weight),
``margins.yaml`` (census counts of adults by sex, age group and city), ``specs/``
(indicator specifications), ``truth.csv`` (every indicator on the whole synthetic
population) and ``config.yaml`` (the run configuration).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rbm_surveys.surveys.indicators.simulate import write_example


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default=str(Path(__file__).parent / "perception"))
    args = ap.parse_args()
    files = write_example(args.out, seed=args.seed)
    print(f"wrote the example to {args.out}; run it with: rbm survey run {files['config']}")


if __name__ == "__main__":
    main()
