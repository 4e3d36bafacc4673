"""test_demo.py - examples/python/demo.py runs its whole tour on small
synthetic data and reports errors as the tool does (exit 2, message)."""
import os
import subprocess
import sys
import unittest

from support import ROOT

DEMO = os.path.join(ROOT, "examples", "python", "demo.py")


def demo(*args):
    return subprocess.run([sys.executable, DEMO, *args], capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)


class TestDemo(unittest.TestCase):
    def test_tour(self):
        r = demo("--set", "synth.users=300", "--set", "synth.items=200",
                 "--set", "eval.max_users=50")
        self.assertEqual(r.returncode, 0, r.stderr)
        for part in ("== data ==", "300 users", "== communities", "segment 1",
                     "recommendations ==", "1. ", "a coupon campaign", "community",
                     "targeting lift"):
            self.assertIn(part, r.stdout)

    def test_errors(self):
        r = demo("--data", "/nonexistent/vcomm-data")
        self.assertEqual(r.returncode, 2)
        self.assertIn("vcomm-data", r.stderr)
        r = demo("--set", "kmeans.kk=3")
        self.assertEqual(r.returncode, 2)
        self.assertIn("kmeans.k", r.stderr)
        r = demo("--set", "kmeans")
        self.assertEqual(r.returncode, 2)  # argparse usage error
        self.assertIn("NAME=VALUE", r.stderr)


if __name__ == "__main__":
    unittest.main()
