"""test_update.py - the feedback loop through the binding (the Python side
of tests/test_update.c): Dataset.append, Portraits.update,
Communities.assign / refresh, the drift report (vcomm.Drift) and
Model.update; a planted shift found by the drift report; a model updated
in memory equals the same model saved and loaded; a malformed events file
raises ParseError and changes nothing; the parts of a model are read-only;
updates keep handles alive and run one at a time."""
import gc
import os
import re
import shutil
import threading
import unittest

from support import ROOT, TempDirCase, vcomm
from vcomm import _native

#: as tests/fixtures.c fixture_tiny_options()
TINY = {"threads": 1, "community.k": 2, "community.topic_k": 2,
        "community.min_members": 5, "community.max_topics": 2}


def synth(users, communities, seed):
    return vcomm.Dataset.synthesize(**{"synth.users": users,
                                       "synth.communities": communities, "seed": seed})


def split_data(tmp, users, base_share):
    """A synthetic data set written as ML-1M into tmp/full, the same with
    its ratings split by time into tmp/base (the first share) and the file
    tmp/new.dat (the rest, in the data set's own ratings.dat format).
    Returns (full, base, new)."""
    full, base = os.path.join(tmp, "full"), os.path.join(tmp, "base")
    new = os.path.join(tmp, "new.dat")
    with synth(users, 6, 11) as ds:
        ds.write_ml1m(full)
    os.mkdir(base)
    for name in ("users.dat", "movies.dat"):
        shutil.copy(os.path.join(full, name), os.path.join(base, name))
    with open(os.path.join(full, "ratings.dat"), "rb") as f:
        lines = f.read().splitlines()
    lines.sort(key=lambda line: int(line.rsplit(b":", 1)[1]))  # stable, as qsort by time
    cut = int(base_share * len(lines))
    with open(os.path.join(base, "ratings.dat"), "wb") as f:
        f.write(b"".join(line + b"\n" for line in lines[:cut]))
    with open(new, "wb") as f:
        f.write(b"".join(line + b"\n" for line in lines[cut:]))
    return full, base, new


def build(path_or_ds, **options):
    ds = vcomm.Dataset.load(path_or_ds) if isinstance(path_or_ds, str) else path_or_ds
    pt = vcomm.Portraits.build(ds, **options)
    return ds, pt, vcomm.Communities.run(pt, **options)


def hard_global(cm, uid):
    """A user's strongest global segment (None if in none)."""
    for c, _, _ in cm.of_user(uid):
        if c < cm.global_count:
            return c
    return None


BAD_EVENTS = "1::1::5::978300760\n2::x::5::1\n"


class TestConstants(unittest.TestCase):
    def test_flags_match_the_header(self):
        with open(os.path.join(ROOT, "include", "vcomm.h"), encoding="utf-8") as f:
            text = f.read()
        want = {name: int(v) for name, v in re.findall(r"\bVC_DRIFT_(\w+)\s*=\s*(\d+)", text)}
        self.assertEqual(want, {"GREW": _native.DRIFT_GREW, "SHRANK": _native.DRIFT_SHRANK,
                                "SPLIT": _native.DRIFT_SPLIT, "NEW": _native.DRIFT_NEW})
        refresh = re.search(r"#define VC_UPDATE_REFRESH (\d+)u", text).group(1)
        self.assertEqual(int(refresh), _native.UPDATE_REFRESH)
        self.assertEqual(vcomm.Drift.Mover._fields, ("user_index", "from_", "to"))


