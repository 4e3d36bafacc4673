"""errors.py - vcomm.Error and one subclass per vc_status code of
include/vcomm.h. Every failing library call raises the subclass of its
status with vc_last_error()'s message; each subclass also derives from the
closest built-in exception (NoMemoryError is a MemoryError, ParseError a
ValueError, ...) so ordinary except clauses work too.
"""


class Error(Exception):
    """A failed vcomm call.

    Attributes: ``status`` (the negative vc_status code), ``status_name``
    (vc_status_str's text, "out of memory"), ``message`` (vc_last_error()'s
    text: file, line and what was wrong), ``function`` (the C function that
    failed, or None).
    """

    status = None

    def __init__(self, message, status=None, function=None):
        super().__init__(message)
        if status is not None:
            self.status = status
        self.message = message
        self.function = function

    @property
    def status_name(self):
        return _status_name(self.status) if self.status is not None else None

    def __str__(self):
        return self.message or (self.status_name or "vcomm error")


class InternalError(Error):
    """VC_ERR_INTERNAL: an unexpected internal failure (a bug in vcomm)."""
    status = -1


class NoMemoryError(Error, MemoryError):
    """VC_ERR_NOMEM: an allocation failed."""
    status = -2


class InvalidError(Error, ValueError):
    """VC_ERR_INVALID: a bad argument."""
    status = -3


class IoError(Error, OSError):
    """VC_ERR_IO: a file could not be opened, read or written."""
    status = -4


class ParseError(Error, ValueError):
    """VC_ERR_PARSE: malformed input; the message names file and line."""
    status = -5


class NotFoundError(Error, LookupError):
    """VC_ERR_NOT_FOUND: an unknown user, item, category or index."""
    status = -6


class CancelledError(Error):
    """VC_ERR_CANCELLED: the progress callback asked to stop."""
    status = -7


class OptionError(Error, ValueError):
    """VC_ERR_OPTION: an unknown option name or a value of another type."""
    status = -8


class RangeError(Error, ValueError):
    """VC_ERR_RANGE: a value outside its allowed range."""
    status = -9


class BufferSizeError(Error):
    """VC_ERR_BUFFER: a caller's buffer was too small."""
    status = -10


class FormatError(Error, ValueError):
    """VC_ERR_FORMAT: a corrupt, foreign or wrong-version model file."""
    status = -11


class StateError(Error):
    """VC_ERR_STATE: the call is not valid in the handle's current state."""
    status = -12


class UnsupportedError(Error, NotImplementedError):
    """VC_ERR_UNSUPPORTED: a feature not available in this build."""
    status = -13


#: vc_status code -> exception class
BY_STATUS = {cls.status: cls for cls in (
    InternalError, NoMemoryError, InvalidError, IoError, ParseError,
    NotFoundError, CancelledError, OptionError, RangeError, BufferSizeError,
    FormatError, StateError, UnsupportedError)}

_status_name = str


def bind_status_names(fn):
    """Called once the library is loaded: fn(status) gives vc_status_str."""
    global _status_name
    _status_name = fn


def from_status(status, message, function=None):
    """The exception for a negative vc_status; an unknown code gives a plain
    Error, as the header asks."""
    cls = BY_STATUS.get(status, Error)
    return cls(message or _status_name(status), status, function)
