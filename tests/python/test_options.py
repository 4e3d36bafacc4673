"""test_options.py - vcomm.options() is the registry, Options sets and gets
every type by name (dotted, or underscores when unambiguous), errors carry
the library's message, and progress callbacks report, cancel and survive
exceptions."""
import threading
import unittest

from support import SMALL, vcomm
from vcomm import _options


class TestRegistry(unittest.TestCase):
    def test_registry(self):
        reg = vcomm.options()
        names = [o["name"] for o in reg]
        self.assertEqual(len(names), len(set(names)))
        for want in ["threads", "seed", "kmeans.k", "load.format", "community.k"]:
            self.assertIn(want, names)
        k = next(o for o in reg if o["name"] == "kmeans.k")
        self.assertEqual((k["type"], k["default"]), ("int", 8))
        for o in reg:
            self.assertIn(o["type"], ("int", "float", "bool", "string"))
            self.assertTrue(o["doc"])

    def test_defaults_round_trip(self):
        with vcomm.Options() as o:
            for entry in vcomm.options():
                self.assertEqual(o.get(entry["name"]), entry["default"], entry["name"])

    def test_kernel_name(self):
        self.assertIn(vcomm.kernel_name(), ("scalar", "avx2", "avx512", "neon"))
        self.assertEqual(vcomm.kernel_name(kernel="scalar"), "scalar")


class TestOptions(unittest.TestCase):
    def setUp(self):
        self.o = vcomm.Options()

    def tearDown(self):
        self.o.close()

    def test_typed_set_and_get(self):
        o = self.o
        o.set("kmeans.k", 12)
        o["kmeans.tol"] = 1e-5
        o.set("load.keep_cancellations", True)
        o.set("load.on_error", "skip")
        self.assertEqual(o.get("kmeans.k"), 12)
        self.assertEqual(o["kmeans.tol"], 1e-5)
        self.assertIs(o.get("load.keep_cancellations"), True)
        self.assertEqual(o.get("load.on_error"), "skip")
        o.set("kmeans.tol", 1)  # an int for a float option converts
        self.assertEqual(o.get("kmeans.tol"), 1.0)

    def test_text_values_parse_as_the_cli(self):
        self.o.set("kmeans.k", "7").set("load.keep_cancellations", "yes")
        self.o.set_pair("kmeans.max_iter=33")
        self.assertEqual(self.o.get("kmeans.k"), 7)
        self.assertIs(self.o.get("load.keep_cancellations"), True)
        self.assertEqual(self.o.format("kmeans.max_iter"), "33")

    def test_underscores_for_dots(self):
        o = vcomm.Options(kmeans_k=5, portrait_half_life_days=30.0,
                          **{"community.topic_k": 3})
        self.assertEqual((o["kmeans.k"], o["portrait.half_life_days"], o["community_topic_k"]),
                         (5, 30.0, 3))
        o.close()

    def test_format_long_string(self):
        long = "user=" + "x" * 300
        self.o.set("load.columns", long)
        self.assertEqual(self.o.format("load.columns"), long)
        self.assertEqual(self.o.format("kmeans.k"), "8")

    def test_copy_and_dict(self):
        self.o.set("seed", 9)
        c = self.o.copy()
        c.set("seed", 10)
        self.assertEqual((self.o["seed"], c["seed"]), (9, 10))
        self.assertEqual(vcomm.Options({"seed": 3})["seed"], 3)
        d = c.as_dict()
        self.assertEqual(d["seed"], 10)
        self.assertEqual(len(d), len(vcomm.options()))
        self.assertIn("'seed': 10", repr(c))
        c.close()

    def test_unknown_name_suggests(self):
        with self.assertRaises(vcomm.OptionError) as cm:
            self.o.set("kmeans.kk", 3)
        self.assertIn("kmeans.k", str(cm.exception))
        self.assertIn("kmeans.kk", cm.exception.message)
        with self.assertRaises(vcomm.OptionError):
            self.o.get("nope")
        with self.assertRaises(vcomm.OptionError):
            self.o.format("nope")

    def test_wrong_type(self):
        with self.assertRaises(vcomm.OptionError) as cm:
            self.o.set("kmeans.k", 1.5)  # a float for an int option
        self.assertIn("kmeans.k", str(cm.exception))
        with self.assertRaises(vcomm.ParseError) as cm:
            self.o.set("kmeans.k", "many")
        self.assertIn("many", str(cm.exception))
        with self.assertRaises(vcomm.OptionError):
            self.o.set("kmeans.k", [1])
        with self.assertRaises(vcomm.RangeError) as cm:
            self.o.set("kmeans.k", 0)
        self.assertIn("kmeans.k", str(cm.exception))
        with self.assertRaises(vcomm.RangeError):
            self.o.set("load.format", "xml")
        with self.assertRaises(vcomm.ParseError):
            self.o.set_pair("seed")
        self.assertEqual(self.o["kmeans.k"], 8)  # unchanged after errors
        with self.assertRaises(TypeError):
            vcomm.Options(42)

    def test_ambiguous_underscores(self):
        reg = _options._registry()
        reg["a.b_c"] = reg["a_b.c"] = ("int", "0", "test")
        try:
            with self.assertRaises(vcomm.OptionError) as cm:
                _options.resolve("a_b_c")
            self.assertIn("ambiguous", str(cm.exception))
        finally:
            del reg["a.b_c"], reg["a_b.c"]

    def test_calls_reject_bad_options(self):
        with self.assertRaises(vcomm.OptionError):
            vcomm.Dataset.synthesize(**{"synth.userz": 10})
        with self.assertRaises(vcomm.RangeError):
            vcomm.Dataset.synthesize(synth_users=0)

    def test_closed(self):
        self.o.close()
        self.o.close()
        with self.assertRaises(ValueError):
            self.o.get("seed")


