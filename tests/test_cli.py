#!/usr/bin/env python3
"""test_cli.py - the vcomm tool honours ../shared/CLI.md: every subcommand
has --help with usage and an example, flags are checked (exit 1 on misuse),
--set reaches the options registry, `vcomm options --json` is the registry,
every subcommand's --json has the contract's keys on small synthetic data,
--data and --model give byte-identical answers, data errors exit 2 naming
the file (and line), stderr stays quiet when it is not a terminal, and
Ctrl-C cancels (exit 130, "cancelled")."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

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
    check("Usage: vcomm " + c in h.stdout, f"{c} --help shows usage")
    check("Example:\n  vcomm " + c + (" " if c != "demo" else "") in h.stdout,
          f"{c} --help shows an example of it")
    check("--json" in h.stdout, f"{c} --help lists --json")
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


# ---- on data: JSON shapes, --data vs --model, errors ------------------------

def run_json(*args):
    r = run(*args, "--json")
    check(r.returncode == 0, f"{' '.join(args[:1])} --json exits 0 ({r.stderr.strip()})")
    check(r.stderr == "", f"{args[0]} is quiet on a non-terminal stderr ({r.stderr!r})")
    try:
        return json.loads(r.stdout)
    except ValueError as e:
        check(False, f"{args[0]} --json prints JSON ({e})")
        return {}


def has_keys(doc, keys, what):
    check(isinstance(doc, dict) and set(doc) >= set(keys),
          f"{what} has {sorted(keys)} (got {sorted(doc) if isinstance(doc, dict) else doc})")


tmp = tempfile.mkdtemp(prefix="vcomm-cli-")
data = os.path.join(tmp, "data")
doc = run_json("synth", "--out", data, "--users", "300", "--items", "200",
               "--events-per-user", "25", "--communities", "3", "--seed", "3")
has_keys(doc, ["out", "users", "items", "events", "communities"], "synth --json")
model = os.path.join(tmp, "m.vcm")
doc = run_json("build", "--data", data, "--out", model)
has_keys(doc, ["out", "users", "items", "events", "communities"], "build --json")

doc = run_json("stats", "--data", data)
has_keys(doc, ["users", "items", "events"], "stats --json")
check(doc.get("users") == 300, "stats counts the users")
doc = run_json("portrait", "--data", data, "--user", "1")
has_keys(doc, ["user", "fact", "model", "predictive", "tags"], "portrait --json")
check(doc.get("user") == "1", "portrait user is the external id as a string")
doc = run_json("communities", "--data", data)
has_keys(doc, ["communities"], "communities --json")
for c in doc.get("communities", [])[:3]:
    has_keys(c, ["id", "size", "persona", "tags"], "a community")
doc = run_json("recommend", "--data", data, "--user", "1", "-n", "3")
has_keys(doc, ["user", "items"], "recommend --json")
check(len(doc.get("items", [])) == 3, "recommend -n 3 gives 3 items")
for it in doc.get("items", []):
    has_keys(it, ["item", "score", "reason"], "a recommendation")
    check(isinstance(it.get("item"), str), "item ids are strings")
doc = run_json("target", "--data", data, "--category", "Drama", "-n", "5")
has_keys(doc, ["users"], "target --json")
for u in doc.get("users", []):
    has_keys(u, ["user", "score", "reason"], "a targeted user")
doc = run_json("eval", "--data", data)
has_keys(doc, ["methods"], "eval --json")
for m in ["community", "popularity", "user-knn"]:
    has_keys(doc.get("methods", {}).get(m, {}), ["precision", "recall", "ndcg", "coverage"],
             f"eval method {m}")
doc = run_json("demo", "--data", data)
has_keys(doc, ["data", "communities", "users", "eval"], "demo --json")
doc = run_json("report", "--data", data, "--out", os.path.join(tmp, "r.html"), "--no-eval")
has_keys(doc, ["out", "bytes", "users", "segments"], "report --json")

csv = os.path.join(tmp, "all.csv")
r = run("recommend", "--data", data, "--all", "-n", "2", "--out", csv)
check(r.returncode == 0, "recommend --all exits 0")
if r.returncode == 0:
    lines = open(csv).read().splitlines()
    check(lines[0].startswith("user,rank,item,score"), "recommend --all CSV header")
    check(len(lines) == 1 + 2 * 300, f"two rows per user ({len(lines) - 1})")
assign = os.path.join(tmp, "assign.csv")
r = run("communities", "--data", data, "--assignments", assign)
check(r.returncode == 0 and open(assign).readline().strip() == "user,community,strength",
      "communities --assignments writes user,community,strength")

# the same query on --data and on --model prints byte-identical output
# (stats apart from the memory the data set takes, which differs)
a, b = run_json("stats", "--data", data), run_json("stats", "--model", model)
a.pop("bytes", None)
b.pop("bytes", None)
check(a == b, "stats: --data and --model give the same counts")
for q in [["portrait", "--user", "7"], ["communities"],
          ["recommend", "--user", "7", "-n", "5"], ["target", "--category", "Drama", "-n", "5"]]:
    for fmt in [[], ["--json"]]:
        a = run(q[0], "--data", data, *q[1:], *fmt)
        b = run(q[0], "--model", model, *q[1:], *fmt)
        check(a.returncode == 0 and a.stdout == b.stdout,
              f"{' '.join(q + fmt)}: --data and --model print the same")

# update: new events in the data set's own format (ratings.dat lines)
# applied to a model; the drift report as JSON, and the new model serves
ratings = open(os.path.join(data, "ratings.dat"), encoding="latin-1").read().splitlines()
last = max(int(line.rsplit("::", 1)[1]) for line in ratings)
items = sorted({line.split("::")[1] for line in ratings})
new_events = os.path.join(tmp, "new.dat")
with open(new_events, "w", encoding="latin-1") as f:
    for k in range(60):
        f.write(f"{1 + k % 12}::{items[(7 * k) % len(items)]}::5::{last + 60 * (k + 1)}\n")
model2 = os.path.join(tmp, "m2.vcm")
events_before = run_json("stats", "--model", model).get("events")
doc = run_json("update", "--model", model, "--events", new_events, "--out", model2)
has_keys(doc, ["out", "users", "items", "events", "events_added", "users_updated",
               "movers", "communities"], "update --json")
check(doc.get("out") == model2, "update --json names the model written")
check(doc.get("events_added") == 60, f"update appends the 60 events ({doc.get('events_added')})")
check(isinstance(events_before, int) and doc.get("events") == events_before + 60,
      "update --json counts the events after the update")
check(doc.get("users") == 300 and doc.get("users_updated") == 12,
      f"update recomputes the 12 touched users ({doc.get('users_updated')})")
check(isinstance(doc.get("movers"), int), "update --json counts the movers")
for c in doc.get("communities", []):
    has_keys(c, ["id", "name", "before", "after", "change", "split_into"], "a changed community")
    check(set(c.get("change", [])) <= {"grew", "shrank", "split", "new"} and c.get("change"),
          f"a changed community says how ({c.get('change')})")
check(os.path.exists(model2), "update writes --out")
doc = run_json("recommend", "--model", model2, "--user", "1", "-n", "3")
check(len(doc.get("items", [])) == 3, "the updated model recommends")
doc = run_json("stats", "--model", model2)
check(doc.get("events") == events_before + 60, "the updated model holds the new events")
bad_events = os.path.join(tmp, "bad-events.dat")
open(bad_events, "w").write(f"1::{items[0]}::5::{last + 1}\n2::{items[1]}::x::{last + 2}\n")
model3 = os.path.join(tmp, "m3.vcm")
r = run("update", "--model", model, "--events", bad_events, "--out", model3)
check(r.returncode == 2 and "bad-events.dat:2:" in r.stderr,
      f"malformed events exit 2 naming file and line ({r.returncode}, {r.stderr.strip()!r})")
check(not os.path.exists(model3), "a failed update writes no model")

# errors: 2 with the library's message naming the file (and line)
r = run("portrait", "--data", data, "--user", "no-such-user")
check(r.returncode == 2 and "no-such-user" in r.stderr, "unknown user exits 2 naming it")
r = run("stats", "--data", os.path.join(tmp, "missing"))
check(r.returncode == 2 and "missing" in r.stderr, "missing data exits 2 naming it")
bad = os.path.join(tmp, "bad")
os.mkdir(bad)
for name in ["users.dat", "movies.dat", "ratings.dat"]:
    text = open(os.path.join(data, name), encoding="latin-1").read()
    if name == "ratings.dat":
        rows = text.splitlines()
        rows[2] = "1::2::x::3"
        text = "\n".join(rows) + "\n"
    open(os.path.join(bad, name), "w", encoding="latin-1").write(text)
r = run("stats", "--data", bad)
check(r.returncode == 2 and "ratings.dat:3:" in r.stderr,
      f"malformed line exits 2 naming file and line ({r.stderr.strip()})")
r = run("build", "--model", model, "--out", os.path.join(tmp, "x.vcm"))
check(r.returncode == 1, "a flag the command does not take exits 1")
r = run("stats", "--data", data, "--model", model)
check(r.returncode == 1, "--data with --model exits 1")
corrupt = os.path.join(tmp, "corrupt.vcm")
open(corrupt, "wb").write(b"not a model file at all" * 10)
r = run("stats", "--model", corrupt)
check(r.returncode == 2 and "corrupt.vcm" in r.stderr, "corrupt model exits 2 naming it")

# Ctrl-C: the running stage stops through the progress callback
p = subprocess.Popen([TOOL, "demo"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                     stdin=subprocess.DEVNULL, text=True)
time.sleep(1.0)
p.send_signal(signal.SIGINT)
_, err = p.communicate(timeout=120)
check(p.returncode == 130, f"Ctrl-C exits 130 (got {p.returncode})")
check("cancelled" in err, f"Ctrl-C says cancelled ({err.strip()!r})")

subprocess.run(["rm", "-rf", tmp])

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
