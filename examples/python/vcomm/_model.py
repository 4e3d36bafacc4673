"""_model.py - vcomm.Model over vc_model: save built communities (with their
portraits and data set) to a model file, and load one to serve queries in
another process with exactly the in-memory results.
"""
from ctypes import byref

from . import _native
from ._handle import Handle
from ._native import lib
from ._communities import Communities
from ._dataset import Dataset
from ._options import Options, _b, using
from ._portraits import Portraits


class Model(Handle):
    """A loaded model file. ``Model.load(path)``; its ``dataset``,
    ``portraits`` and ``communities`` are borrowed from it and keep it
    alive."""

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

    def __repr__(self):
        return "<vcomm.Model closed>" if self.closed else "<vcomm.Model>"

