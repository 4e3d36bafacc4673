"""_portraits.py - vcomm.Portraits over vc_portraits: every user's
three-layer portrait (fact, model, predictive), its named columns, tags,
and (with numpy) the whole matrix at once.
"""
from ctypes import byref, c_char_p, c_double, c_float, c_size_t

from . import _arrays, _native, _dataset as _ds
from ._handle import Handle
from ._native import _text, lib
from ._options import _b, remember, using, using_default


class Portraits(Handle):
    """Portraits of every user of a data set. Build them with
    ``Portraits.build(ds, **options)``; they keep the data set alive.
    ``update()`` brings them up to date after the data set grew."""

    _free = "vc_portraits_free"
    #: the options the portraits were built with, for update() (None: defaults)
    _made_with = None

    def __init__(self, ptr, parent=None, owned=True, dataset=None):
        super().__init__(ptr, parent, owned)
        self._dataset = dataset
        self._ds_ptr = lib.vc_portraits_dataset(ptr)
        self._columns = None

    @property
    def _ds(self):
        """The data set's C pointer, alive as long as this handle is."""
        return self._h and self._ds_ptr

    @classmethod
    def build(cls, ds, **options):
        """Build from a finalised Dataset (portrait.* options, threads,
        progress)."""
        ptr = _native.Portraits()
        with using(options) as o:
            lib.vc_portrait_build(byref(ptr), ds._h, o)
            pt = cls(ptr, parent=ds, dataset=ds)
            pt._made_with = remember(o)
        return pt

    def update(self, **options):
        """Bring the portraits up to date after their data set grew
        (Dataset.append, or add_* then finalize): the rows of touched users
        are recomputed, the schema stays as built. Options default to the
        ones the portraits were built with (the C API asks for the same).
        Returns the number of rows recomputed (0 when nothing changed).
        Communities built on them answer StateError until
        Communities.assign() or refresh()."""
        updated = c_size_t()
        with self._mutating() as h, using_default(options, self._made_with) as o:
            lib.vc_portrait_update(h, o, byref(updated))
        return updated.value

    @property
    def dataset(self):
        """The Dataset the portraits were built from."""
        if self._dataset is not None:
            return self._dataset
        return _ds.Dataset(self._ds_ptr, parent=self, owned=False)

    @property
    def user_count(self):
        return lib.vc_portraits_user_count(self._h)

    @property
    def column_count(self):
        return lib.vc_portraits_column_count(self._h)

    def __len__(self):
        return self.user_count

    def column(self, col):
        """(layer, group, name) of a column index."""
        layer, group, name = c_char_p(), c_char_p(), c_char_p()
        lib.vc_portraits_column(self._h, col, byref(layer), byref(group), byref(name))
        return _text(layer.value), _text(group.value), _text(name.value)

    def _schema(self):
        """(layer, group, name) of every column, read once."""
        if self._columns is None:
            self._columns = [self.column(c) for c in range(self.column_count)]
        return self._columns

    def columns(self):
        """Every column as "layer/group/name", in matrix order (names may
        hold "/" themselves: "fact/occupation/sales/marketing")."""
        return ["/".join(c) for c in self._schema()]

    def find_column(self, path):
        """Index of the column "layer/group/name" (NotFoundError if none)."""
        col = c_size_t()
        lib.vc_portraits_find_column(self._h, _b(path), byref(col))
        return col.value

    def row(self, user_id, features=False):
        """A user's readable values (or, with features=True, the
        standardised weighted features communities cluster), one per
        column."""
        n = self.column_count
        out = (c_float * max(n, 1))()
        fn = lib.vc_portraits_features if features else lib.vc_portraits_row
        fn(self._h, _ds.user_index(self._ds, user_id), out, n)
        return list(out[:n])

    def tags(self, user_id):
        """A user's tags, heaviest first, as (tag, weight) pairs."""
        h, u = self._h, _ds.user_index(self._ds, user_id)
        tag, weight = c_char_p(), c_float()
        out = []
        for k in range(lib.vc_portraits_tag_count(h, u)):
            lib.vc_portraits_tag(h, u, k, byref(tag), byref(weight))
            out.append((_text(tag.value), weight.value))
        return out

    def user(self, user_id):
        """A user's portrait as ``vcomm portrait --json`` prints it:
        {"user", "fact": {attribute: value}, "model": {group: {column:
        value}}, "predictive": {...}, "tags": [{"tag", "weight"}]}."""
        uid = _ds.user_id(self._ds, _ds.user_index(self._ds, user_id))
        doc = {"user": uid, "fact": _ds.user_attrs(self._ds, uid), "model": {},
               "predictive": {}}
        for value, (layer, group, name) in zip(self.row(uid), self._schema()):
            if layer in ("model", "predictive"):
                doc[layer].setdefault(group, {})[name] = value
        doc["tags"] = [{"tag": t, "weight": w} for t, w in self.tags(uid)]
        return doc

    def matrix(self, features=False):
        """Every user's row (readable values, or features=True for the
        clustered features) as a numpy float32 array of shape (users,
        columns), written by the library straight into the array. Needs
        numpy."""
        fn = lib.vc_portraits_features if features else lib.vc_portraits_row
        return _arrays.numpy_rows("Portraits.matrix", self.user_count, self.column_count,
                                  lambda u, row, cols: fn(self._h, u, row, cols))

    def project(self, dims=2, **options):
        """Every user's coordinates on the portraits' first `dims` principal
        components (the community map of ``vcomm report``). Returns
        (coordinates, explained): one row of dims floats per user (a numpy
        array when numpy is importable) and each component's share of the
        variance."""
        out = _arrays.Output(c_float, self.user_count, dims, _arrays.numpy() is not None)
        explained = (c_double * max(dims, 1))()
        with using(options) as o:
            lib.vc_portrait_project(self._h, dims, o, out.ptr, explained)
        return out.value(), list(explained[:dims])

    def __repr__(self):
        if self.closed:
            return "<vcomm.Portraits closed>"
        return f"<vcomm.Portraits {self.user_count} users x {self.column_count} columns>"
