"""support.py - shared pieces of the Python binding's tests: imports vcomm
from examples/python (unless PYTHONPATH already provides it), builds one
small synthetic pipeline per process, and finds the built vcomm tool
(VCOMM_TOOL, else a meson build directory) for the CLI comparisons."""
import glob
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "examples", "python"))

import vcomm  # noqa: E402

#: small enough for sanitizer builds, big enough for topic communities
SMALL = {"synth.users": 300, "synth.items": 200, "synth.events_per_user": 40}

_pipeline = None


def pipeline():
    """(dataset, portraits, communities) on SMALL synthetic data, built once
    per process and shared: tests must not close them."""
    global _pipeline
    if _pipeline is None:
        ds = vcomm.Dataset.synthesize(**SMALL)
        pt = vcomm.Portraits.build(ds)
        _pipeline = ds, pt, vcomm.Communities.run(pt)
    return _pipeline


def tool():
    """The vcomm command-line tool, or None."""
    path = os.environ.get("VCOMM_TOOL")
    if path:
        return path
    found = sorted(glob.glob(os.path.join(ROOT, "build*", "examples", "vcomm", "vcomm")))
    return found[0] if found else None


def has_numpy():
    try:
        import numpy  # noqa: F401 - only whether it imports
        return True
    except ImportError:
        return False


needs_numpy = unittest.skipUnless(has_numpy(), "numpy is not installed")


class TempDirCase(unittest.TestCase):
    """A test case with a fresh temporary directory in self.tmp."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="vcomm-py-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path
