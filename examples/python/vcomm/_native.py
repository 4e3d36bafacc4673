"""_native.py - finds and loads libvcomm, checks its major version, and
declares the C signature (restype and argtypes) of every public function of
include/vcomm.h. Functions returning vc_status raise vcomm.Error through
their errcheck. Nothing here is Python-friendly: the other modules wrap it.
"""
import ctypes
import ctypes.util
import glob
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_double,
                    c_float, c_int, c_int64, c_size_t, c_uint, c_uint32,
                    c_uint64, c_void_p)

from . import errors

#: the major version of the C API this binding is written for
API_MAJOR = 1

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _opaque(name):
    """A distinct pointer type per C handle, so ctypes rejects a data set
    where portraits are expected."""
    return POINTER(type(name, (Structure,), {}))


Dataset = _opaque("vc_dataset")
Portraits = _opaque("vc_portraits")
Communities = _opaque("vc_communities")
Options = _opaque("vc_options")
Recs = _opaque("vc_recs")
Eval = _opaque("vc_eval")
Model = _opaque("vc_model")
KMeansAcc = _opaque("vc_kmeans_acc")
Drift = _opaque("vc_drift")

PROGRESS_FN = CFUNCTYPE(c_int, c_char_p, c_double, c_void_p)
REC_FN = CFUNCTYPE(c_int, c_size_t, c_size_t, c_size_t, c_double, c_void_p)
MALLOC_FN = CFUNCTYPE(c_void_p, c_size_t, c_void_p)
REALLOC_FN = CFUNCTYPE(c_void_p, c_void_p, c_size_t, c_void_p)
FREE_FN = CFUNCTYPE(None, c_void_p, c_void_p)

# VC_DRIFT_* flags of a community in a drift report, and the vc_model_update
# flag VC_UPDATE_REFRESH (include/vcomm.h; tests/python/test_update.py
# checks them against the header)
DRIFT_GREW, DRIFT_SHRANK, DRIFT_SPLIT, DRIFT_NEW = 1, 2, 4, 8
UPDATE_REFRESH = 1
#: uint32_t "none" in drift reports (UINT32_MAX)
NONE_U32 = 0xFFFFFFFF

# Marks a vc_status result: the declared restype is c_int with an errcheck
# that turns negative values into vcomm.Error.
STATUS = object()

_sz, _s, _d, _f, _u32, _i64 = c_size_t, c_char_p, c_double, c_float, c_uint32, c_int64
_P = POINTER

