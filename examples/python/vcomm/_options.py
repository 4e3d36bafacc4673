"""_options.py - the options registry (vcomm.options()), the Options object
over vc_options, and the keyword-argument convention every vcomm call uses:
``**{"kmeans.k": 8}`` or ``kmeans_k=8`` (underscores for dots, when that
names exactly one option), plus ``progress=callable`` and ``options=`` (an
Options object or a dict to start from). The objects a feedback loop
updates remember the options they were made with (``remember``) and their
update calls start from them (``using_default``).
"""
import contextlib
import numbers
from ctypes import byref, c_char_p, c_double, c_int, c_int64, c_size_t, create_string_buffer

from . import _native, errors
from ._handle import Handle
from ._native import _text, lib

TYPE_NAMES = {1: "int", 2: "float", 3: "bool", 4: "string"}
_registry_cache = None


def _registry():
    """name -> (type word, default text, doc), in registry order."""
    global _registry_cache
    if _registry_cache is None:
        reg = {}
        for i in range(lib.vc_option_count()):
            name, default, doc, typ = c_char_p(), c_char_p(), c_char_p(), c_int()
            lib.vc_option_info(i, byref(name), byref(typ), byref(default), byref(doc))
            reg[_text(name.value)] = (TYPE_NAMES.get(typ.value, "?"),
                                      _text(default.value), _text(doc.value))
        _registry_cache = reg
    return _registry_cache


def _typed(type_word, text):
    """An option value from its text form, as the CLI's JSON shows it."""
    if type_word == "int":
        return int(text)
    if type_word == "float":
        return float(text)
    if type_word == "bool":
        return text in ("true", "1")
    return text


def options():
    """The options registry: a list of {"name", "type", "default", "doc"}
    dicts, as ``vcomm options --json`` prints it (defaults typed)."""
    return [{"name": name, "type": t, "default": _typed(t, default), "doc": doc}
            for name, (t, default, doc) in _registry().items()]


def resolve(name):
    """The registry name for a keyword: the name itself, or with
    underscores read as dots when exactly one option matches ("kmeans_k" ->
    "kmeans.k"). Unknown names are returned as they are, for the library to
    reject with its own message and suggestion."""
    reg = _registry()
    if name in reg or "." in name:
        return name
    matches = [n for n in reg if n.replace(".", "_") == name]
    if len(matches) > 1:
        raise errors.OptionError(f"option '{name}' is ambiguous: "
                                 + ", ".join(matches), errors.OptionError.status)
    return matches[0] if matches else name


def _b(s):
    return s.encode("utf-8") if isinstance(s, str) else s


class _Progress:
    """A Python progress callable as a vc_progress_fn. A truthy return value
    cancels; an exception is kept, cancels the call, and is re-raised by
    ``using`` once the library has returned."""

    def __init__(self, fn):
        if not callable(fn):
            raise TypeError("progress must be callable: fn(stage, fraction)")
        self.fn = fn
        self.error = None
        self.c_fn = _native.PROGRESS_FN(self._call)

    def _call(self, stage, fraction, _userdata):
        if self.error is not None:
            return 1
        try:
            return 1 if self.fn(_text(stage), fraction) else 0
        except BaseException as e:  # noqa: B036 - never unwind into C
            self.error = e
            return 1


