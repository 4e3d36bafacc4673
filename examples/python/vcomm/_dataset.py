"""_dataset.py - vcomm.Dataset over vc_dataset: load a directory, synthesize
one, or feed users, items and events from Python and finalize; then query
counts, ids, attributes, events and the summary ``vcomm stats`` prints.
External ids are str (an int id is converted with str()).
"""
import datetime
import math
import os
from ctypes import (byref, c_char_p, c_double, c_int64, c_size_t, c_uint32,
                    c_uint64)

from . import _native, errors
from ._handle import Handle
from ._native import _text, lib
from ._options import _b, remember, using, using_default


def _id(x):
    """An external id as the library's bytes."""
    return _b(x if isinstance(x, (str, bytes)) else str(x))


def _iso(t):
    """Unix seconds as the CLI prints them ("2000-12-31T22:12:40Z")."""
    try:
        return datetime.datetime.fromtimestamp(t, datetime.timezone.utc) \
            .strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return str(t)


def _index(fn, ds, key):
    i = c_size_t()
    fn(ds, key, byref(i))
    return i.value


def _name_at(fn, ds, index, what):
    s = fn(ds, index)
    if s is None:
        raise errors.RangeError(f"{what} index {index} out of range",
                                errors.RangeError.status)
    return _text(s)


# Id lookups on a raw vc_dataset pointer, for the objects built on a data set
# (they keep its C object alive even after the Dataset itself is closed).
def user_index(ds, user_id):
    return _index(lib.vc_dataset_user_index, ds, _id(user_id))


def item_index(ds, item_id):
    return _index(lib.vc_dataset_item_index, ds, _id(item_id))


def user_id(ds, index):
    return _name_at(lib.vc_dataset_user_id, ds, index, "user")


def item_id(ds, index):
    return _name_at(lib.vc_dataset_item_id, ds, index, "item")


def user_attrs(ds, user_id):
    u = user_index(ds, user_id)
    out = {}
    for a in range(lib.vc_dataset_attr_count(ds)):
        v = lib.vc_dataset_user_attr(ds, u, a)
        if v is not None:
            out[_text(lib.vc_dataset_attr_name(ds, a))] = _text(v)
    return out


