"""_communities.py - vcomm.Communities over vc_communities: global segments
and topic sub-communities with personas, tags, members and centroids, and
the queries built on them: recommend (items for a user), recommend_all and
target (users for an item or a category); and their incremental update
(assign, refresh) with the drift report.
"""
from ctypes import byref, c_char_p, c_double, c_float, c_size_t, c_uint32

from . import _arrays, _native, _dataset as _ds, errors
from ._drift import Drift
from ._handle import Handle
from ._native import _text, lib
from ._options import _b, remember, using, using_default
from ._portraits import Portraits


class Communities(Handle):
    """Communities of a Portraits object. Build them with
    ``Communities.run(pt, **options)``; they keep the portraits (and the
    data set) alive. Queries are safe from many threads at once, but not
    while assign() or refresh() (or an update of their portraits or data
    set) runs."""

    _free = "vc_communities_free"
    #: the options the communities were built with, for assign() / refresh()
    _made_with = None

    def __init__(self, ptr, parent=None, owned=True, portraits=None):
        super().__init__(ptr, parent, owned)
        self._portraits = portraits
        self._pt_ptr = lib.vc_communities_portraits(ptr)
        self._ds_ptr = lib.vc_portraits_dataset(self._pt_ptr)

    # The C pointers of the portraits and data set, alive as long as this
    # handle is.
    @property
    def _pt(self):
        return self._h and self._pt_ptr

    @property
    def _ds(self):
        return self._h and self._ds_ptr

    @classmethod
    def run(cls, pt, **options):
        """Cluster the portraits (community.*, kmeans.*, seed, threads,
        kernel, progress)."""
        ptr = _native.Communities()
        with using(options) as o:
            lib.vc_cluster_run(byref(ptr), pt._h, o)
            cm = cls(ptr, parent=pt, portraits=pt)
            cm._made_with = remember(o)
        return cm

    @property
    def portraits(self):
        if self._portraits is not None:
            return self._portraits
        return Portraits(self._pt_ptr, parent=self, owned=False)

    @property
    def dataset(self):
        return self.portraits.dataset

    # ---- the communities -----------------------------------------------

    @property
    def count(self):
        return lib.vc_communities_count(self._h)

    @property
    def global_count(self):
        """Global segments come first: indices 0 .. global_count - 1."""
        return lib.vc_communities_global_count(self._h)

    def __len__(self):
        return self.count

    def find(self, name):
        """Index of a community by name ("segment 2", "Drama 1")."""
        c = c_size_t()
        lib.vc_communities_find(self._h, _b(name), byref(c))
        return c.value

    def _index(self, c):
        """A community given by index or name, checked."""
        if isinstance(c, str):
            return self.find(c)
        if not 0 <= c < self.count:
            raise errors.RangeError(f"community {c} out of range ({self.count})",
                                    errors.RangeError.status)
        return c

    def tags(self, c):
        """A community's tags as (tag, share of members) pairs."""
        h, c = self._h, self._index(c)
        tag, share = c_char_p(), c_float()
        out = []
        for k in range(lib.vc_community_tag_count(h, c)):
            lib.vc_community_tag(h, c, k, byref(tag), byref(share))
            out.append((_text(tag.value), share.value))
        return out

    def community(self, c):
        """One community (by index or name) as ``vcomm communities --json``
        lists it: {"id", "name", "topic", "size", "persona", "silhouette",
        "tags"}."""
        h, c = self._h, self._index(c)
        return {"id": c,
                "name": _text(lib.vc_community_name(h, c)),
                "topic": _text(lib.vc_community_topic(h, c)),
                "size": lib.vc_community_size(h, c),
                "persona": _text(lib.vc_community_persona(h, c)),
                "silhouette": lib.vc_community_silhouette(h, c),
                "tags": [t for t, _ in self.tags(c)]}

    def communities(self, topic=False):
        """Every community (topic=False), the global segments (topic=None),
        or the sub-communities of one topic (topic="Drama")."""
        out = [self.community(c) for c in range(self.count)]
        if topic is False:
            return out
        return [c for c in out if c["topic"] == topic]

    def _segment(self, fn, index):
        count = c_size_t()
        fn(self._h, index, None, None, 0, byref(count))
        n = count.value
        ids, strengths = (c_uint32 * max(n, 1))(), (c_float * max(n, 1))()
        fn(self._h, index, ids, strengths, n, byref(count))
        return list(zip(ids[:n], strengths[:n]))

    def members(self, c):
        """Members of a community, strongest first, as (user_id, strength)."""
        return [(_ds.user_id(self._ds, u), s)
                for u, s in self._segment(lib.vc_community_members, self._index(c))]

    def of_user(self, user_id):
        """The communities of a user, strongest first, as (community id,
        name, strength)."""
        u = _ds.user_index(self._ds, user_id)
        return [(c, _text(lib.vc_community_name(self._h, c)), s)
                for c, s in self._segment(lib.vc_user_communities, u)]

    def centroid(self, c):
        """The mean readable portrait of a community's members, one value
        per portrait column."""
        n = lib.vc_portraits_column_count(self._pt)
        out = (c_float * max(n, 1))()
        lib.vc_community_centroid(self._h, self._index(c), out, n)
        return list(out[:n])

    def centroids(self):
        """Every community's centroid as a numpy float32 array of shape
        (communities, columns), written straight into the array. Needs
        numpy."""
        return _arrays.numpy_rows("Communities.centroids", self.count,
                                  lib.vc_portraits_column_count(self._pt),
                                  lambda c, row, cols: lib.vc_community_centroid(
                                      self._h, c, row, cols))

    # ---- incremental update ----------------------------------------------

    def assign(self, **options):
        """Place the users whose portraits Portraits.update() recomputed (and
        new users) into the existing communities; everyone else keeps their
        memberships, centroids and ids stay. Options default to the ones
        the communities were built with (community.*, recommend.*: the C
        API asks for the same). Returns the number of users placed anew."""
        assigned = c_size_t()
        with self._mutating() as h, using_default(options, self._made_with) as o:
            lib.vc_cluster_assign(h, o, byref(assigned))
        return assigned.value

    def refresh(self, **options):
        """Re-run every clustering over the current portraits, warm-started
        from the current centroids: community ids stay, memberships,
        centroids, silhouettes and personas are recomputed. Options as for
        assign()."""
        with self._mutating() as h, using_default(options, self._made_with) as o:
            lib.vc_cluster_refresh(h, o)

    def drift_begin(self):
        """Snapshot the memberships for a drift report: update, then
        ``drift.end(communities)`` (see vcomm.Drift)."""
        return Drift.begin(self)

    # ---- queries ---------------------------------------------------------

    def _ranked(self, name_of, fn, *args, options):
        """Run a query producing vc_recs; its entries as (id, score,
        reason) with ids mapped by name_of."""
        recs = _native.Recs()
        with using(options) as o:
            fn(byref(recs), self._h, *args, o)
        try:
            idx, score, reason = c_size_t(), c_double(), c_char_p()
            out = []
            for k in range(lib.vc_recs_count(recs)):
                lib.vc_recs_get(recs, k, byref(idx), byref(score), byref(reason))
                out.append((name_of(self._ds, idx.value), score.value,
                            _text(reason.value)))
            return out
        finally:
            lib.vc_recs_free(recs)

    def recommend(self, user_id, n=10, exclude=(), **options):
        """Top-n unseen items for a user as (item_id, score, reason), best
        first; exclude lists item ids never to recommend."""
        u = _ds.user_index(self._ds, user_id)
        ex = [_ds.item_index(self._ds, i) for i in exclude]
        buf = (c_uint32 * max(len(ex), 1))(*ex)
        return self._ranked(_ds.item_id, lib.vc_recommend, u, n, buf, len(ex),
                            options=options)

    def target(self, item=None, category=None, n=100, **options):
        """The n users most likely to respond to an item (users who have it
        are left out) or a category, as (user_id, score, reason)."""
        if (item is None) == (category is None):
            raise TypeError("target() needs exactly one of item= or category=")
        if item is not None:
            return self._ranked(_ds.user_id, lib.vc_target_item,
                                _ds.item_index(self._ds, item), n, options=options)
        return self._ranked(_ds.user_id, lib.vc_target_category, _b(category), n,
                            options=options)

    def recommend_all(self, n=10, callback=None, **options):
        """Top-n for every user. Without callback: {user_id: [(item_id,
        score), ...]}. With callback(user_id, rank, item_id, score), called
        in user order then rank order (rank from 1): a truthy return stops
        (CancelledError); an exception stops and is re-raised."""
        result, failure = {}, []
        ds = self._ds

        def each(user, rank, item, score, _userdata):
            if failure:
                return 1
            try:
                uid, iid = _ds.user_id(ds, user), _ds.item_id(ds, item)
                if callback is None:
                    result.setdefault(uid, []).append((iid, score))
                    return 0
                return 1 if callback(uid, rank, iid, score) else 0
            except BaseException as e:  # noqa: B036 - never unwind into C
                failure.append(e)
                return 1

        c_fn = _native.REC_FN(each)
        try:
            with using(options) as o:
                lib.vc_recommend_all(self._h, n, o, c_fn, None)
        except errors.CancelledError as cancelled:
            if failure:
                raise failure[0] from cancelled
            raise
        return result if callback is None else None

    def recommend_all_csv(self, path, n=10, **options):
        """Top-n for every user into a CSV file "user,rank,item,score"."""
        with using(options) as o:
            lib.vc_recommend_all_csv(self._h, n, _b(str(path)), o)

    def save(self, path, **options):
        """Write a model file (see vcomm.Model)."""
        from ._model import Model
        Model.save(self, path, **options)

    def __repr__(self):
        if self.closed:
            return "<vcomm.Communities closed>"
        return (f"<vcomm.Communities {self.count} communities "
                f"({self.global_count} global)>")