#: name -> (restype, argtypes), in the order of include/vcomm.h
PROTOTYPES = {
    # version, status, allocator
    "vc_version": (c_uint, []),
    "vc_version_string": (_s, []),
    "vc_status_str": (_s, [c_int]),
    "vc_last_error": (_s, []),
    "vc_set_allocator": (STATUS, [MALLOC_FN, REALLOC_FN, FREE_FN, c_void_p]),
    # options
    "vc_options_new": (STATUS, [_P(Options)]),
    "vc_options_copy": (STATUS, [_P(Options), Options]),
    "vc_options_free": (None, [Options]),
    "vc_options_set_int": (STATUS, [Options, _s, _i64]),
    "vc_options_set_float": (STATUS, [Options, _s, _d]),
    "vc_options_set_bool": (STATUS, [Options, _s, c_int]),
    "vc_options_set_string": (STATUS, [Options, _s, _s]),
    "vc_options_set": (STATUS, [Options, _s, _s]),
    "vc_options_set_pair": (STATUS, [Options, _s]),
    "vc_options_get_int": (STATUS, [Options, _s, _P(_i64)]),
    "vc_options_get_float": (STATUS, [Options, _s, _P(_d)]),
    "vc_options_get_bool": (STATUS, [Options, _s, _P(c_int)]),
    "vc_options_get_string": (STATUS, [Options, _s, _P(_s)]),
    "vc_options_format": (STATUS, [Options, _s, _s, _sz, _P(_sz)]),
    "vc_options_set_progress": (STATUS, [Options, PROGRESS_FN, c_void_p]),
    "vc_option_count": (_sz, []),
    "vc_option_info": (STATUS, [_sz, _P(_s), _P(c_int), _P(_s), _P(_s)]),
    "vc_option_find": (STATUS, [_s, _P(_sz)]),
    # data sets
    "vc_dataset_load": (STATUS, [_P(Dataset), _s, Options]),
    "vc_dataset_synthesize": (STATUS, [_P(Dataset), Options]),
    "vc_dataset_write_ml1m": (STATUS, [Dataset, _s]),
    "vc_dataset_new": (STATUS, [_P(Dataset)]),
    "vc_dataset_free": (None, [Dataset]),
    "vc_dataset_add_user": (STATUS, [Dataset, _s, _P(_s), _P(_s), _sz]),
    "vc_dataset_add_item": (STATUS, [Dataset, _s, _s, _s, _d]),
    "vc_dataset_add_event": (STATUS, [Dataset, _s, _s, _s, _d, _d, _i64]),
    "vc_dataset_append": (STATUS, [Dataset, _s, Options, _P(_sz)]),
    "vc_dataset_finalize": (STATUS, [Dataset]),
    "vc_dataset_user_count": (_sz, [Dataset]),
    "vc_dataset_item_count": (_sz, [Dataset]),
    "vc_dataset_event_count": (_sz, [Dataset]),
    "vc_dataset_category_count": (_sz, [Dataset]),
    "vc_dataset_event_type_count": (_sz, [Dataset]),
    "vc_dataset_attr_count": (_sz, [Dataset]),
    "vc_dataset_user_id": (_s, [Dataset, _sz]),
    "vc_dataset_item_id": (_s, [Dataset, _sz]),
    "vc_dataset_item_title": (_s, [Dataset, _sz]),
    "vc_dataset_category_name": (_s, [Dataset, _sz]),
    "vc_dataset_event_type_name": (_s, [Dataset, _sz]),
    "vc_dataset_attr_name": (_s, [Dataset, _sz]),
    "vc_dataset_user_attr": (_s, [Dataset, _sz, _sz]),
    "vc_dataset_item_price": (_d, [Dataset, _sz]),
    "vc_dataset_user_index": (STATUS, [Dataset, _s, _P(_sz)]),
    "vc_dataset_item_index": (STATUS, [Dataset, _s, _P(_sz)]),
    "vc_dataset_category_index": (STATUS, [Dataset, _s, _P(_sz)]),
    "vc_dataset_item_categories": (STATUS, [Dataset, _sz, _P(_u32), _sz, _P(_sz)]),
    "vc_dataset_user_event_count": (_sz, [Dataset, _sz]),
    "vc_dataset_user_event": (STATUS, [Dataset, _sz, _sz, _P(_sz), _P(_sz), _P(_d),
                                       _P(_d), _P(_i64)]),
    "vc_dataset_item_event_count": (_sz, [Dataset, _sz]),
    "vc_dataset_type_counts": (STATUS, [Dataset, _P(c_uint64), _sz]),
    "vc_dataset_time_range": (STATUS, [Dataset, _P(_i64), _P(_i64)]),
    "vc_dataset_memory_bytes": (_sz, [Dataset]),
    "vc_dataset_skipped_lines": (c_uint64, [Dataset]),
    "vc_dataset_first_skip_reason": (_s, [Dataset]),
    "vc_dataset_dropped_rows": (c_uint64, [Dataset]),
    "vc_dataset_format": (_s, [Dataset]),
    "vc_dataset_planted_community": (STATUS, [Dataset, _sz, _P(_u32)]),
    # k-means over a caller's matrix
    "vc_kmeans": (STATUS, [_P(_f), _sz, _sz, _sz, Options, _P(_f), _P(_u32), _P(_d),
                           _P(_u32)]),
    "vc_kernel_name": (_s, [Options]),
    "vc_kmeans_choose_k": (STATUS, [_P(_f), _sz, _sz, _sz, _u32, _u32, Options,
                                    _P(_u32), _P(_d)]),
    "vc_kmeans_acc_new": (STATUS, [_P(KMeansAcc), _sz, _sz]),
    "vc_kmeans_acc_free": (None, [KMeansAcc]),
    "vc_kmeans_acc_reset": (STATUS, [KMeansAcc]),
    "vc_kmeans_assign": (STATUS, [KMeansAcc, _P(_f), _sz, _sz, _P(_f), Options,
                                  _P(_u32)]),
    "vc_kmeans_acc_merge": (STATUS, [KMeansAcc, KMeansAcc]),
    "vc_kmeans_acc_finish": (STATUS, [KMeansAcc, _P(_f), _P(_f), _P(c_uint64),
                                      _P(_d)]),
    "vc_kmeans_acc_serialize": (STATUS, [KMeansAcc, c_void_p, _sz, _P(_sz)]),
    "vc_kmeans_acc_deserialize": (STATUS, [_P(KMeansAcc), c_void_p, _sz]),
    "vc_score_silhouette": (STATUS, [_P(_f), _sz, _sz, _sz, _P(_u32), Options,
                                     _P(_d)]),
    "vc_score_davies_bouldin": (STATUS, [_P(_f), _sz, _sz, _sz, _P(_u32), _P(_d)]),
    "vc_score_calinski_harabasz": (STATUS, [_P(_f), _sz, _sz, _sz, _P(_u32),
                                            _P(_d)]),
    "vc_score_ari": (STATUS, [_P(_u32), _P(_u32), _sz, _P(_d)]),
    "vc_score_nmi": (STATUS, [_P(_u32), _P(_u32), _sz, _P(_d)]),
    # portraits
    "vc_portrait_build": (STATUS, [_P(Portraits), Dataset, Options]),
    "vc_portraits_free": (None, [Portraits]),
    "vc_portrait_update": (STATUS, [Portraits, Options, _P(_sz)]),
    "vc_portraits_user_count": (_sz, [Portraits]),
    "vc_portraits_column_count": (_sz, [Portraits]),
    "vc_portraits_dataset": (Dataset, [Portraits]),
    "vc_portraits_column": (STATUS, [Portraits, _sz, _P(_s), _P(_s), _P(_s)]),
    "vc_portraits_find_column": (STATUS, [Portraits, _s, _P(_sz)]),
    "vc_portraits_row": (STATUS, [Portraits, _sz, _P(_f), _sz]),
    "vc_portraits_features": (STATUS, [Portraits, _sz, _P(_f), _sz]),
    "vc_portrait_project": (STATUS, [Portraits, _sz, Options, _P(_f), _P(_d)]),
    "vc_pca": (STATUS, [_P(_f), _sz, _sz, _sz, _sz, Options, _P(_f), _P(_f), _P(_d),
                        _P(_d)]),
    "vc_portraits_tag_count": (_sz, [Portraits, _sz]),
    "vc_portraits_tag": (STATUS, [Portraits, _sz, _sz, _P(_s), _P(_f)]),
    # communities
    "vc_cluster_run": (STATUS, [_P(Communities), Portraits, Options]),
    "vc_communities_free": (None, [Communities]),
    "vc_communities_count": (_sz, [Communities]),
    "vc_communities_global_count": (_sz, [Communities]),
    "vc_communities_portraits": (Portraits, [Communities]),
    "vc_communities_find": (STATUS, [Communities, _s, _P(_sz)]),
    "vc_community_name": (_s, [Communities, _sz]),
    "vc_community_topic": (_s, [Communities, _sz]),
    "vc_community_persona": (_s, [Communities, _sz]),
    "vc_community_size": (_sz, [Communities, _sz]),
    "vc_community_silhouette": (_d, [Communities, _sz]),
    "vc_community_tag_count": (_sz, [Communities, _sz]),
    "vc_community_tag": (STATUS, [Communities, _sz, _sz, _P(_s), _P(_f)]),
    "vc_community_members": (STATUS, [Communities, _sz, _P(_u32), _P(_f), _sz,
                                      _P(_sz)]),
    "vc_user_communities": (STATUS, [Communities, _sz, _P(_u32), _P(_f), _sz,
                                     _P(_sz)]),
    "vc_community_centroid": (STATUS, [Communities, _sz, _P(_f), _sz]),
    # incremental updates and the drift report
    "vc_cluster_assign": (STATUS, [Communities, Options, _P(_sz)]),
    "vc_cluster_refresh": (STATUS, [Communities, Options]),
    "vc_drift_begin": (STATUS, [_P(Drift), Communities]),
    "vc_drift_end": (STATUS, [Drift, Communities, Options]),
    "vc_drift_free": (None, [Drift]),
    "vc_drift_mover_count": (_sz, [Drift]),
    "vc_drift_mover": (STATUS, [Drift, _sz, _P(_sz), _P(_u32), _P(_u32)]),
    "vc_drift_community_count": (_sz, [Drift]),
    "vc_drift_community": (STATUS, [Drift, _sz, _P(_sz), _P(_sz), _P(c_uint), _P(_u32)]),
    # recommendation and targeting
    "vc_recommend": (STATUS, [_P(Recs), Communities, _sz, _sz, _P(_u32), _sz,
                              Options]),
    "vc_recommend_all": (STATUS, [Communities, _sz, Options, REC_FN, c_void_p]),
    "vc_recommend_all_csv": (STATUS, [Communities, _sz, _s, Options]),
    "vc_target_item": (STATUS, [_P(Recs), Communities, _sz, _sz, Options]),
    "vc_target_category": (STATUS, [_P(Recs), Communities, _s, _sz, Options]),
    "vc_recs_count": (_sz, [Recs]),
    "vc_recs_get": (STATUS, [Recs, _sz, _P(_sz), _P(_d), _P(_s)]),
    "vc_recs_free": (None, [Recs]),
    # evaluation
    "vc_eval_run": (STATUS, [_P(Eval), Dataset, Options]),
    "vc_eval_free": (None, [Eval]),
    "vc_eval_method_count": (_sz, [Eval]),
    "vc_eval_method_name": (_s, [Eval, _sz]),
    "vc_eval_metric_count": (_sz, []),
    "vc_eval_metric_name": (_s, [_sz]),
    "vc_eval_metric": (STATUS, [Eval, _sz, _s, _P(_d)]),
    "vc_eval_user_count": (_sz, [Eval]),
    "vc_eval_target_lift": (_d, [Eval]),
    # model files
    "vc_model_save": (STATUS, [Communities, _s, Options]),
    "vc_model_load": (STATUS, [_P(Model), _s, Options]),
    "vc_model_free": (None, [Model]),
    "vc_model_dataset": (Dataset, [Model]),
    "vc_model_portraits": (Portraits, [Model]),
    "vc_model_communities": (Communities, [Model]),
    "vc_model_options": (Options, [Model]),
    "vc_model_update": (STATUS, [Model, _s, Options, c_uint, _P(Drift), _P(_sz), _P(_sz)]),
}