class Dataset(Handle):
    """Users, items and events. Build one with ``Dataset.load(path)``,
    ``Dataset.synthesize()`` or ``Dataset.new()`` + add_* + finalize();
    a finalised data set may be queried from many threads; ``append()``
    grows it in place (see docs/python.md, Updates).
    """

    _free = "vc_dataset_free"
    #: the options the data set was loaded with, for append() (None: defaults)
    _made_with = None

    # ---- construction --------------------------------------------------

    @classmethod
    def _from(cls, fn, *args, options=None):
        ptr = _native.Dataset()
        fn(byref(ptr), *args)
        ds = cls(ptr)
        ds._made_with = remember(options)
        return ds

    @classmethod
    def load(cls, path, **options):
        """Load a directory or file (MovieLens 1M / 100K / latest, merchant
        CSV; load.format overrides detection)."""
        with using(options) as o:
            return cls._from(lib.vc_dataset_load, _b(str(path)), o, options=o)

    @classmethod
    def synthesize(cls, **options):
        """A synthetic data set with planted communities (synth.users,
        synth.items, synth.events_per_user, synth.communities, seed)."""
        with using(options) as o:
            return cls._from(lib.vc_dataset_synthesize, o, options=o)

    @classmethod
    def new(cls):
        """An empty data set to feed with add_user / add_item / add_event,
        then finalize()."""
        return cls._from(lib.vc_dataset_new)

    def add_user(self, user_id, attrs=None, **kw):
        """Add (or update) a user with static attributes given as a dict
        and/or keywords: ``add_user("u1", gender="F", age="25-34")``."""
        attrs = {**(attrs or {}), **kw}
        n = len(attrs)
        names = (c_char_p * max(n, 1))(*[_b(str(k)) for k in attrs])
        values = (c_char_p * max(n, 1))(*[_b(str(v)) for v in attrs.values()])
        lib.vc_dataset_add_user(self._h, _id(user_id), names, values, n)
        return self

    def add_item(self, item_id, title=None, categories=None, price=None):
        """Add (or update) an item; categories as "A|B" or a list of names,
        price None when unknown."""
        if categories is not None and not isinstance(categories, str):
            categories = "|".join(categories)
        lib.vc_dataset_add_item(self._h, _id(item_id), _b(title), _b(categories),
                                math.nan if price is None else float(price))
        return self

    def add_event(self, user_id, item_id, type="rating", value=1.0, amount=0.0,
                  time=0):
        """Add an event (unknown users and items are added on the fly); type
        is "rating", "view", "like", "collect", "search", "comment",
        "purchase" or a custom name; time in Unix seconds."""
        lib.vc_dataset_add_event(self._h, _id(user_id), _id(item_id), _b(type),
                                 float(value), float(amount), int(time))
        return self

    def finalize(self):
        """Build the indexes; needed before queries and portraits."""
        lib.vc_dataset_finalize(self._h)
        return self

    def append(self, path, **options):
        """Append the events of a file (the data set's own event format:
        ratings.dat lines for MovieLens 1M and synthetic data, u.data lines,
        ratings.csv rows; a merchant CSV for a merchant or fed data set) or
        of a directory (any format Dataset.load reads), then finalize. Unknown users and items are added.
        The input is parsed in full first: a malformed one raises ParseError
        ("path:line: what") and changes nothing. Options default to the
        ones the data set was loaded with (load.*, threads, progress).
        Returns the number of events appended. Portraits and communities
        built on the data set then answer StateError until brought up to
        date: Portraits.update(), then Communities.assign() or refresh()."""
        added = c_size_t()
        with self._mutating() as h, using_default(options, self._made_with) as o:
            lib.vc_dataset_append(h, _b(str(path)), o, byref(added))
        return added.value

    def write_ml1m(self, directory):
        """Write users.dat, movies.dat, ratings.dat (+ truth.csv) into
        directory, created if missing."""
        lib.vc_dataset_write_ml1m(self._h, _b(str(directory)))

    # ---- counts and names ----------------------------------------------

    @property
    def user_count(self):
        return lib.vc_dataset_user_count(self._h)

    @property
    def item_count(self):
        return lib.vc_dataset_item_count(self._h)

    @property
    def event_count(self):
        return lib.vc_dataset_event_count(self._h)

    @property
    def format(self):
        """"ml-1m", "ml-100k", "ml-latest", "merchant", "synthetic", "api"."""
        return _text(lib.vc_dataset_format(self._h))

    @property
    def memory_bytes(self):
        return lib.vc_dataset_memory_bytes(self._h)

    @property
    def skipped_lines(self):
        return lib.vc_dataset_skipped_lines(self._h)

    @property
    def first_skip_reason(self):
        return _text(lib.vc_dataset_first_skip_reason(self._h))

    @property
    def dropped_rows(self):
        return lib.vc_dataset_dropped_rows(self._h)

    def _names(self, count_fn, name_fn):
        h = self._h
        return [_text(name_fn(h, i)) for i in range(count_fn(h))]

    def user_ids(self):
        return self._names(lib.vc_dataset_user_count, lib.vc_dataset_user_id)

    def item_ids(self):
        return self._names(lib.vc_dataset_item_count, lib.vc_dataset_item_id)

    def categories(self):
        return self._names(lib.vc_dataset_category_count, lib.vc_dataset_category_name)

    def event_types(self):
        return self._names(lib.vc_dataset_event_type_count,
                           lib.vc_dataset_event_type_name)

    def attributes(self):
        return self._names(lib.vc_dataset_attr_count, lib.vc_dataset_attr_name)

    # ---- ids <-> indices -----------------------------------------------

    def user_index(self, user_id):
        """Dense index of an external user id (NotFoundError if unknown)."""
        return user_index(self._h, user_id)

    def item_index(self, item_id):
        return item_index(self._h, item_id)

    def category_index(self, name):
        return _index(lib.vc_dataset_category_index, self._h, _b(name))

    def user_id(self, index):
        """External id of a user index (RangeError when out of range)."""
        return user_id(self._h, index)

    def item_id(self, index):
        return item_id(self._h, index)

    # ---- users and items -----------------------------------------------

    def user_attrs(self, user_id):
        """A user's static attributes as a dict (missing ones left out)."""
        return user_attrs(self._h, user_id)

    def _item_categories(self, i):
        count = c_size_t()
        cats = (c_uint32 * 16)()
        try:
            lib.vc_dataset_item_categories(self._h, i, cats, len(cats), byref(count))
        except errors.BufferSizeError:
            cats = (c_uint32 * count.value)()
            lib.vc_dataset_item_categories(self._h, i, cats, len(cats), byref(count))
        return list(cats[:count.value])

    def item(self, item_id):
        """{"id", "title", "categories", "price", "events"} of an item."""
        h, i = self._h, self.item_index(item_id)
        price = lib.vc_dataset_item_price(h, i)
        return {"id": self.item_id(i),
                "title": _text(lib.vc_dataset_item_title(h, i)),
                "categories": [_text(lib.vc_dataset_category_name(h, c))
                               for c in self._item_categories(i)],
                "price": None if math.isnan(price) else price,
                "events": lib.vc_dataset_item_event_count(h, i)}

    def user_events(self, user_id):
        """A user's events in time order as (item_id, type, value, amount,
        time) tuples."""
        h, u = self._h, self.user_index(user_id)
        item, typ = c_size_t(), c_size_t()
        value, amount, t = c_double(), c_double(), c_int64()
        types = self.event_types()
        out = []
        for k in range(lib.vc_dataset_user_event_count(h, u)):
            lib.vc_dataset_user_event(h, u, k, byref(item), byref(typ), byref(value),
                                      byref(amount), byref(t))
            out.append((_text(lib.vc_dataset_item_id(h, item.value)), types[typ.value],
                        value.value, amount.value, t.value))
        return out

    def planted_community(self, user_id):
        """The planted community of a synthetic user (NotFoundError when the
        data set has none)."""
        label = c_uint32()
        lib.vc_dataset_planted_community(self._h, self.user_index(user_id),
                                         byref(label))
        return label.value

    # ---- summary -------------------------------------------------------

    def type_counts(self):
        """Events per type name."""
        h = self._h
        n = lib.vc_dataset_event_type_count(h)
        counts = (c_uint64 * max(n, 1))()
        lib.vc_dataset_type_counts(h, counts, n)
        return {_text(lib.vc_dataset_event_type_name(h, t)): counts[t] for t in range(n)}

    def time_range(self):
        """(first, last) event time in Unix seconds; (0, 0) without events."""
        first, last = c_int64(), c_int64()
        lib.vc_dataset_time_range(self._h, byref(first), byref(last))
        return first.value, last.value

    def _category_counts(self):
        """[name, items, events] per category, most events first."""
        h = self._h
        nc = lib.vc_dataset_category_count(h)
        rows = [[k, 0, 0] for k in range(nc)]
        for i in range(lib.vc_dataset_item_count(h)):
            events = lib.vc_dataset_item_event_count(h, i)
            for c in self._item_categories(i):
                rows[c][1] += 1
                rows[c][2] += events
        rows.sort(key=lambda r: (-r[2], r[0]))
        return [{"name": _text(lib.vc_dataset_category_name(h, k)), "items": items,
                 "events": events} for k, items, events in rows]

    def stats(self):
        """The summary ``vcomm stats --json`` prints: users, items, events,
        format, event_types, categories, attributes, time_range,
        events_per_user, bytes, skipped_lines, first_skip, dropped_rows."""
        h = self._h
        per_user = sorted(lib.vc_dataset_user_event_count(h, u)
                          for u in range(lib.vc_dataset_user_count(h)))
        nu = len(per_user)
        types = self.type_counts()
        first, last = self.time_range()
        return {
            "users": nu,
            "items": self.item_count,
            "events": self.event_count,
            "format": self.format,
            # custom types without events are left out, as the CLI does
            "event_types": {name: n for t, (name, n) in enumerate(types.items())
                            if n or t <= 6},
            "categories": self._category_counts(),
            "attributes": self.attributes(),
            "time_range": {"first": _iso(first), "last": _iso(last)},
            "events_per_user": {
                "min": per_user[0] if nu else 0,
                "median": per_user[nu // 2] if nu else 0,
                "mean": sum(per_user) / nu if nu else 0.0,
                "max": per_user[-1] if nu else 0},
            "bytes": self.memory_bytes,
            "skipped_lines": self.skipped_lines,
            "first_skip": self.first_skip_reason,
            "dropped_rows": self.dropped_rows,
        }

    def __len__(self):
        return self.user_count

    def __repr__(self):
        if self.closed:
            return "<vcomm.Dataset closed>"
        return (f"<vcomm.Dataset {self.format}: {self.user_count} users, "
                f"{self.item_count} items, {self.event_count} events>")
