"""test_binding.py - the binding declares every public function of
include/vcomm.h with the header's exact signature (parsed from the header),
checks the library's major version, and maps every status code to its
exception class."""
import ctypes
import os
import re
import unittest

from support import ROOT, vcomm
from vcomm import _native, errors

HEADER = os.path.join(ROOT, "include", "vcomm.h")

SCALARS = {
    "void": None, "char *": ctypes.c_char_p, "void *": ctypes.c_void_p,
    "size_t": ctypes.c_size_t, "int": ctypes.c_int, "unsigned": ctypes.c_uint,
    "double": ctypes.c_double, "float": ctypes.c_float, "int64_t": ctypes.c_int64,
    "uint32_t": ctypes.c_uint32, "uint64_t": ctypes.c_uint64,
    "vc_status": _native.STATUS, "vc_option_type": ctypes.c_int,
    "vc_progress_fn": _native.PROGRESS_FN, "vc_rec_fn": _native.REC_FN,
    "vc_malloc_fn": _native.MALLOC_FN, "vc_realloc_fn": _native.REALLOC_FN,
    "vc_free_fn": _native.FREE_FN,
}
HANDLES = {"vc_dataset": _native.Dataset, "vc_portraits": _native.Portraits,
           "vc_communities": _native.Communities, "vc_options": _native.Options,
           "vc_recs": _native.Recs, "vc_eval": _native.Eval, "vc_model": _native.Model,
           "vc_kmeans_acc": _native.KMeansAcc, "vc_drift": _native.Drift}


def read_header():
    with open(HEADER, encoding="utf-8") as f:
        return f.read()


def header_prototypes():
    """name -> (return type, [parameter types]) of every VC_API function,
    types as normalised text without const ("char * *")."""
    text = read_header()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = "\n".join(line for line in text.splitlines()
                     if not line.lstrip().startswith("#"))
    protos = {}
    for m in re.finditer(r"VC_API\s+([^;]*?)\b(vc_\w+)\s*\(([^)]*)\)\s*;", text, re.S):
        params = []
        for p in m.group(3).split(","):
            tokens = p.replace("*", " * ").split()
            if len(tokens) > 1 and re.fullmatch(r"\w+", tokens[-1]):
                tokens.pop()  # the parameter's name
            params.append(_normal(tokens))
        protos[m.group(2)] = (_normal(m.group(1).replace("*", " * ").split()),
                              [] if params == ["void"] else params)
    return protos


def _normal(tokens):
    return " ".join(t for t in tokens if t != "const")


def ctype_of(c):
    """The ctypes type the binding must declare for a C type."""
    if c in SCALARS:
        return SCALARS[c]
    if c in HANDLES:
        raise AssertionError(f"opaque {c} by value")
    base, star = c.rsplit(" ", 1)
    assert star == "*", c
    if base in HANDLES:
        return HANDLES[base]
    return ctypes.POINTER(ctype_of(base))


class TestDeclarations(unittest.TestCase):
    def test_header_parsed(self):
        protos = header_prototypes()
        self.assertGreater(len(protos), 100)
        self.assertEqual(protos["vc_version"], ("unsigned", []))
        self.assertEqual(protos["vc_dataset_add_user"][1],
                         ["vc_dataset *", "char *", "char * *", "char * *", "size_t"])

    def test_every_function_declared_with_header_signature(self):
        protos = header_prototypes()
        missing = sorted(set(protos) - set(_native.PROTOTYPES))
        self.assertEqual(missing, [], "vc_ functions without a declaration")
        extra = sorted(set(_native.PROTOTYPES) - set(protos))
        self.assertEqual(extra, [], "declarations of functions not in vcomm.h")
        for name, (ret, params) in protos.items():
            with self.subTest(name):
                restype, argtypes = _native.PROTOTYPES[name]
                self.assertIs(restype, ctype_of(ret), f"{name} result ({ret})")
                self.assertEqual(len(argtypes), len(params), f"{name} parameter count")
                for i, (got, want) in enumerate(zip(argtypes, params)):
                    self.assertIs(got, ctype_of(want), f"{name} parameter {i} ({want})")

    def test_loaded_functions_carry_the_declarations(self):
        for name, (restype, argtypes) in _native.PROTOTYPES.items():
            with self.subTest(name):
                fn = getattr(_native.lib, name)
                self.assertEqual(fn.argtypes, argtypes)
                if restype is _native.STATUS:
                    self.assertIs(fn.restype, ctypes.c_int)
                    self.assertIsNotNone(fn.errcheck)
                else:
                    self.assertIs(fn.restype, restype)

    def test_handles_are_typed(self):
        ds, pt, _ = __import__("support").pipeline()
        with self.assertRaises(ctypes.ArgumentError):
            _native.lib.vc_portraits_user_count(ds._h)  # a data set is no portraits
        self.assertEqual(_native.lib.vc_portraits_user_count(pt._h), ds.user_count)


