"""Write the project's four XLSForms and their indicator specifications into this folder.

    python questionnaires/build_forms.py

The questionnaires are defined once, in ``rbm_surveys.surveys.indicators.forms`` (so that
``rbm demo`` can write them after a plain ``pip install``), and the indicator specifications
ship in ``rbm_surveys/surveys/indicators/specs/``. This script writes the committed copies:
``<module>.xlsx`` (upload to KoBoToolbox or ODK Central as is) and ``<module>.yaml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rbm_surveys.surveys.indicators.forms import write_all_forms
from rbm_surveys.surveys.indicators.spec import bundled_spec_paths


def main() -> None:
    here = Path(__file__).parent
    for module, path in write_all_forms(here).items():
        spec = bundled_spec_paths()[module]
        shutil.copyfile(spec, here / f"{module}.yaml")
        print(f"wrote {path.name} and {module}.yaml")


if __name__ == "__main__":
    main()
