#!/usr/bin/env python3
"""test_report.py - `vcomm report` on small synthetic data written by
`vcomm synth` (with a category and a title holding XML specials and a
Latin-1 byte): the page is well-formed XML as a whole and in each <svg>,
self-contained (no script, no external reference), has every section and
figure, agrees with `vcomm communities --json`, is deterministic, works
from a model file, and fails cleanly (exit codes, no half-written file)."""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

TOOL = sys.argv[1]
NS = {"h": "http://www.w3.org/1999/xhtml", "s": "http://www.w3.org/2000/svg"}
failures = []


def run(*args):
    return subprocess.run([TOOL, *args], capture_output=True, timeout=600,
                          stdin=subprocess.DEVNULL)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def all_text(el):
    return "".join(el.itertext())


tmp = tempfile.mkdtemp(prefix="vcomm-report-")
data = os.path.join(tmp, "data")
r = run("synth", "--out", data, "--users", "500", "--items", "300",
        "--events-per-user", "30", "--communities", "4", "--seed", "5")
check(r.returncode == 0, f"synth exits 0 ({r.stderr!r})")

# XML specials and a byte that is not UTF-8 (Latin-1 e-acute) in a
# category and in a title: the page must stay well-formed UTF-8.
SPECIAL = b"Kids & <Teens> \"Cin\xe9\""
movies = os.path.join(data, "movies.dat")
raw = open(movies, "rb").read()
first_genre = raw.split(b"\n")[0].split(b"::")[2].split(b"|")[0]
raw = raw.replace(first_genre, SPECIAL)
open(movies, "wb").write(raw)
special_text = SPECIAL.decode("latin-1")

out = os.path.join(tmp, "report.html")
r = run("report", "--data", data, "--out", out, "--json")
check(r.returncode == 0, f"report exits 0 ({r.stderr!r})")
try:
    doc = json.loads(r.stdout)
    check(set(doc) >= {"out", "bytes", "users", "segments", "points_shown", "eval"},
          "report --json keys")
    check(doc["users"] == 500 and doc["eval"] is True, "report --json values")
    check(doc["bytes"] == os.path.getsize(out), "report --json bytes is the file size")
except ValueError as e:
    check(False, f"report --json is JSON ({e})")

page_bytes = open(out, "rb").read()
try:
    page_bytes.decode("utf-8")
except UnicodeDecodeError as e:
    check(False, f"the page is UTF-8 ({e})")
page = page_bytes.decode("utf-8", "replace")

# Each <svg> block on its own, then the whole page.
start = 0
svgs = 0
while (i := page.find("<svg", start)) >= 0:
    j = page.index("</svg>", i) + len("</svg>")
    try:
        ET.fromstring(page[i:j])
        svgs += 1
    except ET.ParseError as e:
        check(False, f"svg block {svgs + 1} is well-formed XML ({e})")
    start = j
check(svgs == 4, f"four figures (map, sizes, heatmap, evaluation), got {svgs}")
try:
    root = ET.fromstring(page_bytes)
except ET.ParseError as e:
    check(False, f"the whole page is well-formed XML ({e})")
    root = None

# Self-contained: no scripts, no links, nothing fetched.
low = page.lower()
check("<script" not in low, "no <script>")
check("<link" not in low and "<img" not in low and "<iframe" not in low,
      "no <link>, <img> or <iframe>")
check("src=" not in low and "href=" not in low and "url(" not in low and "@import" not in low,
      "no src=, href=, url() or @import")
stripped = page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
    'xmlns="http://www.w3.org/1999/xhtml"', "")
check("http:" not in stripped and "https:" not in stripped, "no http(s) address")

