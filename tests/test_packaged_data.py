"""Files kept at the top level for people (rubrics/, questionnaires/) are shipped in the package
too, so a non-editable install finds them; the copies must not drift apart."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "rbm_surveys"


@pytest.mark.parametrize("top, packaged", [
    ("rubrics", "data/rubrics"),
    ("questionnaires", "surveys/indicators/specs"),
])
def test_packaged_copies_match(top, packaged):
    top_files = {p.name: p.read_bytes() for p in (ROOT / top).glob("*.yaml")}
    pkg_files = {p.name: p.read_bytes() for p in (PKG / packaged).glob("*.yaml")}
    assert top_files, f"no YAML in {top}/"
    for name, data in top_files.items():
        assert pkg_files.get(name) == data, (
            f"{top}/{name} and src/rbm_surveys/{packaged}/{name} differ: copy the edited one "
            "over the other")
