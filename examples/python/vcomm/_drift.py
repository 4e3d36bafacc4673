"""_drift.py - vcomm.Drift over vc_drift: how communities changed between a
snapshot (``Communities.drift_begin()``) and a later state of the same
communities (``drift.end(communities)``), or across ``Model.update()``.
Movers are users whose strongest community in some clustering changed;
each community has its hard member counts before and after and the flags
grew / shrank / split / new.
"""
from collections import namedtuple
from ctypes import byref, c_size_t, c_uint, c_uint32

from . import _native, errors
from ._handle import Handle
from ._native import lib
from ._options import using_default

#: a user whose hard community in one clustering changed: the user's index
#: in the data set (Dataset.user_id(i) gives the id), the community left and
#: the one joined (None: was not / is no longer in that clustering)
Mover = namedtuple("Mover", "user_index from_ to")

#: one community of the report: hard members before and after, its change
#: flags (a frozenset of "grew", "shrank", "split", "new"), and for a split
#: the community most of its movers joined (else None)
DriftCommunity = namedtuple("DriftCommunity", "id before after flags split_into")

FLAGS = (("grew", _native.DRIFT_GREW), ("shrank", _native.DRIFT_SHRANK),
         ("split", _native.DRIFT_SPLIT), ("new", _native.DRIFT_NEW))


def _community(c):
    return None if c == _native.NONE_U32 else c


def flag_names(flags):
    """VC_DRIFT_* bits as a frozenset of their names."""
    return frozenset(name for name, bit in FLAGS if flags & bit)


class Drift(Handle):
    """A drift report. ``drift = cm.drift_begin()`` snapshots the
    communities; after Portraits.update() and Communities.assign() (or
    refresh()), ``drift.end(cm)`` compares; then ``drift.movers`` and
    ``drift.communities``. Model.update() returns one already ended. The
    report owns its data (nothing of the communities is borrowed): it may
    outlive them. Use it in a ``with`` block or close() it to free it now."""

    _free = "vc_drift_free"
    Mover = Mover
    Community = DriftCommunity

    def __init__(self, ptr, ended=False):
        super().__init__(ptr)
        self._ended = ended

    @classmethod
    def begin(cls, communities):
        """Snapshot the hard memberships of communities (Communities, or
        the communities of a Model)."""
        ptr = _native.Drift()
        lib.vc_drift_begin(byref(ptr), communities._h)
        return cls(ptr)

    def end(self, communities, **options):
        """Compare the snapshot with the same communities now, after their
        update (drift.change and drift.split; options default to the ones
        the communities were built with). Once only: StateError after.
        Returns self."""
        with using_default(options, getattr(communities, "_made_with", None)) as o:
            lib.vc_drift_end(self._h, communities._h, o)
        self._ended = True
        return self

    @property
    def ended(self):
        """True once the report is complete (end() or Model.update())."""
        return self._ended

    def _complete(self):
        h = self._h
        if not self._ended:
            raise errors.StateError("drift report not complete: call end(communities) "
                                    "after the update first", errors.StateError.status)
        return h

    @property
    def mover_count(self):
        """How many moves (a user moving in two clusterings counts twice)."""
        return lib.vc_drift_mover_count(self._complete())

    @property
    def movers(self):
        """Every move as Mover(user_index, from_, to), by user then
        clustering; community ids are Communities indices, None for "not in
        that clustering"."""
        h = self._complete()
        user, frm, to = c_size_t(), c_uint32(), c_uint32()
        out = []
        for i in range(lib.vc_drift_mover_count(h)):
            lib.vc_drift_mover(h, i, byref(user), byref(frm), byref(to))
            out.append(Mover(user.value, _community(frm.value), _community(to.value)))
        return out

    @property
    def communities(self):
        """Every community of the report, by id, as DriftCommunity(id,
        before, after, flags, split_into)."""
        h = self._complete()
        before, after, flags, into = c_size_t(), c_size_t(), c_uint(), c_uint32()
        out = []
        for c in range(lib.vc_drift_community_count(h)):
            lib.vc_drift_community(h, c, byref(before), byref(after), byref(flags),
                                   byref(into))
            out.append(DriftCommunity(c, before.value, after.value,
                                      flag_names(flags.value), _community(into.value)))
        return out

    def changed(self):
        """The communities that grew, shrank, split or appeared."""
        return [c for c in self.communities if c.flags]

    def __repr__(self):
        if self.closed:
            return "<vcomm.Drift closed>"
        if not self._ended:
            return "<vcomm.Drift begun>"
        return (f"<vcomm.Drift {self.mover_count} moves, "
                f"{len(self.changed())} communities changed>")
