"""test_threads.py - one built model queried from many Python threads at
once (ctypes releases the GIL during calls) gives exactly the
single-thread results, for in-memory communities and a loaded model."""
import os
import threading
import unittest

from support import TempDirCase, pipeline, vcomm

THREADS = 4


def run_threads(work, items):
    """work(item) for every item, items spread over THREADS threads that
    start together; {item: result} and the exceptions raised."""
    results, failures = {}, []
    start = threading.Barrier(THREADS)

    def worker(chunk):
        start.wait()
        for it in chunk:
            try:
                results[it] = work(it)
            except BaseException as e:  # noqa: B036 - reported by the test
                failures.append(e)

    threads = [threading.Thread(target=worker, args=(items[i::THREADS],))
               for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, failures


class TestThreads(TempDirCase):
    def check_queries(self, cm):
        ds = cm.dataset
        users = ds.user_ids()
        cats = ds.categories()

        def query(u):
            c = cats[hash(u) % len(cats)]
            return (cm.recommend(u, n=5), cm.of_user(u), cm.portraits.user(u),
                    cm.target(category=c, n=5))

        single = {u: query(u) for u in users}
        # the second pass runs every user twice, in interleaved orders
        parallel, failures = run_threads(query, users + users[::-1])
        self.assertEqual(failures, [])
        self.assertEqual(parallel, single)

    def test_in_memory(self):
        _, _, cm = pipeline()
        self.check_queries(cm)

    def test_loaded_model_first_query_in_threads(self):
        _, _, cm = pipeline()
        path = os.path.join(self.tmp, "m.vcm")
        cm.save(path)
        with vcomm.Model.load(path) as m:
            self.check_queries(m.communities)

    def test_fresh_communities_index_built_by_racing_threads(self):
        # the recommender index is derived on the first query: let threads race
        ds, pt, cm = pipeline()
        users = ds.user_ids()[:40]
        want = {u: cm.recommend(u, n=5) for u in users}
        with vcomm.Communities.run(pt) as fresh:
            got, failures = run_threads(lambda u: fresh.recommend(u, n=5), users)
        self.assertEqual(failures, [])
        self.assertEqual(got, want)

    def test_errors_stay_per_thread(self):
        _, _, cm = pipeline()
        ds = cm.dataset

        def query(i):
            if i % 2:
                try:
                    cm.recommend(f"nobody-{i}")
                except vcomm.NotFoundError as e:
                    return str(e)
                return None
            return cm.recommend(ds.user_id(i), n=3)

        got, failures = run_threads(query, list(range(200)))
        self.assertEqual(failures, [])
        for i, r in got.items():
            if i % 2:
                self.assertIn(f"nobody-{i}", r)
            else:
                self.assertEqual(r, cm.recommend(ds.user_id(i), n=3))

    def test_kmeans_in_threads(self):
        rows = [[float((i * 7) % 13), float((i * 5) % 11)] for i in range(200)]
        want = vcomm.kmeans(rows, k=4)
        got, failures = run_threads(lambda _: vcomm.kmeans(rows, k=4), list(range(8)))
        self.assertEqual(failures, [])
        self.assertTrue(all(r == want for r in got.values()))


if __name__ == "__main__":
    unittest.main()
