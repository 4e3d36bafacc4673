"""test_cli_compare.py - the binding gives exactly what the vcomm tool
prints with --json for the same data and options: stats, portraits,
communities, recommendations, targeting, evaluation, the options registry,
model files written by either side, and the same error messages.
Skipped when the tool is not built (VCOMM_TOOL or a meson build dir)."""
import json
import os
import subprocess
import unittest

from support import TempDirCase, tool, vcomm

TOOL = tool()
SET = ["--set", "community.k=4"]  # one non-default option on both sides


@unittest.skipUnless(TOOL, "the vcomm tool is not built")
class TestSameAsCli(TempDirCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls._dir = tempfile.TemporaryDirectory(prefix="vcomm-cli-")
        cls.data = os.path.join(cls._dir.name, "synth")
        cls.cli("synth", "--out", cls.data, "--users", "300", "--items", "200",
                "--events-per-user", "40", json_out=False)
        cls.ds = vcomm.Dataset.load(cls.data)
        cls.pt = vcomm.Portraits.build(cls.ds)
        cls.cm = vcomm.Communities.run(cls.pt, community_k=4)

    @classmethod
    def tearDownClass(cls):
        cls.cm.close()
        cls.pt.close()
        cls.ds.close()
        cls._dir.cleanup()

    @staticmethod
    def cli(*args, json_out=True, expect=0):
        r = subprocess.run([TOOL, *args] + (["--json"] if json_out else []),
                           capture_output=True, text=True, timeout=600,
                           stdin=subprocess.DEVNULL)
        if r.returncode != expect:
            raise AssertionError(f"vcomm {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
        return json.loads(r.stdout) if json_out and expect == 0 else r

    def test_stats(self):
        self.assertEqual(self.cli("stats", "--data", self.data), self.ds.stats())

    def test_options(self):
        self.assertEqual(self.cli("options"), vcomm.options())

    def test_portrait(self):
        for u in self.ds.user_ids()[::97]:
            self.assertEqual(self.cli("portrait", "--data", self.data, "--user", u),
                             self.pt.user(u))

    def test_communities(self):
        got = self.cli("communities", "--data", self.data, *SET)
        self.assertEqual(got["communities"], self.cm.communities(topic=None))
        topic = self.cm.communities()[-1]["topic"]
        got = self.cli("communities", "--data", self.data, "--topic", topic, *SET)
        self.assertEqual(got["communities"], self.cm.communities(topic=topic))

    def test_recommend(self):
        for u in self.ds.user_ids()[::61]:
            got = self.cli("recommend", "--data", self.data, "--user", u, "-n", "7", *SET)
            self.assertEqual(got["user"], u)
            self.assertEqual([(e["item"], e["score"], e["reason"]) for e in got["items"]],
                             self.cm.recommend(u, n=7))

    def test_recommend_with_options(self):
        u = self.ds.user_id(42)
        got = self.cli("recommend", "--data", self.data, "--user", u, *SET,
                       "--set", "recommend.neighbour_weight=0.9")
        self.assertEqual([(e["item"], e["score"], e["reason"]) for e in got["items"]],
                         self.cm.recommend(u, recommend_neighbour_weight=0.9))

    def test_target(self):
        cat = self.ds.categories()[2]
        got = self.cli("target", "--data", self.data, "--category", cat, "-n", "15", *SET)
        self.assertEqual([(e["user"], e["score"], e["reason"]) for e in got["users"]],
                         self.cm.target(category=cat, n=15))
        item = self.ds.item_ids()[3]
        got = self.cli("target", "--data", self.data, "--item", item, "-n", "15", *SET)
        self.assertEqual([(e["user"], e["score"], e["reason"]) for e in got["users"]],
                         self.cm.target(item=item, n=15))

    def test_eval(self):
        opts = ["--set", "eval.max_users=80", "--k", "5"]
        got = self.cli("eval", "--data", self.data, *opts, *SET)
        want = vcomm.evaluate(self.ds, eval_max_users=80, eval_k=5, community_k=4)
        for doc in (got, want):  # timings differ from run to run
            for scores in doc["methods"].values():
                del scores["query_us"]
        self.assertEqual(got, want)

    def test_models_cross_over(self):
        u = self.ds.user_id(123)
        cli_model = os.path.join(self.tmp, "cli.vcm")
        self.cli("build", "--data", self.data, "--out", cli_model, *SET, json_out=False)
        with vcomm.Model.load(cli_model) as m:
            self.assertEqual(m.communities.recommend(u), self.cm.recommend(u))
        py_model = os.path.join(self.tmp, "py.vcm")
        self.cm.save(py_model, community_k=4)
        got = self.cli("recommend", "--model", py_model, "--user", u)
        self.assertEqual([(e["item"], e["score"], e["reason"]) for e in got["items"]],
                         self.cm.recommend(u))

    def test_same_error_message(self):
        r = self.cli("recommend", "--data", self.data, "--user", "nobody", expect=2,
                     json_out=False)
        with self.assertRaises(vcomm.NotFoundError) as cm:
            self.cm.recommend("nobody")
        self.assertIn(str(cm.exception), r.stderr)
        missing = os.path.join(self.tmp, "missing")
        r = self.cli("stats", "--data", missing, expect=2, json_out=False)
        with self.assertRaises(vcomm.IoError) as cm:
            vcomm.Dataset.load(missing)
        self.assertIn(str(cm.exception), r.stderr)


if __name__ == "__main__":
    unittest.main()
