"""_kmeans.py - the library's k-means on any matrix (a list of lists or a
numpy array), the choice of k, clustering quality scores, and the
accumulator of one distributed Lloyd step (KMeansAccumulator).
Numpy input is read in place and numpy input gives numpy results.
"""
import struct
from collections import namedtuple
from ctypes import (byref, c_double, c_float, c_int64, c_size_t, c_uint32, c_uint64,
                    create_string_buffer)

from . import _arrays, _native
from ._arrays import Matrix, Output
from ._handle import Handle
from ._native import lib
from ._options import using

KMeansResult = namedtuple("KMeansResult", "centroids labels inertia iterations")


def _with_k(options, k):
    if k is not None:
        options["kmeans.k"] = k
    return options


def kmeans(x, k=None, **options):
    """Cluster the rows of x into k clusters (default kmeans.k). Returns
    KMeansResult(centroids (k rows), labels (one per row), inertia,
    iterations); numpy arrays when x is one, else lists."""
    m = Matrix(x)
    with using(_with_k(options, k)) as o:
        kk = _options_k(o)
        centroids = Output(c_float, kk, m.d, m.numpy)
        labels = Output(c_uint32, m.n, None, m.numpy)
        inertia, iters = c_double(), c_uint32()
        lib.vc_kmeans(m.ptr, m.n, m.d, m.stride, o, centroids.ptr, labels.ptr,
                      byref(inertia), byref(iters))
    return KMeansResult(centroids.value(), labels.value(), inertia.value, iters.value)


PCAResult = namedtuple("PCAResult", "projected components variance explained")


def pca(x, dims=2, **options):
    """Principal components of the rows of x: PCAResult(projected (one row
    of dims coordinates per row of x), components (dims rows of d),
    variance and explained share per component); numpy arrays when x is
    one, else lists."""
    m = Matrix(x)
    projected = Output(c_float, m.n, dims, m.numpy)
    components = Output(c_float, dims, m.d, m.numpy)
    variance, explained = (c_double * max(dims, 1))(), (c_double * max(dims, 1))()
    with using(options) as o:
        lib.vc_pca(m.ptr, m.n, m.d, m.stride, dims, o, projected.ptr, components.ptr,
                   variance, explained)
    return PCAResult(projected.value(), components.value(), list(variance[:dims]),
                     list(explained[:dims]))


def _options_k(o):
    """kmeans.k of a vc_options pointer (None: the default)."""
    k = c_int64()
    lib.vc_options_get_int(o, b"kmeans.k", byref(k))
    return k.value


def choose_k(x, k_min, k_max, **options):
    """Cluster for every k in [k_min, k_max] and score each clustering by
    kmeans.k_criterion. Returns (best_k, {k: score})."""
    m = Matrix(x)
    scores = (c_double * (k_max - k_min + 1))() if k_max >= k_min else None
    best = c_uint32()
    with using(options) as o:
        lib.vc_kmeans_choose_k(m.ptr, m.n, m.d, m.stride, k_min, k_max, o,
                               byref(best), scores)
    return best.value, {k_min + i: s for i, s in enumerate(scores)}


def _point_score(fn, x, labels, *extra):
    m = Matrix(x)
    lab, n, _keep = _arrays.uint32s(labels)
    if n != m.n:
        raise ValueError(f"{n} labels for {m.n} points")
    out = c_double()
    fn(m.ptr, m.n, m.d, m.stride, lab, *extra, byref(out))
    return out.value


def silhouette(x, labels, **options):
    """Mean silhouette coefficient in [-1, 1] (kmeans.silhouette_sample)."""
    with using(options) as o:
        return _point_score(lib.vc_score_silhouette, x, labels, o)


def davies_bouldin(x, labels):
    """Davies-Bouldin index (lower is better)."""
    return _point_score(lib.vc_score_davies_bouldin, x, labels)


def calinski_harabasz(x, labels):
    """Calinski-Harabasz score (higher is better)."""
    return _point_score(lib.vc_score_calinski_harabasz, x, labels)


def _label_score(fn, a, b):
    pa, na, _ka = _arrays.uint32s(a)
    pb, nb, _kb = _arrays.uint32s(b)
    if na != nb:
        raise ValueError(f"labelings of {na} and {nb} points")
    out = c_double()
    fn(pa, pb, na, byref(out))
    return out.value


def ari(a, b):
    """Adjusted Rand index of two labelings."""
    return _label_score(lib.vc_score_ari, a, b)


def nmi(a, b):
    """Normalised mutual information of two labelings, in [0, 1]."""
    return _label_score(lib.vc_score_nmi, a, b)


class KMeansAccumulator(Handle):
    """Sums, counts and inertia of one Lloyd step over points seen so far,
    for k-means spread over processes: assign() on every worker, serialize()
    to send, deserialize() + merge() to combine, finish() for the new
    centroids (docs/kmeans.md)."""

    _free = "vc_kmeans_acc_free"

    def __init__(self, k, d, _ptr=None):
        if _ptr is None:
            _ptr = _native.KMeansAcc()
            lib.vc_kmeans_acc_new(byref(_ptr), k, d)
        super().__init__(_ptr)
        self.k, self.d = k, d

    def reset(self):
        """Zero everything (start a new step)."""
        lib.vc_kmeans_acc_reset(self._h)

    def assign(self, x, centroids, **options):
        """Assign the rows of x to their nearest centroid (k x d values) and
        accumulate them. Returns the labels."""
        m = Matrix(x)
        if m.n and m.d != self.d:
            raise ValueError(f"points have {m.d} columns, the accumulator {self.d}")
        cptr, _keep = _arrays.floats(centroids, self.k * self.d, "centroids")
        labels = Output(c_uint32, m.n, None, m.numpy)
        with using(options) as o:
            lib.vc_kmeans_assign(self._h, m.ptr if m.n else None, m.n,
                                 m.stride if m.n else self.d, cptr, o, labels.ptr)
        return labels.value()

    def merge(self, other):
        """self += other (same k and d)."""
        lib.vc_kmeans_acc_merge(self._h, other._h)

    def finish(self, centroids):
        """(new centroids, point counts, inertia) from the accumulated step;
        a centroid without points keeps its value from centroids."""
        as_np = _arrays.is_numpy(centroids)
        cptr, _keep = _arrays.floats(centroids, self.k * self.d, "centroids")
        new = Output(c_float, self.k, self.d, as_np)
        counts = Output(c_uint64, self.k, None, as_np)
        inertia = c_double()
        lib.vc_kmeans_acc_finish(self._h, cptr, new.ptr, counts.ptr, byref(inertia))
        return new.value(), counts.value(), inertia.value

    def serialize(self):
        """The accumulator as portable bytes."""
        size = c_size_t()
        lib.vc_kmeans_acc_serialize(self._h, None, 0, byref(size))
        buf = create_string_buffer(size.value)
        lib.vc_kmeans_acc_serialize(self._h, buf, size.value, byref(size))
        return buf.raw[:size.value]

    @classmethod
    def deserialize(cls, data):
        """A new accumulator from serialize()'s bytes (FormatError if they
        are not one)."""
        ptr = _native.KMeansAcc()
        data = bytes(data)
        lib.vc_kmeans_acc_deserialize(byref(ptr), data, len(data))
        k, d = _shape(data)
        return cls(k, d, _ptr=ptr)


def _shape(data):
    """k and d from serialized bytes ("VCKMACC1", then k and d as
    little-endian 64-bit integers)."""
    return struct.unpack_from("<QQ", data, 8)
