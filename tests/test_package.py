"""The top-level namespace: light to import, every advertised name resolves."""

import subprocess
import sys

import pytest

import clientalytics as ca


@pytest.mark.parametrize("name", ca.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(ca, name) is not None


def test_import_does_not_load_the_models():
    code = (
        "import sys, clientalytics; "
        "heavy = [m for m in ('sklearn', 'lifelines', 'lifetimes', 'matplotlib.pyplot') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'not_a_metric'"):
        ca.not_a_metric  # noqa: B018
