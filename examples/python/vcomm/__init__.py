"""vcomm - Python binding (ctypes, standard library only) of libvcomm:
user portraits, virtual communities and community-based recommendation.

    import vcomm
    ds = vcomm.Dataset.synthesize(**{"synth.users": 500})
    pt = vcomm.Portraits.build(ds)
    cm = vcomm.Communities.run(pt, community_k=4)
    cm.recommend(ds.user_id(0), n=5)   # [(item_id, score, reason), ...]

The library is found through VCOMM_LIBRARY, a meson build directory of the
source tree, or the system loader; docs/python.md describes everything.
"""
from . import _native
from ._communities import Communities
from ._dataset import Dataset
from ._drift import Drift
from .errors import (BufferSizeError, CancelledError, Error, FormatError,
                     InternalError, InvalidError, IoError, NoMemoryError,
                     NotFoundError, OptionError, ParseError, RangeError,
                     StateError, UnsupportedError)
from ._evaluate import evaluate, metric_names
from ._kmeans import (KMeansAccumulator, KMeansResult, PCAResult, ari, calinski_harabasz,
                     choose_k, davies_bouldin, kmeans, nmi, pca, silhouette)
from ._model import Model
from ._options import Options, kernel_name, options
from ._portraits import Portraits

#: the loaded library's version, e.g. "1.1.0", and its path
__version__ = _native._text(_native.lib.vc_version_string())
library_path = _native.path


def version():
    """The loaded library's version as (major, minor, patch)."""
    v = _native.lib.vc_version()
    return v // 10000, v // 100 % 100, v % 100


def status_str(status):
    """vc_status_str: a short description of a status code."""
    return _native._text(_native.lib.vc_status_str(status))


__all__ = [
    "Dataset", "Portraits", "Communities", "Model", "Drift", "Options", "KMeansAccumulator",
    "KMeansResult", "evaluate", "metric_names", "options", "kernel_name", "kmeans",
    "choose_k", "pca", "PCAResult", "silhouette", "davies_bouldin", "calinski_harabasz", "ari", "nmi",
    "version", "status_str", "library_path",
    "Error", "InternalError", "NoMemoryError", "InvalidError", "IoError",
    "ParseError", "NotFoundError", "CancelledError", "OptionError", "RangeError",
    "BufferSizeError", "FormatError", "StateError", "UnsupportedError",
]