class TestAppendUpdateAssign(TempDirCase):
    def test_append_update_assign_agree_with_a_rebuild(self):
        full_dir, base_dir, new = split_data(self.tmp, 500, 0.95)  # as the C test
        ds, pt, cm = build(base_dir, **TINY)
        _, _, full = build(full_dir, **TINY)
        fds = full.dataset
        keep = {uid: hard_global(cm, uid) for uid in ds.user_ids()}
        before = ds.event_count

        added = ds.append(new)
        self.assertGreater(added, 0)
        self.assertEqual(ds.event_count, before + added)
        self.assertEqual(ds.event_count, fds.event_count)
        self.assertEqual(ds.user_count, fds.user_count)
        uid = ds.user_id(0)
        with self.assertRaises(vcomm.StateError):  # stale portraits refuse to serve
            cm.recommend(uid)

        updated = pt.update()
        self.assertTrue(0 < updated < ds.user_count, updated)
        self.assertEqual(pt.user_count, ds.user_count)
        with self.assertRaises(vcomm.StateError):  # communities not yet
            cm.recommend(uid)

        assigned = cm.assign()
        self.assertEqual(assigned, updated)
        # untouched users keep their segment
        same = sum(hard_global(cm, u) == c for u, c in keep.items())
        self.assertGreaterEqual(same, len(keep) - assigned)
        # and the segments agree with the rebuild's
        users = ds.user_ids()
        ari = vcomm.ari([hard_global(cm, u) for u in users],
                        [hard_global(full, u) for u in users])
        self.assertGreater(ari, 0.9)
        # serving works again, and top-10 lists mostly agree with the rebuild
        overlap = total = 0
        for u in users[::7]:
            mine = {i for i, _, _ in cm.recommend(u, n=10)}
            theirs = [i for i, _, _ in full.recommend(u, n=10)]
            overlap += sum(i in mine for i in theirs)
            total += len(theirs)
        self.assertGreaterEqual(overlap / total, 0.6)

        # nothing new: nothing to do
        self.assertEqual(pt.update(), 0)
        self.assertEqual(cm.assign(), 0)

    def test_options_default_to_the_build(self):
        seen = []
        ds = synth(200, 3, 5)
        pt = vcomm.Portraits.build(ds, progress=lambda s, f: seen.append(s), **TINY)
        cm = vcomm.Communities.run(pt, options=vcomm.Options(TINY), community_k=3)
        self.assertEqual(cm._made_with.get("community.k"), 3)
        self.assertEqual(pt._made_with.get("community.max_topics"), 2)
        self.assertIsNone(pt._made_with.progress)  # the build's callback is not kept
        self.assertIsNone(ds._made_with.progress)
        self.assertEqual(ds._made_with.get("synth.users"), 200)
        seen.clear()
        self.assertEqual(pt.update(), 0)
        self.assertEqual(cm.assign(), 0)
        cm.refresh()
        self.assertEqual(seen, [])
        self.assertEqual(len(cm), 3 + sum(1 for c in cm.communities() if c["topic"]))
        # keywords change the remembered options for one call
        cm.refresh(threads=2)
        self.assertEqual(cm._made_with.get("threads"), 1)

    def test_malformed_append_changes_nothing(self):
        ds, pt, cm = build(synth(200, 3, 5), **TINY)
        uid = ds.user_id(3)
        want = (ds.stats(), pt.user(uid), cm.communities(), cm.recommend(uid, n=5))
        bad = self.write("bad.dat", BAD_EVENTS)
        with self.assertRaises(vcomm.ParseError) as e:
            ds.append(bad)
        self.assertIn("bad.dat:2", str(e.exception))
        self.assertEqual(e.exception.function, "vc_dataset_append")
        with self.assertRaises(vcomm.IoError):
            ds.append(os.path.join(self.tmp, "missing.dat"))
        self.assertEqual((ds.stats(), pt.user(uid), cm.communities(),
                          cm.recommend(uid, n=5)), want)  # still serving, unchanged

    def test_merchant_events(self):
        ds = vcomm.Dataset.new()
        ds.add_event("u1", "sku-1", "purchase", value=1, amount=9.0, time=1700000000)
        ds.add_event("u2", "sku-2", "view", time=1700000100)
        ds.finalize()
        csv = "user,item,event,quantity,price,time\nu1,sku-2,purchase,1,5.0,1700000200\n" \
              "u3,sku-1,view,,,1700000300\n"
        # a directory (events.csv) is read as a merchant data set
        self.write("new/events.csv", csv)
        self.assertEqual(ds.append(os.path.join(self.tmp, "new")), 2)
        self.assertEqual((ds.user_count, ds.event_count), (3, 4))
        # so is a single file, the fed data set's own event format
        path = self.write("new.csv", csv)
        self.assertEqual(ds.append(path), 2)
        self.assertEqual((ds.user_count, ds.event_count), (3, 6))
        with self.assertRaises(vcomm.IoError):
            ds.append(os.path.join(self.tmp, "missing.csv"))
        self.assertEqual(ds.event_count, 6)
        # load.format reads another format into a synthetic data set
        other = synth(50, 2, 1)
        self.assertEqual(other.append(path, **{"load.format": "merchant"}), 2)

    def test_refresh_keeps_ids_and_hardly_moves(self):
        ds, pt, cm = build(synth(400, 4, 5), **TINY)
        n = cm.count
        with cm.drift_begin() as drift:
            self.assertFalse(drift.ended)
            with self.assertRaises(vcomm.StateError):
                drift.movers
            cm.refresh()
            self.assertIs(drift.end(cm), drift)
            self.assertTrue(drift.ended)
            self.assertEqual(cm.count, n)
            self.assertLessEqual(drift.mover_count, ds.user_count // 20)
            self.assertEqual(len(drift.communities), n)
            with self.assertRaises(vcomm.StateError):  # once only
                drift.end(cm)
        self.assertTrue(drift.closed)
        with self.assertRaises(ValueError):
            drift.movers
        self.assertTrue(cm.recommend(ds.user_id(3), n=10))


class TestPlantedShift(TempDirCase):
    """Users of planted community 0 take community 1's taste (3x their event
    count of 5-star ratings on the 60 items community 1 rates most): the
    drift report finds them moving between global segments."""

    def test_planted_shift_found(self):
        ds = synth(600, 4, 7)
        ds, pt, cm = build(ds, **dict(TINY, **{"community.k": 4}))  # the plant's k
        users = ds.user_ids()
        label = {u: ds.planted_community(u) for u in users}
        events = {u: ds.user_events(u) for u in users}
        pop = {}
        for u in users:
            if label[u] == 1:
                for item, *_ in events[u]:
                    pop[item] = pop.get(item, 0) + 1
        # most rated first, ties by item index (as the C test picks them)
        top = sorted(pop, key=lambda i: (-pop[i], ds.item_index(i)))[:60]
        self.assertEqual(len(top), 60)
        shifted = [u for u in users if label[u] == 0][:40]
        _, last = ds.time_range()
        lines = [f"{u}::{top[k % 60]}::5::{last + 3600 * (k + 1)}\n"
                 for u in shifted for k in range(3 * len(events[u]))]
        path = self.write("shift.dat", "".join(lines))

        with cm.drift_begin() as drift:
            self.assertEqual(ds.append(path), len(lines))
            self.assertEqual(pt.update(), len(shifted))
            self.assertEqual(cm.assign(), len(shifted))
            drift.end(cm)
            ng = cm.global_count
            movers = [m for m in drift.movers
                      if m.from_ is not None and m.to is not None
                      and m.from_ < ng and m.to < ng]
            moved = {ds.user_id(m.user_index) for m in movers}
            found = len(moved & set(shifted))
            print(f"shifted {len(shifted)}, found {found}")
            self.assertGreaterEqual(found, len(shifted) * 8 // 10)
            self.assertEqual(moved - set(shifted), set())  # only touched users move
            for user_index, frm, to in drift.movers:  # plain tuples too
                self.assertIn(ds.user_id(user_index), shifted)
                self.assertNotEqual(frm, to)
            comms = drift.communities
            self.assertEqual([c.id for c in comms], list(range(cm.count)))
            self.assertEqual(sum(c.before for c in comms[:ng]), len(users))
            self.assertEqual(sum(c.after for c in comms[:ng]), len(users))
            for c in comms:
                self.assertIsInstance(c.flags, frozenset)
                self.assertLessEqual(c.flags, {"grew", "shrank", "split", "new"})
                self.assertEqual(c.split_into is not None, "split" in c.flags)
            # the segments the movers left and joined changed size accordingly
            for c in comms[:ng]:
                net = sum(m.to == c.id for m in movers) - sum(m.from_ == c.id for m in movers)
                self.assertEqual(c.after - c.before, net, c)
            self.assertIn("moves", repr(drift))
            with self.assertRaises(vcomm.RangeError):  # past the last mover
                _native.lib.vc_drift_mover(drift._h, drift.mover_count, None, None, None)


class TestModelUpdate(TempDirCase):
    def setUp(self):
        super().setUp()
        _, base, self.new = split_data(self.tmp, 300, 0.9)
        ds, pt, cm = build(base, **TINY)
        self.m1 = os.path.join(self.tmp, "m1.vcm")
        cm.save(self.m1, **TINY)

    def test_roundtrip_and_bad_events(self):
        m = vcomm.Model.load(self.m1)
        cm, ds = m.communities, m.dataset
        users = ds.user_ids()
        before = (ds.event_count, cm.communities(),
                  [cm.recommend(u, n=10) for u in users[::10]])
        bad = self.write("bad.dat", BAD_EVENTS)
        with self.assertRaises(vcomm.ParseError) as e:
            m.update(bad)
        self.assertIn("bad.dat:2", e.exception.message)
        self.assertEqual(e.exception.function, "vc_model_update")
        self.assertEqual((ds.event_count, cm.communities(),
                          [cm.recommend(u, n=10) for u in users[::10]]), before)

        drift, added, updated = m.update(self.new)
        self.assertIsInstance(drift, vcomm.Drift)
        self.assertTrue(drift.ended)
        self.assertTrue(added > 0 and updated > 0)
        self.assertEqual(ds.event_count, before[0] + added)
        self.assertEqual(len(drift.communities), cm.count)
        with self.assertRaises(vcomm.StateError):  # already complete
            drift.end(cm)
        m2 = os.path.join(self.tmp, "m2.vcm")
        cm.save(m2, **TINY)
        with vcomm.Model.load(m2) as loaded:
            lc = loaded.communities
            for u in ds.user_ids()[::5]:
                self.assertEqual(cm.recommend(u, n=10), lc.recommend(u, n=10), u)
                self.assertEqual(m.portraits.row(u), loaded.portraits.row(u))
            self.assertEqual(cm.communities(), lc.communities())
            # the refresh path, and no drift report when not wanted
            n = lc.count
            d2, added2, _ = loaded.update(self.new, refresh=True, drift=False)
            self.assertIsNone(d2)
            self.assertEqual(added2, added)
            self.assertEqual(lc.count, n)
            self.assertTrue(lc.recommend(users[0], n=3))
        drift.close()
        m.close()

    def test_options(self):
        with vcomm.Model.load(self.m1) as m:
            self.assertEqual(m.options.get("community.k"), 2)
            # keywords change the model's own options for the call
            drift, added, _ = m.update(self.new, threads=2, **{"drift.change": 0.5})
            self.assertGreater(added, 0)
            drift.close()
            with self.assertRaises(vcomm.OptionError):
                m.update(self.new, no_such_option=1)
            with self.assertRaises(TypeError):
                m.update(self.new, vcomm.Options())  # options only by keyword
            with self.assertRaises(vcomm.IoError):
                m.update(os.path.join(self.tmp, "missing.dat"))
            with self.assertRaises(vcomm.Error):  # ratings lines are no merchant CSV
                m.update(self.new, **{"load.format": "merchant"})

    def test_parts_are_read_only(self):
        with vcomm.Model.load(self.m1) as m:
            with self.assertRaises(TypeError):
                m.dataset.append(self.new)
            with self.assertRaises(TypeError):
                m.portraits.update()
            with self.assertRaises(TypeError):
                m.communities.assign()
            with self.assertRaises(TypeError):
                m.communities.refresh()
            with self.assertRaises(TypeError):
                m.communities.portraits.update()
            self.assertEqual(m.dataset.event_count, m.dataset.event_count)
            # a drift report around a model's update by hand is fine (reads only)
            with m.communities.drift_begin() as d:
                m.update(self.new, drift=False)
                d.end(m.communities)
                self.assertGreater(d.mover_count, 0)


class TestLifetimeAndThreads(TempDirCase):
    def setUp(self):
        super().setUp()
        _, base, self.new = split_data(self.tmp, 200, 0.9)
        self.m1 = os.path.join(self.tmp, "m1.vcm")
        build(base, **TINY)[2].save(self.m1)

    def test_drift_outlives_communities_and_model(self):
        m = vcomm.Model.load(self.m1)
        drift, _, _ = m.update(self.new)
        want = drift.movers, drift.communities
        m.close()
        del m
        gc.collect()
        self.assertEqual((drift.movers, drift.communities), want)
        ds, pt, cm = build(synth(150, 3, 2), **TINY)
        d = cm.drift_begin()
        del ds, pt, cm
        gc.collect()
        self.assertFalse(d.ended)
        d.close()
        d.close()  # idempotent

    def test_close_during_update_waits_for_it(self):
        m = vcomm.Model.load(self.m1)
        calls = []

        def progress(stage, fraction):
            if not calls:
                m.close()  # e.g. from another thread: the update finishes first
            calls.append(stage)

        drift, added, _ = m.update(self.new, progress=progress)
        self.assertTrue(calls and added > 0)
        self.assertTrue(m.closed)
        self.assertIsNone(m._ptr)  # freed once the update returned
        self.assertGreater(drift.mover_count, 0)
        with self.assertRaises(ValueError):
            m.update(self.new)

    def test_update_from_its_own_progress_callback(self):
        with vcomm.Model.load(self.m1) as m:
            pt = vcomm.Portraits.build(m.dataset, **TINY)  # shares the model's lock
            self.assertIs(pt._family, m._family)
            with self.assertRaises(RuntimeError) as e:
                m.update(self.new, progress=lambda s, f: pt.update())
            self.assertIsInstance(e.exception.__cause__, vcomm.CancelledError)
            pt.close()

    def test_concurrent_updates_run_one_at_a_time(self):
        with vcomm.Model.load(self.m1) as m:
            events = m.dataset.event_count
            results, failures = [], []
            start = threading.Barrier(3)

            def work():
                start.wait()
                try:
                    results.append(m.update(self.new))
                except BaseException as e:  # noqa: B036 - reported by the test
                    failures.append(e)

            threads = [threading.Thread(target=work) for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(failures, [])
            added = results[0][1]
            self.assertEqual([r[1] for r in results], [added] * 3)
            self.assertEqual(m.dataset.event_count, events + 3 * added)
            self.assertTrue(m.communities.recommend(m.dataset.user_id(0), n=3))
            for drift, _, _ in results:
                drift.close()


if __name__ == "__main__":
    unittest.main()
