#!/usr/bin/env python3
"""test_cli.py - the vcomm tool honours ../shared/CLI.md: every subcommand
has --help with an example, flags are checked (exit 1 on misuse), --set
reaches the options registry, and `vcomm options --json` is the registry."""
import json
import subprocess
import sys

TOOL = sys.argv[1]
COMMANDS = ["demo", "stats", "synth", "portrait", "communities", "recommend",
            "target", "eval", "kmeans", "build", "update", "report", "options"]
failures = []


def run(*args):
    return subprocess.run([TOOL, *args], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


top = run("--help")
check(top.returncode == 0, "vcomm --help exits 0")
for c in COMMANDS:
    check(c in top.stdout, f"top-level help lists {c}")
    h = run(c, "--help")
    check(h.returncode == 0, f"{c} --help exits 0")
    check("vcomm " + c in h.stdout, f"{c} --help shows usage")
    check("xample" in h.stdout, f"{c} --help shows an example")
    check("--set" in h.stdout, f"{c} --help lists --set")
    bad = run(c, "--no-such-flag")
    check(bad.returncode == 1, f"{c} unknown flag exits 1 (got {bad.returncode})")
    check("no-such-flag" in bad.stderr, f"{c} unknown flag is named on stderr")

r = run("nosuchcommand")
check(r.returncode == 1, "unknown command exits 1")
r = run()
check(r.returncode == 1, "no command exits 1")

r = run("options", "--set", "kmeans.kk=3")
check(r.returncode == 1, "bad --set name exits 1")
check("kmeans.k" in r.stderr, "bad --set name suggests kmeans.k")
r = run("options", "--set", "kmeans.k=0")
check(r.returncode == 1, "--set out of range exits 1")
r = run("options", "--set", "threads")
check(r.returncode == 1, "--set without '=' exits 1")

r = run("options", "--json")
check(r.returncode == 0, "options --json exits 0")
try:
    doc = json.loads(r.stdout)
    names = [o["name"] for o in doc]
    check(len(names) == len(set(names)), "option names are unique")
    for want in ["threads", "seed", "kmeans.k", "load.format"]:
        check(want in names, f"options lists {want}")
    for o in doc:
        check(set(o) >= {"name", "type", "default", "doc"},
              f"option {o.get('name')} has name/type/default/doc")
        if o["type"] == "int":
            check(isinstance(o["default"], int), f"{o['name']} default is an int")
    k = next(o for o in doc if o["name"] == "kmeans.k")
    check(k["default"] == 8, "kmeans.k default is 8")
except (ValueError, StopIteration, KeyError) as e:
    check(False, f"options --json is valid JSON of the registry ({e})")

r = run("options")
check(r.returncode == 0 and "kmeans.max_iter" in r.stdout, "options table")
r = run("options", "--set=kmeans.k=12", "--json")
check(r.returncode == 0, "--flag=value form is accepted")
if r.returncode == 0:
    check(next(o for o in json.loads(r.stdout) if o["name"] == "kmeans.k")
          .get("value", 12) == 12, "options shows the --set value")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
