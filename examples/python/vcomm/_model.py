"""_model.py - vcomm.Model over vc_model: save built communities (with their
portraits and data set) to a model file, load one to serve queries in
another process with exactly the in-memory results, and update it with new
events (the feedback loop).
"""
from ctypes import byref, c_size_t

from . import _native
from ._drift import Drift
from ._handle import Handle
from ._native import lib
from ._communities import Communities
from ._dataset import Dataset
from ._options import Options, _b, using
from ._portraits import Portraits


class Model(Handle):
    """A loaded model file. ``Model.load(path)``; its ``dataset``,
    ``portraits`` and ``communities`` are borrowed from it and keep it
    alive. ``update(events)`` applies new events to all of them in place;
    the parts themselves are read-only views."""

    _free = "vc_model_free"

    @staticmethod
    def save(communities, path, **options):
        """Save Communities (with their portraits and data set) to path,
        atomically; the options are recorded in the file."""
        with using(options) as o:
            lib.vc_model_save(communities._h, _b(str(path)), o)

    @classmethod
    def load(cls, path, **options):
        """Load and validate a model file (IoError, FormatError,
        UnsupportedError)."""
        ptr = _native.Model()
        with using(options) as o:
            lib.vc_model_load(byref(ptr), _b(str(path)), o)
        return cls(ptr)

    @property
    def dataset(self):
        return Dataset(lib.vc_model_dataset(self._h), parent=self, owned=False)

    @property
    def portraits(self):
        return Portraits(lib.vc_model_portraits(self._h), parent=self, owned=False)

    @property
    def communities(self):
        return Communities(lib.vc_model_communities(self._h), parent=self, owned=False)

    @property
    def options(self):
        """A copy of the options the model was built with."""
        return Options(lib.vc_model_options(self._h))

    def update(self, events, *, refresh=False, drift=True, **options):
        """The feedback loop: append the events of a file (the data set's
        own event format, or a directory), recompute the touched portraits,
        then place the touched users into the existing communities or, with
        refresh=True, re-run every clustering warm-started from its
        centroids. The model can be queried and saved (``m.communities.save``)
        at once.

        Options: none = the options the model was built with; keywords
        change those (``threads=2``); ``options=`` replaces them.

        Returns (drift, events_added, users_updated): drift is an ended
        vcomm.Drift (None with drift=False). A malformed events file raises
        ParseError ("path:line: what") and changes nothing. Must not run
        while other threads query the model or its parts."""
        added, updated = c_size_t(), c_size_t()
        dr = _native.Drift() if drift else None
        options = dict(options)
        base = None
        if options and options.get("options") is None:
            base = options["options"] = self.options  # the model's, changed by kw
        try:
            with self._mutating() as h, using(options) as o:
                lib.vc_model_update(h, _b(str(events)), o,
                                    _native.UPDATE_REFRESH if refresh else 0,
                                    byref(dr) if drift else None, byref(added),
                                    byref(updated))
        finally:
            if base is not None:
                base.close()
        return (Drift(dr, ended=True) if drift else None), added.value, updated.value

    def __repr__(self):
        return "<vcomm.Model closed>" if self.closed else "<vcomm.Model>"