comms = json.loads(run("communities", "--data", data, "--json").stdout)["communities"]
segments = [c for c in comms if c["topic"] is None]
if root is not None:
    heads = [all_text(h) for h in root.iter(f"{{{NS['h']}}}h2")]
    for want in ["Community map", "Segment sizes", "What each segment prefers",
                 "Personas", "Does it pay off?"]:
        check(want in heads, f"section '{want}'")
    svg_el = list(root.iter(f"{{{NS['s']}}}svg"))
    texts = ["".join(t.itertext()) for s in svg_el for t in s.iter(f"{{{NS['s']}}}text")]
    # the map's legend names every segment with its size
    for c in segments:
        check(any(t.startswith(c["name"] + " ") and f"{c['size']:,} users" in t for t in texts),
              f"map legend has {c['name']} with {c['size']} users")
    dots = len(list(svg_el[0].iter(f"{{{NS['s']}}}circle")))
    check(dots <= 500 + len(segments) * 2, f"map draws at most every user ({dots})")
    check(dots >= 450, f"map draws the users ({dots})")
    cards = [d for d in root.iter(f"{{{NS['h']}}}div") if d.get("class") == "card"]
    check(len(cards) == len(segments), f"one persona card per segment ({len(cards)})")
    # the special category made it through escaping and re-encoding
    specials = [t for t in svg_el[2].iter() if special_text in "".join(t.itertext())]
    check(len(specials) >= 1, "the heatmap names the category with specials intact")
    bars = svg_el[3]
    for m in ["community", "popularity", "user-knn"]:
        check(any(m == "".join(t.itertext()) for t in bars.iter(f"{{{NS['s']}}}text")),
              f"evaluation chart has {m}")

# Deterministic: the same page again, byte for byte.
out2 = os.path.join(tmp, "again.html")
r = run("report", "--data", data, "--out", out2)
check(r.returncode == 0 and open(out2, "rb").read() == page_bytes,
      "the same input gives the same page")

# From a model file, without the evaluation.
model = os.path.join(tmp, "m.vcm")
r = run("build", "--data", data, "--out", model)
check(r.returncode == 0, f"build exits 0 ({r.stderr!r})")
out3 = os.path.join(tmp, "model.html")
r = run("report", "--model", model, "--out", out3, "--no-eval", "--max-points", "200")
check(r.returncode == 0, f"report --model exits 0 ({r.stderr!r})")
if r.returncode == 0:
    m = open(out3, "rb").read()
    try:
        mroot = ET.fromstring(m)
        msvg = list(mroot.iter(f"{{{NS['s']}}}svg"))
        check(len(msvg) == 3, "without evaluation: three figures")
        dots = len(list(msvg[0].iter(f"{{{NS['s']}}}circle")))
        # points, plus one centre and one legend swatch per segment
        check(dots <= 200 + 2 * len(segments), f"--max-points 200 caps the map ({dots})")
        check(b"skipped" in m, "the page says the evaluation was skipped")
    except ET.ParseError as e:
        check(False, f"report --model page is well-formed ({e})")

# Failures: usage (1), data (2, naming the path), nothing half-written.
r = run("report", "--data", data)
check(r.returncode == 1 and b"--out" in r.stderr, "report without --out exits 1")
r = run("report", "--data", data, "--out", out, "--max-points", "3")
check(r.returncode == 1, "--max-points out of range exits 1")
missing = os.path.join(tmp, "no-such-dir")
r = run("report", "--data", missing, "--out", os.path.join(tmp, "x.html"))
check(r.returncode == 2 and missing.encode() in r.stderr,
      f"missing data exits 2 naming it ({r.returncode}, {r.stderr!r})")
bad_out = os.path.join(tmp, "no-such-dir", "r.html")
r = run("report", "--data", data, "--out", bad_out, "--no-eval")
check(r.returncode == 2 and b"no-such-dir" in r.stderr, "unwritable --out exits 2 naming it")
leftovers = [f for f in os.listdir(tmp) if f.endswith(".tmp")]
check(not leftovers, f"no temporary files left ({leftovers})")

subprocess.run(["rm", "-rf", tmp])
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
