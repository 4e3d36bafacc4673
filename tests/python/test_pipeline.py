"""test_pipeline.py - Portraits, Communities, recommend / target /
recommend_all, model files and evaluation through the binding, with their
error cases."""
import csv
import os
import unittest

from support import TempDirCase, pipeline, vcomm


class TestPortraits(unittest.TestCase):
    def setUp(self):
        self.ds, self.pt, self.cm = pipeline()

    def test_shape_and_columns(self):
        pt = self.pt
        self.assertEqual(pt.user_count, self.ds.user_count)
        self.assertEqual(len(pt), self.ds.user_count)
        cols = pt.columns()
        self.assertEqual(len(cols), pt.column_count)
        self.assertEqual({c.split("/")[0] for c in cols}, {"fact", "model", "predictive"})
        for i in (0, len(cols) // 2, len(cols) - 1):
            self.assertEqual(pt.find_column(cols[i]), i)
            self.assertEqual("/".join(pt.column(i)), cols[i])
        with self.assertRaises(vcomm.NotFoundError):
            pt.find_column("model/nothing/here")
        with self.assertRaises(vcomm.RangeError):
            pt.column(len(cols))
        self.assertIs(pt.dataset, self.ds)
        self.assertIn("columns", repr(pt))

    def test_project_and_pca(self):
        coords, explained = self.pt.project(2)
        self.assertEqual(len(coords), self.pt.user_count)
        self.assertEqual(len(coords[0]), 2)
        self.assertTrue(1 >= explained[0] >= explained[1] > 0)
        # a line in the plane: one component explains everything
        rows = [[float(i), 2.0 * i] for i in range(10)]
        r = vcomm.pca(rows, 1)
        self.assertAlmostEqual(r.explained[0], 1.0, places=5)
        self.assertAlmostEqual(abs(r.components[0][1] / r.components[0][0]), 2.0, places=4)
        self.assertEqual(len(r.projected), 10)
        with self.assertRaises(vcomm.InvalidError):
            vcomm.pca(rows, 3)

    def test_user(self):
        pt, uid = self.pt, self.ds.user_id(7)
        doc = pt.user(uid)
        self.assertEqual(doc["user"], uid)
        self.assertEqual(doc["fact"], self.ds.user_attrs(uid))
        self.assertTrue(doc["model"] and doc["predictive"])
        row = pt.row(uid)
        for i in range(pt.column_count):
            layer, group, name = pt.column(i)
            if layer != "fact":
                self.assertEqual(doc[layer][group][name], row[i], (layer, group, name))
        self.assertEqual([t["tag"] for t in doc["tags"]], [t for t, _ in pt.tags(uid)])
        for _, w in pt.tags(uid):
            self.assertTrue(0 < w <= 1)
        self.assertEqual(len(pt.row(uid, features=True)), pt.column_count)
        self.assertNotEqual(pt.row(uid, features=True), row)
        self.assertEqual(pt.user(int(uid)) if uid.isdigit() else doc, doc)
        with self.assertRaises(vcomm.NotFoundError):
            pt.user("no-such-user")


class TestCommunities(unittest.TestCase):
    def setUp(self):
        self.ds, self.pt, self.cm = pipeline()

    def test_listing(self):
        cm = self.cm
        all_ = cm.communities()
        self.assertEqual(len(all_), cm.count)
        self.assertEqual(len(cm), cm.count)
        self.assertGreater(cm.count, cm.global_count)
        segments = cm.communities(topic=None)
        self.assertEqual(len(segments), cm.global_count)
        self.assertEqual([c["id"] for c in segments], list(range(cm.global_count)))
        topic = all_[-1]["topic"]
        self.assertTrue(cm.communities(topic=topic))
        self.assertTrue(all(c["topic"] == topic for c in cm.communities(topic=topic)))
        self.assertIs(cm.portraits, self.pt)
        self.assertIs(cm.dataset, self.ds)
        self.assertIn("communities", repr(cm))

    def test_one_community(self):
        cm = self.cm
        c = cm.community(0)
        self.assertEqual(set(c), {"id", "name", "topic", "size", "persona", "silhouette",
                                  "tags"})
        self.assertEqual(cm.find(c["name"]), 0)
        self.assertEqual(cm.community(c["name"]), c)
        self.assertTrue(-1 <= c["silhouette"] <= 1)
        self.assertEqual([t for t, _ in cm.tags(0)], c["tags"])
        members = cm.members(0)
        self.assertGreaterEqual(len(members), c["size"])
        self.assertEqual([s for _, s in members], sorted((s for _, s in members), reverse=True))
        self.assertEqual(len(cm.centroid(0)), self.pt.column_count)
        with self.assertRaises(vcomm.NotFoundError):
            cm.find("no such community")
        for bad in (cm.count, -1):
            with self.assertRaises(vcomm.RangeError):
                cm.community(bad)

    def test_of_user(self):
        cm, uid = self.cm, self.ds.user_id(3)
        mine = cm.of_user(uid)
        self.assertTrue(mine)
        for c, name, strength in mine:
            self.assertEqual(cm.community(c)["name"], name)
            self.assertIn(uid, [u for u, _ in cm.members(c)])
            self.assertTrue(0 < strength <= 1)

    def test_bad_options(self):
        with self.assertRaises(vcomm.OptionError):
            vcomm.Communities.run(self.pt, community_kk=3)


class TestQueries(TempDirCase):
    def setUp(self):
        super().setUp()
        self.ds, self.pt, self.cm = pipeline()
        self.uid = self.ds.user_id(11)

    def test_recommend(self):
        recs = self.cm.recommend(self.uid, n=5)
        self.assertEqual(len(recs), 5)
        seen = {e[0] for e in self.ds.user_events(self.uid)}
        for item, score, reason in recs:
            self.assertNotIn(item, seen)
            self.assertIsInstance(score, float)
            self.assertTrue(reason)
        self.assertEqual([s for _, s, _ in recs], sorted((s for _, s, _ in recs), reverse=True))
        again = self.cm.recommend(self.uid, n=5, exclude=[recs[0][0]])
        self.assertNotIn(recs[0][0], [i for i, _, _ in again])
        self.assertEqual(self.cm.recommend(self.uid, 5), recs)

    def test_recommend_errors(self):
        with self.assertRaises(vcomm.NotFoundError):
            self.cm.recommend("nobody")
        with self.assertRaises(vcomm.NotFoundError):
            self.cm.recommend(self.uid, exclude=["no-item"])
        with self.assertRaises(vcomm.Error) as cm:
            self.cm.recommend(self.uid, n=0)
        self.assertTrue(cm.exception.message)
        with self.assertRaises(vcomm.NotFoundError):
            self.cm.recommend(self.uid, recommend_category="Nope")
        cat = self.ds.categories()[0]
        for item, _, _ in self.cm.recommend(self.uid, n=3, recommend_category=cat):
            self.assertIn(cat, self.ds.item(item)["categories"])

    def test_target(self):
        cat = self.ds.categories()[0]
        users = self.cm.target(category=cat, n=7)
        self.assertEqual(len(users), 7)
        self.assertEqual(len({u for u, _, _ in users}), 7)
        item = self.ds.item_ids()[0]
        have = {u for u in self.ds.user_ids()
                if item in {e[0] for e in self.ds.user_events(u)}}
        for u, score, reason in self.cm.target(item=item, n=20):
            self.assertNotIn(u, have)
            self.assertTrue(reason)
        with self.assertRaises(vcomm.NotFoundError):
            self.cm.target(category="Nope")
        with self.assertRaises(vcomm.NotFoundError):
            self.cm.target(item="no-item")
        with self.assertRaises(TypeError):
            self.cm.target()
        with self.assertRaises(TypeError):
            self.cm.target(item=item, category=cat)

    def test_recommend_all(self):
        allrecs = self.cm.recommend_all(n=3)
        self.assertEqual(len(allrecs), self.ds.user_count)
        one = self.cm.recommend(self.uid, n=3)
        self.assertEqual(allrecs[self.uid], [(i, s) for i, s, _ in one])
        rows = []
        self.assertIsNone(self.cm.recommend_all(
            n=2, callback=lambda *row: rows.append(row)))
        self.assertEqual(len(rows), 2 * self.ds.user_count)
        self.assertEqual(rows[0][:3], (self.ds.user_id(0), 1, rows[0][2]))
        with self.assertRaises(vcomm.CancelledError):
            self.cm.recommend_all(n=2, callback=lambda *row: True)

        def boom(*row):
            raise KeyError("from the callback")
        with self.assertRaises(KeyError) as cm:
            self.cm.recommend_all(n=2, callback=boom)
        self.assertIsInstance(cm.exception.__cause__, vcomm.CancelledError)

    def test_recommend_all_csv(self):
        path = os.path.join(self.tmp, "all.csv")
        self.cm.recommend_all_csv(path, n=2)
        with open(path, encoding="utf-8") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0][:4], ["user", "rank", "item", "score"])
        self.assertEqual(len(rows), 1 + 2 * self.ds.user_count)
        first = self.cm.recommend(self.ds.user_id(0), n=1)[0]
        self.assertEqual(rows[1][:3], [self.ds.user_id(0), "1", first[0]])
        with self.assertRaises(vcomm.IoError):
            self.cm.recommend_all_csv(os.path.join(self.tmp, "no", "dir", "x.csv"))


