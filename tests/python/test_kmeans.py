"""test_kmeans.py - k-means, choice of k, quality scores and the
distributed-step accumulator on lists of lists; the same on numpy arrays
(read in place, results as arrays) and the numpy views of portraits and
centroids when numpy is installed (skipped otherwise)."""
import math
import random
import unittest

from support import needs_numpy, pipeline, vcomm


def blobs(n=240, k=3, d=4, seed=1):
    """n points around k well separated centres, and their true labels."""
    rnd = random.Random(seed)
    centres = [[10.0 * c + j for j in range(d)] for c in range(k)]
    labels = [i % k for i in range(n)]
    return [[x + rnd.gauss(0, 0.5) for x in centres[c]] for c in labels], labels


class TestKMeans(unittest.TestCase):
    def setUp(self):
        self.x, self.truth = blobs()

    def test_kmeans_lists(self):
        r = vcomm.kmeans(self.x, k=3)
        self.assertIsInstance(r, vcomm.KMeansResult)
        self.assertEqual(len(r.centroids), 3)
        self.assertEqual(len(r.centroids[0]), 4)
        self.assertEqual(len(r.labels), len(self.x))
        self.assertGreater(r.inertia, 0)
        self.assertGreaterEqual(r.iterations, 1)
        self.assertAlmostEqual(vcomm.ari(r.labels, self.truth), 1.0)
        self.assertAlmostEqual(vcomm.nmi(r.labels, self.truth), 1.0)
        self.assertEqual(vcomm.kmeans(self.x, k=3), r)  # deterministic
        self.assertEqual(vcomm.kmeans(self.x, **{"kmeans.k": 3}), r)
        self.assertEqual(len(vcomm.kmeans(self.x).centroids), 8)  # kmeans.k default
        for algo in ("lloyd", "hamerly", "elkan"):
            self.assertEqual(vcomm.kmeans(self.x, k=3, kmeans_algorithm=algo).labels,
                             vcomm.kmeans(self.x, k=3, kmeans_algorithm="lloyd").labels)

    def test_kmeans_errors(self):
        with self.assertRaises(vcomm.InvalidError):
            vcomm.kmeans(self.x[:2], k=3)  # fewer points than clusters
        bad = [row[:] for row in self.x]
        bad[5][2] = math.nan
        with self.assertRaises(vcomm.RangeError) as cm:
            vcomm.kmeans(bad, k=3)
        self.assertIn("5", str(cm.exception))
        with self.assertRaises(ValueError):
            vcomm.kmeans([[1, 2], [3]], k=1)
        with self.assertRaises(vcomm.RangeError):
            vcomm.kmeans(self.x, k=0)
        with self.assertRaises(vcomm.CancelledError):
            vcomm.kmeans(self.x, k=3, threads=1, progress=lambda s, f: True)

    def test_scores(self):
        s = vcomm.silhouette(self.x, self.truth)
        self.assertTrue(0.8 < s <= 1)
        self.assertLess(vcomm.davies_bouldin(self.x, self.truth), 0.2)
        self.assertGreater(vcomm.calinski_harabasz(self.x, self.truth), 100)
        shuffled = self.truth[:]
        random.Random(3).shuffle(shuffled)
        self.assertLess(vcomm.ari(shuffled, self.truth), 0.1)
        self.assertLess(vcomm.silhouette(self.x, shuffled, kmeans_silhouette_sample=100), s)
        with self.assertRaises(vcomm.InvalidError):
            vcomm.silhouette(self.x, [0] * len(self.x))  # one cluster only
        with self.assertRaises(ValueError):
            vcomm.davies_bouldin(self.x, self.truth[:-1])
        with self.assertRaises(ValueError):
            vcomm.ari([0, 1], [0, 1, 1])
        with self.assertRaises(vcomm.InvalidError):
            vcomm.nmi([], [])

    def test_choose_k(self):
        best, scores = vcomm.choose_k(self.x, 2, 5)
        self.assertEqual(best, 3)
        self.assertEqual(sorted(scores), [2, 3, 4, 5])
        self.assertEqual(max(scores, key=scores.get), 3)
        best_db, _ = vcomm.choose_k(self.x, 2, 5, kmeans_k_criterion="davies_bouldin")
        self.assertEqual(best_db, 3)
        with self.assertRaises(vcomm.InvalidError):
            vcomm.choose_k(self.x, 1, 3)


