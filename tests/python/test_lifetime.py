"""test_lifetime.py - handles are freed deterministically (close, with
blocks, or when the last reference goes) and children keep their parents
alive: dropping or closing a Dataset while its Communities live is safe,
and so is every order of release."""
import gc
import os
import unittest
import weakref

from support import SMALL, TempDirCase, vcomm


def build():
    ds = vcomm.Dataset.synthesize(**SMALL)
    pt = vcomm.Portraits.build(ds)
    return ds, pt, vcomm.Communities.run(pt)


class TestLifetime(TempDirCase):
    def test_drop_parents_first(self):
        ds, pt, cm = build()
        uid = ds.user_id(5)
        want = cm.recommend(uid, n=5)
        del ds, pt
        gc.collect()
        self.assertEqual(cm.recommend(uid, n=5), want)
        self.assertEqual(cm.portraits.user(uid)["user"], uid)
        self.assertEqual(cm.dataset.user_count, 300)
        cm.close()

    def test_close_parents_first(self):
        ds, pt, cm = build()
        uid = ds.user_id(9)
        want = cm.recommend(uid, n=3)
        ds.close()
        pt.close()
        self.assertTrue(ds.closed and pt.closed)
        self.assertIsNotNone(ds._ptr)  # still alive in C for cm
        with self.assertRaises(ValueError):
            ds.stats()
        with self.assertRaises(ValueError):
            pt.user(uid)
        self.assertEqual(cm.recommend(uid, n=3), want)
        self.assertEqual(cm.of_user(uid), cm.of_user(uid))
        cm.close()
        self.assertIsNone(ds._ptr)  # the last child freed the chain
        self.assertIsNone(pt._ptr)
        with self.assertRaises(ValueError):
            cm.recommend(uid)

    def test_close_children_first(self):
        ds, pt, cm = build()
        cm.close()
        self.assertIsNone(cm._ptr)
        self.assertEqual(pt.user_count, 300)  # parents untouched
        pt.close()
        self.assertEqual(ds.user_count, 300)
        ds.close()
        self.assertIsNone(ds._ptr)

    def test_with_blocks(self):
        with vcomm.Dataset.synthesize(**SMALL) as ds:
            with vcomm.Portraits.build(ds) as pt:
                with vcomm.Communities.run(pt) as cm:
                    n = cm.count
                self.assertTrue(cm.closed)
                escaped = vcomm.Communities.run(pt)  # outlives its parents' blocks
            self.assertTrue(pt.closed)
        self.assertTrue(ds.closed)
        self.assertEqual(escaped.count, n)
        escaped.close()
        self.assertIsNone(ds._ptr)

    def test_build_on_closed_handle_fails(self):
        ds = vcomm.Dataset.synthesize(**SMALL)
        ds.close()
        with self.assertRaises(ValueError):
            vcomm.Portraits.build(ds)

    def test_model_parts_keep_model_alive(self):
        _, _, cm = build()
        path = os.path.join(self.tmp, "m.vcm")
        cm.save(path)
        uid = cm.dataset.user_id(4)
        want = cm.recommend(uid)
        m = vcomm.Model.load(path)
        mc, mds = m.communities, m.dataset
        del m
        gc.collect()
        self.assertEqual(mc.recommend(uid), want)
        self.assertEqual(mds.user_count, 300)
        model = weakref.ref(mc._parent)
        mc.close()
        self.assertIsNotNone(model())  # mds still uses it
        del mds
        gc.collect()
        self.assertIsNone(model())

    def test_close_model_while_parts_live(self):
        _, _, cm = build()
        path = os.path.join(self.tmp, "m.vcm")
        cm.save(path)
        with vcomm.Model.load(path) as m:
            pt = m.communities.portraits  # a borrowed part of a borrowed part
        self.assertTrue(m.closed)
        self.assertEqual(pt.user_count, 300)
        self.assertIn("closed", repr(m))
        del pt
        gc.collect()
        self.assertIsNone(m._ptr)  # freed with its last part

    def test_many_builds_do_not_pile_up(self):
        for _ in range(5):
            ds, pt, cm = build()
            del ds, pt, cm
        gc.collect()

    def test_null_handle_rejected(self):
        from vcomm import _native
        with self.assertRaises(ValueError):
            vcomm.Dataset(_native.Dataset())


if __name__ == "__main__":
    unittest.main()
