"""_handle.py - the lifetime of the C handles behind the Python objects.

A Handle owns (or borrows) one C pointer. close() (or leaving a ``with``
block) frees it at once, ``__del__`` is the fallback. A handle built from
another keeps it as its parent: the parent's C object is freed only after
every child's is, whatever order Python drops or closes them in, so closing
or deleting a Dataset while its Communities still live is safe.

Calls that change a C object in place (Dataset.append, Portraits.update,
Communities.assign / refresh, Model.update) run inside ``_mutating()``:
only on a handle this binding owns (the parts of a Model are const in C:
read-only views), one at a time per family (a data set and everything built
on it, or a model and its parts, share one lock), and with the handle pinned
so that a close() meanwhile, from another thread or a progress callback,
frees it only once the call has returned.
"""
import contextlib
import threading

from . import _native

_lock = threading.RLock()


class _Family:
    """The update lock shared by a root handle and every handle built on
    it. Not reentrant: a thread already updating the family (say, from a
    progress callback) gets RuntimeError instead of a deadlock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.owner = None


class Handle:
    """Base of every wrapped C handle. Subclasses set ``_free`` to the name
    of the C free function (None for handles that are never freed alone)."""

    _free = None

    def __init__(self, ptr, parent=None, owned=True):
        if not ptr:
            raise ValueError(f"{type(self).__name__}: NULL handle")
        self._ptr = ptr
        self._parent = parent
        self._owned = owned
        self._children = 0
        self._closed = False
        self._family = parent._family if parent is not None else _Family()
        if parent is not None:
            with _lock:
                parent._children += 1

    @property
    def _h(self):
        """The live C pointer; raises ValueError after close()."""
        if self._closed:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._ptr

    @property
    def closed(self):
        return self._closed

    def close(self):
        """Release the C object now (or, while objects built from this one
        still live, as soon as they are released). Idempotent."""
        with _lock:
            if not self._closed:
                self._closed = True
                self._release()

    def _release(self):
        # called with _lock held
        if not self._closed or self._children or self._ptr is None:
            return
        ptr, self._ptr = self._ptr, None
        if self._owned and self._free:
            getattr(_native.lib, self._free)(ptr)
        parent, self._parent = self._parent, None
        if parent is not None:
            parent._children -= 1
            parent._release()

    @contextlib.contextmanager
    def _mutating(self):
        """For a call that changes this handle's C object: yields the live
        pointer, the family's update lock held and the handle pinned."""
        if not self._owned:
            raise TypeError(f"this {type(self).__name__} is a read-only view (a part of a "
                            "Model, const in C): update the Model with Model.update()")
        family, me = self._family, threading.get_ident()
        if family.owner == me:
            raise RuntimeError(f"{type(self).__name__}: an update of the same objects is "
                               "already running on this thread (called from a progress "
                               "callback?)")
        with family.lock:
            family.owner = me
            try:
                with _lock:
                    ptr = self._h  # ValueError once closed
                    self._children += 1  # pinned: close() now only marks it
                try:
                    yield ptr
                finally:
                    with _lock:
                        self._children -= 1
                        self._release()
            finally:
                family.owner = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # interpreter shutdown may have torn the module down already
        if getattr(self, "_ptr", None) is not None and _lock is not None:
            self.close()