def _library_candidates():
    """Where to look, in order: VCOMM_LIBRARY, a meson build directory of the
    source tree (from the working directory, then from this package and its
    parent folders), the system loader."""
    env = os.environ.get("VCOMM_LIBRARY")
    if env:
        yield env
        return
    bases, seen = [os.getcwd()], set()
    d = _PACKAGE_DIR
    while True:
        bases.append(d)
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    for base in bases:
        for path in sorted(glob.glob(os.path.join(base, "build*", "lib", "libvcomm.so*")),
                           key=lambda p: (os.path.dirname(p), len(p), p)):
            real = os.path.realpath(path)
            if real not in seen and not _needs_missing_asan(real):
                seen.add(real)
                yield path
    found = ctypes.util.find_library("vcomm")
    if found:
        yield found


def _asan_loaded():
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            return "libasan" in f.read()
    except OSError:
        return False


def _needs_missing_asan(path):
    """An AddressSanitizer build aborts the process when loaded without the
    runtime preloaded: skip such a build directory when searching."""
    try:
        with open(path, "rb") as f:
            linked = b"libasan.so" in f.read()
    except OSError:
        return True
    return linked and not _asan_loaded()


def _load():
    tried = []
    for candidate in _library_candidates():
        try:
            return ctypes.CDLL(candidate), candidate
        except OSError as e:
            tried.append(f"{candidate}: {e}")
    raise ImportError("vcomm: cannot find libvcomm; build it (meson setup build && "
                      "ninja -C build) or set VCOMM_LIBRARY to the library's path"
                      + "".join("\n  " + t for t in tried))


def _declare(lib):
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise ImportError(f"vcomm: {name} missing from the loaded library") from None
        fn.argtypes = argtypes
        if restype is STATUS:
            fn.restype = c_int
            fn.errcheck = _check_status
        else:
            fn.restype = restype


def _check_status(status, fn, args):
    if status < 0:
        raise errors.from_status(status, _text(lib.vc_last_error()), fn.__name__)
    return status


def _text(b):
    """A C string (bytes or None) as str (None stays None)."""
    return None if b is None else b.decode("utf-8", "replace")


lib, path = _load()
_declare(lib)
version = lib.vc_version()
if version // 10000 != API_MAJOR:
    raise ImportError(f"vcomm: {path} is version {_text(lib.vc_version_string())}; "
                      f"this binding needs {API_MAJOR}.x")
errors.bind_status_names(lambda s: _text(lib.vc_status_str(s)))