class TestModel(TempDirCase):
    def test_save_load_same_results(self):
        ds, pt, cm = pipeline()
        path = os.path.join(self.tmp, "m.vcm")
        cm.save(path)
        uids = ds.user_ids()[::37]
        with vcomm.Model.load(path) as m:
            mc = m.communities
            self.assertEqual(mc.communities(), cm.communities())
            for u in uids:
                self.assertEqual(mc.recommend(u, n=5), cm.recommend(u, n=5))
                self.assertEqual(m.portraits.user(u), pt.user(u))
                self.assertEqual(mc.portraits.user(u), pt.user(u))
            want = dict(ds.stats(), bytes=None)  # the memory used may differ
            self.assertEqual(dict(m.dataset.stats(), bytes=None), want)
            self.assertEqual(dict(mc.dataset.stats(), bytes=None), want)
            cat = ds.categories()[1]
            self.assertEqual(mc.target(category=cat, n=9), cm.target(category=cat, n=9))
            opts = m.options
            self.assertEqual(opts["seed"], 42)
            opts.close()

    def test_options_recorded(self):
        ds, pt, cm = pipeline()
        path = os.path.join(self.tmp, "m.vcm")
        vcomm.Model.save(cm, path, seed=5, recommend_neighbours=12)
        with vcomm.Model.load(path) as m:
            self.assertEqual((m.options["seed"], m.options["recommend.neighbours"]), (5, 12))

    def test_errors(self):
        with self.assertRaises(vcomm.IoError):
            vcomm.Model.load(os.path.join(self.tmp, "missing.vcm"))
        bad = self.write("bad.vcm", "this is not a model file at all\n" * 10)
        with self.assertRaises(vcomm.FormatError) as cm:
            vcomm.Model.load(bad)
        self.assertTrue(cm.exception.message)
        _, _, comm = pipeline()
        with self.assertRaises(vcomm.IoError):
            comm.save(os.path.join(self.tmp, "no", "dir", "m.vcm"))

    def test_corrupted_file(self):
        _, _, cm = pipeline()
        path = os.path.join(self.tmp, "m.vcm")
        cm.save(path)
        with open(path, "r+b") as f:
            f.seek(os.path.getsize(path) // 2)
            byte = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte[0] ^ 0xFF]))
        with self.assertRaises(vcomm.FormatError):
            vcomm.Model.load(path)


class TestEvaluate(unittest.TestCase):
    def test_evaluate(self):
        ds, _, _ = pipeline()
        ev = vcomm.evaluate(ds, eval_k=5, eval_max_users=100)
        self.assertEqual((ev["k"], ev["split"]), (5, "temporal:0.2"))
        self.assertGreater(ev["users"], 0)
        self.assertIn("community", ev["methods"])
        self.assertIn("popularity", ev["methods"])
        for scores in ev["methods"].values():
            self.assertEqual(list(scores), vcomm.metric_names())
            self.assertTrue(0 <= scores["precision"] <= 1)
        self.assertIsInstance(ev["target_lift"], float)

    def test_bad_split(self):
        ds, _, _ = pipeline()
        with self.assertRaises(vcomm.OptionError) as cm:
            vcomm.evaluate(ds, eval_split="sideways")
        self.assertIn("sideways", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
