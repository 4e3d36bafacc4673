"""_arrays.py - moving matrices and label vectors between Python and C.
A numpy array (when numpy is importable) is passed to the library in place
when it already is float32 rows (any row stride) and results are written
straight into new numpy arrays; lists of lists are packed into ctypes
buffers and come back as lists. numpy is never required.
"""
import array
import itertools
from ctypes import POINTER, c_float, c_uint32, c_uint64

_numpy = False  # not looked for yet


def numpy():
    """The numpy module, or None when it cannot be imported."""
    global _numpy
    if _numpy is False:
        try:
            import numpy as np
        except ImportError:
            np = None
        _numpy = np
    return _numpy


def need_numpy(what):
    np = numpy()
    if np is None:
        raise ImportError(f"{what} needs numpy, which is not installed")
    return np


def numpy_rows(what, rows, cols, fill):
    """A new (rows, cols) float32 numpy array whose row r the library writes
    in place: fill(r, pointer to the row, cols)."""
    np = need_numpy(what)
    out = np.zeros((rows, cols), dtype=np.float32)
    row_type = c_float * cols
    for r in range(rows if cols else 0):
        fill(r, row_type.from_address(out.ctypes.data + r * out.strides[0]), cols)
    return out


def is_numpy(x):
    return type(x).__module__.split(".")[0] == "numpy"


class Matrix:
    """n rows of d float32 values at ptr, row r at ptr + r * stride floats;
    keeps the memory it points into alive."""

    def __init__(self, x, what="x"):
        self.numpy = is_numpy(x)
        if self.numpy:
            np = numpy()
            a = np.asarray(x)
            if a.ndim != 2:
                raise ValueError(f"{what} must be 2-dimensional, got shape {a.shape}")
            if (a.dtype != np.float32 or a.strides[1] != 4 or a.strides[0] < 4 * a.shape[1]
                    or a.strides[0] % 4):
                a = np.ascontiguousarray(a, dtype=np.float32)
            self.n, self.d = a.shape
            self.stride = a.strides[0] // 4 if self.n > 1 else self.d
            self.keep = a
            self.ptr = a.ctypes.data_as(POINTER(c_float))
        else:
            rows = [list(r) for r in x]
            self.n = len(rows)
            self.d = len(rows[0]) if rows else 0
            if any(len(r) != self.d for r in rows):
                raise ValueError(f"{what}: every row needs {self.d} values")
            self.stride = self.d
            self.keep = array.array("f", itertools.chain.from_iterable(rows))
            self.ptr = as_pointer(self.keep, c_float)


def as_pointer(buf, ctype):
    """A POINTER(ctype) into an array.array of that type (NULL if empty)."""
    if not len(buf):
        return POINTER(ctype)()
    return (ctype * len(buf)).from_buffer(buf)


class Output:
    """A result of rows x cols values of a C type, in a numpy array when
    as_numpy, else in a ctypes array turned into lists by value()."""

    _NP = {c_float: "float32", c_uint32: "uint32", c_uint64: "uint64"}

    def __init__(self, ctype, rows, cols=None, as_numpy=False):
        self.rows, self.cols = rows, cols
        size = rows * (cols or 1)
        if as_numpy:
            np = numpy()
            shape = (rows, cols) if cols is not None else (rows,)
            self.buf = np.zeros(shape, dtype=self._NP[ctype])
            self.ptr = self.buf.ctypes.data_as(POINTER(ctype))
        else:
            self.buf = (ctype * max(size, 1))()
            self.ptr = self.buf

    def value(self):
        if is_numpy(self.buf):
            return self.buf
        if self.cols is None:
            return list(self.buf[:self.rows])
        c = self.cols
        return [list(self.buf[r * c:(r + 1) * c]) for r in range(self.rows)]


def uint32s(values, what="labels"):
    """A uint32 vector for the library: (pointer, length, keep-alive)."""
    if is_numpy(values):
        np = numpy()
        a = np.ascontiguousarray(values, dtype=np.uint32)
        if a.ndim != 1:
            raise ValueError(f"{what} must be 1-dimensional")
        return a.ctypes.data_as(POINTER(c_uint32)), len(a), a
    vals = list(values)
    buf = (c_uint32 * max(len(vals), 1))(*vals)
    return buf, len(vals), buf


def floats(values, count, what):
    """count float32 values (a flat or nested list, or a numpy array) as a
    C array, checking the size: (pointer, keep-alive)."""
    if is_numpy(values):
        np = numpy()
        a = np.ascontiguousarray(values, dtype=np.float32).reshape(-1)
    else:
        a = list(itertools.chain.from_iterable(
            v if hasattr(v, "__iter__") else [v] for v in values))
    if len(a) != count:
        raise ValueError(f"{what} needs {count} values, got {len(a)}")
    if is_numpy(a):
        return a.ctypes.data_as(POINTER(c_float)), a
    buf = (c_float * max(count, 1))(*a)
    return buf, buf