class Options(Handle):
    """A vc_options object: every tunable of every stage, set by name.

    ``Options(base=None, **kw)`` starts from the defaults (or a copy of
    base: an Options, a dict, or a raw vc_options pointer) and applies kw. Values are typed by their
    Python type (bool, int, float) or parsed from str as ``--set`` does.
    """

    _free = "vc_options_free"

    def __init__(self, base=None, **kw):
        ptr = _native.Options()
        src = base._h if isinstance(base, Options) else \
            base if isinstance(base, _native.Options) else None
        if src is None:
            lib.vc_options_new(byref(ptr))
        else:
            lib.vc_options_copy(byref(ptr), src)
        super().__init__(ptr)
        self._progress = base._progress if isinstance(base, Options) else None
        try:
            if isinstance(base, dict):
                self.update(base)
            elif base is not None and src is None:
                raise TypeError("options must be an Options object or a dict")
            self.update(kw)
        except BaseException:
            self.close()  # freed now, not when the traceback goes
            raise

    def set(self, name, value):
        """Set one option; raises OptionError / RangeError / ParseError with
        the library's message."""
        if name == "progress":
            return self.set_progress(value)
        name = resolve(name)
        h, key = self._h, _b(name)
        if isinstance(value, bool):
            lib.vc_options_set_bool(h, key, int(value))
        elif isinstance(value, numbers.Integral):
            lib.vc_options_set_int(h, key, int(value))
        elif isinstance(value, numbers.Real):
            lib.vc_options_set_float(h, key, float(value))
        elif isinstance(value, str) and _registry().get(name, ("",))[0] == "string":
            lib.vc_options_set_string(h, key, _b(value))
        elif isinstance(value, str):  # parsed as --set does
            lib.vc_options_set(h, key, _b(value))
        else:
            raise errors.OptionError(f"option '{name}': a {type(value).__name__} "
                                     "is not an option value (int, float, bool or str)",
                                     errors.OptionError.status)
        return self

    def set_pair(self, pair):
        """Apply "NAME=VALUE" as the command line's --set does."""
        lib.vc_options_set_pair(self._h, _b(pair))
        return self

    def update(self, mapping=(), **kw):
        for source in (dict(mapping), kw):
            for name, value in source.items():
                self.set(name, value)
        return self

    # registry type -> (getter, C type of the value, conversion to Python)
    _GETTERS = {"int": ("vc_options_get_int", c_int64, int),
                "float": ("vc_options_get_float", c_double, float),
                "bool": ("vc_options_get_bool", c_int, bool),
                "string": ("vc_options_get_string", c_char_p, _text)}

    def get(self, name):
        """The current value, typed by the option's registry type."""
        name = resolve(name)
        t = _registry().get(name, ("?",))[0]
        if t not in self._GETTERS:  # unknown: the library says so
            lib.vc_option_find(_b(name), byref(c_size_t()))
        getter, ctype, convert = self._GETTERS[t]
        v = ctype()
        getattr(lib, getter)(self._h, _b(name), byref(v))
        return convert(v.value)

    def format(self, name):
        """The current value as text, the form ``--set`` accepts."""
        key, needed = _b(resolve(name)), c_size_t()
        buf = create_string_buffer(64)
        try:
            lib.vc_options_format(self._h, key, buf, len(buf), byref(needed))
        except errors.BufferSizeError:
            buf = create_string_buffer(needed.value + 1)
            lib.vc_options_format(self._h, key, buf, len(buf), byref(needed))
        return _text(buf.value)

    __getitem__ = get
    __setitem__ = set

    def as_dict(self):
        """Every option's current value, by name."""
        return {name: self.get(name) for name in _registry()}

    def copy(self):
        return Options(self)

    @property
    def progress(self):
        return self._progress.fn if self._progress else None

    def set_progress(self, fn):
        """Install fn(stage, fraction) -> truthy to cancel, or None to
        remove it."""
        p = _Progress(fn) if fn is not None else None
        lib.vc_options_set_progress(self._h, p.c_fn if p else _native.PROGRESS_FN(), None)
        self._progress = p
        return self

    def __repr__(self):
        changed = {n: v for n, v in self.as_dict().items()
                   if v != _typed(*_registry()[n][:2])}
        return f"vcomm.Options({changed})"


def kernel_name(**kw):
    """The distance kernel these options select ("avx2", ...)."""
    with using(kw) as o:
        return _text(lib.vc_kernel_name(o))


@contextlib.contextmanager
def using(kw):
    """The vc_options pointer for one call made from keyword arguments
    (None when there are none: the library's defaults). A progress
    callback's exception replaces the CancelledError it caused."""
    kw = dict(kw)
    base = kw.pop("options", None)
    if base is None and not kw:
        yield None
        return
    if isinstance(base, Options) and not kw:
        opts, own = base, False
    else:
        opts, own = Options(base, **kw), True
    try:
        yield opts._h
    except errors.CancelledError as cancelled:
        p = opts._progress
        if p is not None and p.error is not None:
            error, p.error = p.error, None
            raise error from cancelled
        raise
    finally:
        if own:
            opts.close()


def remember(opts):
    """A copy of the options a build was made with (opts: the vc_options
    pointer ``using`` gave, or None for the defaults), for its later updates
    to start from, as the C API asks ("use the same ones"). The progress
    callback is dropped: it belongs to the call that was made."""
    if opts is None:
        return None
    copy = Options(opts)
    copy.set_progress(None)
    return copy


@contextlib.contextmanager
def using_default(kw, default):
    """``using(kw)`` starting from default (an Options or None) instead of
    the library's defaults, unless kw brings its own ``options=``."""
    kw = dict(kw)
    if kw.get("options") is None and default is not None:
        kw["options"] = default
    with using(kw) as o:
        yield o
