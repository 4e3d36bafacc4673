"""test_dataset.py - vcomm.Dataset: loading (and its errors, with the
library's file:line messages), synthesizing, feeding from Python, every
accessor, writing MovieLens 1M files and reading them back."""
import math
import os
import unittest

from support import SMALL, TempDirCase, vcomm


def fed():
    """A small data set fed through the API."""
    ds = vcomm.Dataset.new()
    ds.add_user("alice", gender="F", age="25-34")
    ds.add_user("bob", {"gender": "M"}, age="35-44")
    ds.add_item("m1", "Heat", "Action|Crime", price=9.5)
    ds.add_item("m2", "Up", ["Animation", "Comedy"])
    ds.add_item(3, None, None)
    ds.add_event("alice", "m1", "rating", 4, time=1000)
    ds.add_event("alice", "m2", "purchase", 2, 19.0, time=500)
    ds.add_event("bob", "m1", value=5, time=2000)
    ds.add_event("carol", 3, "view", time=1500)  # new user on the fly
    ds.add_event("bob", "m2", "binge", 1, time=1700)  # a custom type
    return ds.finalize()


class TestFeeding(unittest.TestCase):
    def setUp(self):
        self.ds = fed()

    def tearDown(self):
        self.ds.close()

    def test_counts_and_names(self):
        ds = self.ds
        self.assertEqual((ds.user_count, ds.item_count, ds.event_count), (3, 3, 5))
        self.assertEqual(len(ds), 3)
        self.assertEqual(ds.user_ids(), ["alice", "bob", "carol"])
        self.assertEqual(ds.item_ids(), ["m1", "m2", "3"])
        self.assertEqual(sorted(ds.categories()), ["Action", "Animation", "Comedy", "Crime"])
        self.assertEqual(ds.event_types()[:7], ["rating", "view", "like", "collect", "search",
                                                "comment", "purchase"])
        self.assertIn("binge", ds.event_types())
        self.assertEqual(set(ds.attributes()), {"gender", "age"})
        self.assertEqual(ds.format, "api")
        self.assertGreater(ds.memory_bytes, 0)
        self.assertEqual((ds.skipped_lines, ds.first_skip_reason, ds.dropped_rows),
                         (0, None, 0))
        self.assertIn("3 users", repr(ds))

    def test_indices(self):
        ds = self.ds
        self.assertEqual(ds.user_index("bob"), 1)
        self.assertEqual(ds.user_id(1), "bob")
        self.assertEqual(ds.item_index(3), 2)
        self.assertEqual(ds.item_id(0), "m1")
        self.assertEqual(ds.categories()[ds.category_index("Comedy")], "Comedy")
        with self.assertRaises(vcomm.NotFoundError) as cm:
            ds.user_index("dave")
        self.assertIn("dave", str(cm.exception))
        with self.assertRaises(vcomm.NotFoundError):
            ds.item_index("m9")
        with self.assertRaises(vcomm.NotFoundError):
            ds.category_index("Horror")
        with self.assertRaises(vcomm.RangeError):
            ds.user_id(99)
        with self.assertRaises(vcomm.RangeError):
            ds.item_id(99)

    def test_users_items_events(self):
        ds = self.ds
        self.assertEqual(ds.user_attrs("alice"), {"gender": "F", "age": "25-34"})
        self.assertEqual(ds.user_attrs("bob"), {"gender": "M", "age": "35-44"})
        self.assertEqual(ds.user_attrs("carol"), {})
        self.assertEqual(ds.item("m1"), {"id": "m1", "title": "Heat",
                                         "categories": ["Action", "Crime"], "price": 9.5,
                                         "events": 2})
        self.assertEqual(ds.item("3")["title"], None)
        self.assertEqual(ds.item("3")["price"], None)
        self.assertEqual(ds.item("3")["categories"], [])
        self.assertEqual(ds.user_events("alice"), [("m2", "purchase", 2.0, 19.0, 500),
                                                   ("m1", "rating", 4.0, 0.0, 1000)])
        self.assertEqual(ds.user_events("bob")[0][:2], ("m2", "binge"))
        counts = ds.type_counts()
        self.assertEqual((counts["rating"], counts["view"], counts["purchase"],
                          counts["binge"]), (2, 1, 1, 1))
        self.assertEqual(ds.time_range(), (500, 2000))
        with self.assertRaises(vcomm.NotFoundError):
            ds.planted_community("alice")

    def test_many_categories(self):
        ds = vcomm.Dataset.new()
        cats = [f"c{i}" for i in range(40)]
        ds.add_item("x", "X", cats)
        ds.add_event("u", "x")
        ds.finalize()
        self.assertEqual(ds.item("x")["categories"], cats)
        ds.close()

    def test_stats(self):
        s = self.ds.stats()
        self.assertEqual((s["users"], s["items"], s["events"]), (3, 3, 5))
        self.assertEqual(s["event_types"]["binge"], 1)
        self.assertEqual(s["categories"][0], {"name": "Action", "items": 1, "events": 2})
        self.assertEqual(s["time_range"], {"first": "1970-01-01T00:08:20Z",
                                           "last": "1970-01-01T00:33:20Z"})
        self.assertEqual(s["events_per_user"], {"min": 1, "median": 2, "mean": 5 / 3,
                                                "max": 2})

    def test_state_and_argument_errors(self):
        ds = vcomm.Dataset.new()
        ds.add_event("u", "i", time=1)
        with self.assertRaises(vcomm.StateError):
            vcomm.Portraits.build(ds)
        with self.assertRaises(vcomm.RangeError):
            ds.add_event("u", "i", value=math.inf)
        with self.assertRaises(ValueError):
            ds.add_event("u", "i", value="much")
        ds.finalize()
        ds.add_event("u", "j", time=2)  # un-finalises
        with self.assertRaises(vcomm.StateError):
            ds.write_ml1m("/tmp/never-written")
        ds.close()

    def test_closed(self):
        self.ds.close()
        with self.assertRaises(ValueError):
            self.ds.user_count
        self.assertIn("closed", repr(self.ds))