class TestAccumulator(unittest.TestCase):
    def test_distributed_step_equals_one_pass(self):
        x, _ = blobs(n=300)
        start = vcomm.kmeans(x, k=3, kmeans_max_iter=1).centroids
        whole = vcomm.KMeansAccumulator(3, 4)
        labels = whole.assign(x, start)
        self.assertEqual(len(labels), 300)
        want = whole.finish(start)
        parts = []
        for lo, hi in ((0, 100), (100, 250), (250, 300)):
            acc = vcomm.KMeansAccumulator(3, 4)
            self.assertEqual(acc.assign(x[lo:hi], start), labels[lo:hi])
            parts.append(acc.serialize())
            acc.close()
        merged = vcomm.KMeansAccumulator.deserialize(parts[0])
        self.assertEqual((merged.k, merged.d), (3, 4))
        for data in parts[1:]:
            with vcomm.KMeansAccumulator.deserialize(data) as other:
                merged.merge(other)
        got = merged.finish(start)
        self.assertEqual(got[1], want[1])  # counts
        self.assertEqual(sum(got[1]), 300)
        for a, b in zip(got[0], want[0]):
            for u, v in zip(a, b):
                self.assertAlmostEqual(u, v, places=5)
        self.assertAlmostEqual(got[2], want[2], places=3)
        merged.reset()
        self.assertEqual(merged.finish(start)[1], [0, 0, 0])
        self.assertEqual(merged.finish(start)[0], start)  # empty keeps centroids
        self.assertEqual(merged.assign([], start), [])
        merged.close()
        whole.close()

    def test_errors(self):
        with self.assertRaises(vcomm.InvalidError):
            vcomm.KMeansAccumulator(0, 4)
        with self.assertRaises(vcomm.FormatError):
            vcomm.KMeansAccumulator.deserialize(b"not an accumulator at all" * 3)
        a, b = vcomm.KMeansAccumulator(3, 4), vcomm.KMeansAccumulator(2, 4)
        with self.assertRaises(vcomm.InvalidError):
            a.merge(b)
        with self.assertRaises(ValueError):
            a.assign([[1.0, 2.0, 3.0, 4.0]], [[0.0] * 4])  # 1 centroid of 3
        with self.assertRaises(vcomm.RangeError):
            a.assign([[math.inf, 0, 0, 0]], [[0.0] * 4] * 3)
        a.close()
        b.close()


@needs_numpy
class TestNumpy(unittest.TestCase):
    def setUp(self):
        import numpy as np
        self.np = np
        x, self.truth = blobs()
        self.x = x
        self.a = np.array(x, dtype=np.float32)

    def test_kmeans_arrays_equal_lists(self):
        np = self.np
        r = vcomm.kmeans(self.a, k=3)
        want = vcomm.kmeans(self.x, k=3)
        self.assertIsInstance(r.centroids, np.ndarray)
        self.assertEqual((r.centroids.shape, r.centroids.dtype), ((3, 4), np.float32))
        self.assertEqual((r.labels.shape, r.labels.dtype), ((240,), np.uint32))
        self.assertEqual(r.labels.tolist(), want.labels)
        self.assertEqual(r.centroids.tolist(), want.centroids)
        self.assertEqual(r.inertia, want.inertia)

    def test_strided_and_converted_input(self):
        np = self.np
        wide = np.zeros((240, 7), dtype=np.float32)
        wide[:, 1:5] = self.a
        view = wide[:, 1:5]  # rows 7 floats apart: passed in place
        self.assertFalse(view.flags.c_contiguous)
        want = vcomm.kmeans(self.a, k=3)
        got = vcomm.kmeans(view, k=3)
        self.assertEqual(got.labels.tolist(), want.labels.tolist())
        as64 = vcomm.kmeans(self.a.astype(np.float64), k=3)  # converted
        self.assertEqual(as64.labels.tolist(), want.labels.tolist())
        fortran = np.asfortranarray(self.a)
        self.assertEqual(vcomm.kmeans(fortran, k=3).labels.tolist(), want.labels.tolist())
        with self.assertRaises(ValueError):
            vcomm.kmeans(self.a.reshape(-1), k=3)

    def test_scores_and_accumulator(self):
        np = self.np
        labels = np.array(self.truth, dtype=np.int64)
        self.assertEqual(vcomm.silhouette(self.a, labels), vcomm.silhouette(self.x, self.truth))
        self.assertEqual(vcomm.ari(labels, labels), 1.0)
        best, _ = vcomm.choose_k(self.a, 2, 4)
        self.assertEqual(best, 3)
        start = vcomm.kmeans(self.a, k=3, kmeans_max_iter=1).centroids
        with vcomm.KMeansAccumulator(3, 4) as acc:
            lab = acc.assign(self.a, start)
            self.assertIsInstance(lab, np.ndarray)
            cent, counts, _ = acc.finish(start)
            self.assertEqual(cent.shape, (3, 4))
            self.assertEqual(int(counts.sum()), 240)

    def test_portrait_matrix(self):
        np = self.np
        ds, pt, cm = pipeline()
        m = pt.matrix()
        self.assertEqual(m.shape, (pt.user_count, pt.column_count))
        self.assertEqual(m.dtype, np.float32)
        for u in (0, 17, pt.user_count - 1):
            self.assertEqual(m[u].tolist(), pt.row(ds.user_id(u)))
        f = pt.matrix(features=True)
        self.assertEqual(f[5].tolist(), pt.row(ds.user_id(5), features=True))
        c = cm.centroids()
        self.assertEqual(c.shape, (cm.count, pt.column_count))
        self.assertEqual(c[1].tolist(), cm.centroid(1))
        # the matrix feeds k-means directly
        r = vcomm.kmeans(f, k=4)
        self.assertEqual(r.labels.shape, (pt.user_count,))


class TestWithoutNumpy(unittest.TestCase):
    def test_matrix_needs_numpy(self):
        from vcomm import _arrays
        saved = _arrays._numpy
        _arrays._numpy = None  # as if numpy were not installed
        try:
            _, pt, cm = pipeline()
            with self.assertRaises(ImportError):
                pt.matrix()
            with self.assertRaises(ImportError):
                cm.centroids()
        finally:
            _arrays._numpy = saved


if __name__ == "__main__":
    unittest.main()