class TestEveryFunctionUsed(unittest.TestCase):
    def test_every_declaration_is_wrapped(self):
        """Each declared function is called by some module of the package
        (vc_set_allocator aside: swapping allocators under a live
        interpreter is unsafe, so it is declared only)."""
        pkg = os.path.dirname(vcomm.__file__)
        source = ""
        for name in os.listdir(pkg):
            if name.endswith(".py") and name != "_native.py":
                with open(os.path.join(pkg, name), encoding="utf-8") as f:
                    source += f.read()
        unused = [n for n in _native.PROTOTYPES
                  if n != "vc_set_allocator" and not re.search(rf"\b{n}\b", source)]
        self.assertEqual(unused, [])


class TestLibraryLookup(unittest.TestCase):
    def run_python(self, code, **env):
        import subprocess
        import sys
        import tempfile
        full = {k: v for k, v in os.environ.items() if k != "VCOMM_LIBRARY"}
        full.update(env, PYTHONPATH=os.path.join(ROOT, "examples", "python"))
        with tempfile.TemporaryDirectory() as cwd:
            return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=full,
                                  capture_output=True, text=True, timeout=120)

    def test_finds_the_build_directory(self):
        r = self.run_python("import vcomm; print(vcomm.library_path)")
        self.assertEqual(r.returncode, 0, r.stderr)
        path = r.stdout.strip()
        self.assertTrue(path.startswith(ROOT), path)
        self.assertRegex(os.path.relpath(path, ROOT), r"^build[^/]*/lib/libvcomm\.so")

    def test_missing_library_is_an_import_error(self):
        r = self.run_python("import vcomm", VCOMM_LIBRARY="/nonexistent/libvcomm.so")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ImportError", r.stderr)
        self.assertIn("VCOMM_LIBRARY", r.stderr)
        self.assertIn("/nonexistent/libvcomm.so", r.stderr)


class TestVersion(unittest.TestCase):
    def test_version(self):
        major, minor, patch = vcomm.version()
        self.assertEqual(major, _native.API_MAJOR)
        self.assertEqual(vcomm.__version__, f"{major}.{minor}.{patch}")
        text = read_header()
        want = re.search(r'#define VC_VERSION_STRING "([^"]+)"', text).group(1)
        self.assertEqual(vcomm.__version__, want)
        self.assertTrue(os.path.exists(vcomm.library_path))

    def test_library_from_environment(self):
        lib = os.environ.get("VCOMM_LIBRARY")
        if lib:
            self.assertEqual(vcomm.library_path, lib)


class TestErrors(unittest.TestCase):
    def test_one_class_per_status(self):
        text = read_header()
        codes = dict((name, int(v)) for name, v in
                     re.findall(r"\b(VC_ERR_\w+)\s*=\s*(-\d+)", text))
        self.assertEqual(len(codes), 13)
        for name, code in codes.items():
            with self.subTest(name):
                cls = errors.BY_STATUS[code]
                self.assertTrue(issubclass(cls, vcomm.Error))
                self.assertIs(getattr(vcomm, cls.__name__), cls)
                e = errors.from_status(code, "the message", "vc_x")
                self.assertIsInstance(e, cls)
                self.assertEqual((str(e), e.status, e.function), ("the message", code, "vc_x"))
                self.assertEqual(e.status_name, vcomm.status_str(code))

    def test_unknown_status_is_a_plain_error(self):
        e = errors.from_status(-99, "")
        self.assertIs(type(e), vcomm.Error)
        self.assertTrue(str(e))  # falls back to vc_status_str

    def test_builtin_bases(self):
        self.assertTrue(issubclass(vcomm.NoMemoryError, MemoryError))
        self.assertTrue(issubclass(vcomm.IoError, OSError))
        self.assertTrue(issubclass(vcomm.ParseError, ValueError))
        self.assertTrue(issubclass(vcomm.NotFoundError, LookupError))
        self.assertTrue(issubclass(vcomm.UnsupportedError, NotImplementedError))

    def test_status_strings(self):
        self.assertEqual(vcomm.status_str(0), vcomm.status_str(0))
        self.assertIn("memory", vcomm.status_str(-2))
        self.assertTrue(vcomm.status_str(-1000))  # never NULL

    def test_set_allocator_rejects_partial_hooks(self):
        malloc = _native.MALLOC_FN(lambda size, ud: None)
        with self.assertRaises(vcomm.InvalidError) as cm:
            _native.lib.vc_set_allocator(malloc, _native.REALLOC_FN(), _native.FREE_FN(),
                                         None)
        self.assertTrue(cm.exception.message)
        self.assertEqual(cm.exception.function, "vc_set_allocator")

    def test_last_error_is_cleared_by_success(self):
        with self.assertRaises(vcomm.OptionError):
            vcomm.Options(**{"no.such.option": 1})
        self.assertNotEqual(_native.lib.vc_last_error(), b"")
        vcomm.Options(seed=1).close()
        self.assertEqual(_native.lib.vc_last_error(), b"")


if __name__ == "__main__":
    unittest.main()