class TestLoad(TempDirCase):
    def test_missing_path(self):
        missing = os.path.join(self.tmp, "nothing-here")
        with self.assertRaises(vcomm.IoError) as cm:
            vcomm.Dataset.load(missing)
        self.assertIn("nothing-here", str(cm.exception))
        self.assertEqual(cm.exception.function, "vc_dataset_load")
        self.assertIsInstance(cm.exception, OSError)

    def test_unknown_format(self):
        self.write("notes.txt", "hello\n")
        with self.assertRaises(vcomm.Error) as cm:
            vcomm.Dataset.load(self.tmp)
        self.assertIn(type(cm.exception), (vcomm.FormatError, vcomm.IoError))

    def _written(self):
        with vcomm.Dataset.synthesize(**SMALL) as ds:
            ds.write_ml1m(self.tmp)
            return ds.stats()

    def test_write_and_load_back(self):
        want = self._written()
        for name in ("users.dat", "movies.dat", "ratings.dat", "truth.csv"):
            self.assertTrue(os.path.exists(os.path.join(self.tmp, name)), name)
        with vcomm.Dataset.load(self.tmp) as ds:
            got = ds.stats()
            self.assertEqual(ds.format, "ml-1m")
            u = ds.user_ids()[5]
            self.assertIsInstance(ds.planted_community(u), int)
        for key in ("users", "items", "events", "categories", "attributes",
                    "events_per_user", "time_range"):
            self.assertEqual(got[key], want[key], key)

    def test_parse_error_names_file_and_line(self):
        self._written()
        path = os.path.join(self.tmp, "ratings.dat")
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        lines.insert(3, "1::2::x::978300760")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        with self.assertRaises(vcomm.ParseError) as cm:
            vcomm.Dataset.load(self.tmp)
        self.assertIn("ratings.dat:4", str(cm.exception))
        with vcomm.Dataset.load(self.tmp, load_on_error="skip") as ds:
            self.assertEqual(ds.skipped_lines, 1)
            self.assertIn("ratings.dat:4", ds.first_skip_reason)
            self.assertEqual(ds.stats()["skipped_lines"], 1)

    def test_bad_format_option(self):
        with self.assertRaises(vcomm.RangeError):
            vcomm.Dataset.load(self.tmp, load_format="parquet")


class TestSynthesize(unittest.TestCase):
    def test_deterministic_with_planted_labels(self):
        with vcomm.Dataset.synthesize(**SMALL) as a, \
                vcomm.Dataset.synthesize(**SMALL) as b, \
                vcomm.Dataset.synthesize(seed=7, **SMALL) as c:
            self.assertEqual(a.format, "synthetic")
            self.assertEqual(a.user_count, 300)
            self.assertEqual(a.stats(), b.stats())
            self.assertNotEqual(a.stats()["events"], c.stats()["events"])
            labels = {a.planted_community(u) for u in a.user_ids()}
            self.assertEqual(labels, set(range(8)))


if __name__ == "__main__":
    unittest.main()
