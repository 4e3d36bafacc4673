"""_evaluate.py - vcomm.evaluate(): the community recommender against
popularity, user-kNN and item-kNN on a held-out split of a data set, as
``vcomm eval --json`` reports it.
"""
from ctypes import byref, c_double

from . import _native
from ._native import _text, lib
from ._options import Options, using


def metric_names():
    """The metrics every method reports ("precision", "recall", ...)."""
    return [_text(lib.vc_eval_metric_name(i)) for i in range(lib.vc_eval_metric_count())]


def evaluate(ds, **options):
    """Split ds (eval.split), build portraits and communities on the
    training part and score every method on the held-out part. Returns
    {"split", "k", "users", "target_lift", "methods": {method: {metric:
    value}}}, the document ``vcomm eval --json`` prints."""
    with Options(options.pop("options", None), **options) as opts:
        ev = _native.Eval()
        with using({"options": opts}) as o:
            lib.vc_eval_run(byref(ev), ds._h, o)
        try:
            value, methods = c_double(), {}
            for m in range(lib.vc_eval_method_count(ev)):
                scores = methods[_text(lib.vc_eval_method_name(ev, m))] = {}
                for metric in metric_names():
                    lib.vc_eval_metric(ev, m, metric.encode(), byref(value))
                    scores[metric] = value.value
            return {"split": opts.get("eval.split"), "k": opts.get("eval.k"),
                    "users": lib.vc_eval_user_count(ev),
                    "target_lift": lib.vc_eval_target_lift(ev),
                    "methods": methods}
        finally:
            lib.vc_eval_free(ev)