# With a pool of threads, the library reports a parallel stage's progress
# only for the tasks the calling thread itself runs, which on a loaded
# machine can be none; one thread makes every report certain.
SERIAL = dict(SMALL, threads=1)


class TestProgress(unittest.TestCase):
    def test_reports_from_calling_thread(self):
        seen = []
        ds = vcomm.Dataset.synthesize(
            progress=lambda stage, f: seen.append((stage, f, threading.get_ident())),
            **SERIAL)
        self.assertTrue(seen)
        self.assertTrue(all(0.0 <= f <= 1.0 for _, f, _ in seen))
        self.assertEqual({t for _, _, t in seen}, {threading.get_ident()})
        with vcomm.Options(progress=lambda s, f: None) as o:
            self.assertIsNotNone(o.progress)
            pt = vcomm.Portraits.build(ds, options=o)
            o.set_progress(None)
            self.assertIsNone(o.progress)
        pt.close()
        ds.close()

    def test_true_cancels(self):
        with self.assertRaises(vcomm.CancelledError) as cm:
            vcomm.Dataset.synthesize(progress=lambda s, f: True, **SERIAL)
        self.assertIn("cancel", str(cm.exception))
        with self.assertRaises(vcomm.CancelledError):
            vcomm.Dataset.synthesize(progress=lambda s, f: 1, **SERIAL)

    def test_exception_cancels_and_is_raised(self):
        class Boom(Exception):
            pass

        calls = []

        def progress(stage, fraction):
            calls.append(stage)
            raise Boom(stage)

        with self.assertRaises(Boom) as cm:
            vcomm.Dataset.synthesize(progress=progress, **SERIAL)
        self.assertIsInstance(cm.exception.__cause__, vcomm.CancelledError)
        self.assertEqual(len(calls), 1)  # not called again once it failed
        ds = vcomm.Dataset.synthesize(**SERIAL)  # nothing left behind
        with vcomm.Options(progress=progress, threads=1) as o:
            with self.assertRaises(Boom):
                vcomm.Portraits.build(ds, options=o)
            with self.assertRaises(Boom):  # the same options again
                vcomm.Portraits.build(ds, options=o)
        ds.close()

    def test_not_callable(self):
        with self.assertRaises(TypeError):
            vcomm.Options(progress=3)


if __name__ == "__main__":
    unittest.main()
