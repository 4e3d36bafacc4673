#!/usr/bin/env python3
"""make_corpus.py - writes the seed corpora of the fuzz targets into
corpus/<target>/: small excerpts of the real data sets in ../shared/data (a
few users, their ratings and the movies those name), hand-written files for
formats without a shared copy, every case of the bad-input catalogue
(tests/data/bad) packed into the target's input layout, option lines from
the registry (lib/core/options_table.h), and model files written by the
vcomm tool from the ML-1M excerpt.

Input layouts (tests/fuzz/fuzzutil.h): loaders take a flag byte, then the
files separated by "@@@\\n" (merchant: the load.columns text first); the
model target takes a mode byte, then the file.

Usage: make_corpus.py [--vcomm PATH/TO/vcomm]   (without it, model seeds
are kept as they are). Seeds found later by fuzzing (crash-* regressions,
named after the bug) live beside these and are not touched: only files
named seed-* are rewritten. Every file stays a few KB."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("VCOMM_SHARED_DATA",
                        os.path.join(ROOT, "..", "shared", "data"))
BAD = os.path.join(ROOT, "tests", "data", "bad")
SEP = b"@@@\n"
DEEP = 8   # flag bit: portraits + communities + queries
SKIP = 1   # flag bit: load.on_error=skip


def head_lines(path, pred, limit):
    out = []
    with open(path, "rb") as f:
        for line in f:
            if pred(line):
                out.append(line)
                if len(out) >= limit:
                    break
    return out


def ml1m_excerpt(nusers=8, per=12):
    d1m = os.path.join(SHARED, "ml-1m-part")
    users = [l for l in head_lines(os.path.join(d1m, "users.dat"), lambda l: True, nusers)]
    ids = {l.split(b"::")[0] for l in users}
    per_user = {}
    ratings = []
    with open(os.path.join(d1m, "ratings.dat"), "rb") as f:
        for line in f:
            u = line.split(b"::")[0]
            if u in ids and per_user.get(u, 0) < per:
                per_user[u] = per_user.get(u, 0) + 1
                ratings.append(line)
            if len(per_user) == len(ids) and all(v >= per for v in per_user.values()):
                break
    movies_wanted = {l.split(b"::")[1] for l in ratings}
    movies = head_lines(os.path.join(d1m, "movies.dat"),
                        lambda l: l.split(b"::")[0] in movies_wanted, 10**6)
    return {"users.dat": b"".join(users), "movies.dat": b"".join(movies),
            "ratings.dat": b"".join(ratings)}


def ml100k_excerpt():
    d = os.path.join(SHARED, "ml-100k")
    users = head_lines(os.path.join(d, "u.user"), lambda l: True, 8)
    ids = {l.split(b"|")[0] for l in users}
    data = head_lines(os.path.join(d, "u.data"),
                      lambda l: l.split(b"\t")[0] in ids, 80)
    items = {l.split(b"\t")[1] for l in data}
    item = head_lines(os.path.join(d, "u.item"),
                      lambda l: l.split(b"|")[0] in items, 10**6)
    with open(os.path.join(d, "u.genre"), "rb") as f:
        genre = f.read()
    return {"u.data": b"".join(data), "u.user": b"".join(users),
            "u.item": b"".join(item), "u.genre": genre}


def retail_excerpt():
    path = os.path.join(SHARED, "retail", "online-retail", "online_retail.csv")
    lines = head_lines(path, lambda l: True, 40)
    # a cancellation and a row without a customer, as the real file has
    with open(path, "rb") as f:
        extra = []
        for line in f:
            if line.startswith(b"C") and not any(e.startswith(b"C") for e in extra):
                extra.append(line)
            elif b",," in line[-20:] and not any(b",," in e[-20:] for e in extra):
                extra.append(line)
            if len(extra) == 2:
                break
    return b"".join(lines + extra)


LATEST = {
    "ratings.csv": b"userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n"
                   b"1,6,4.5,964982224\n2,1,2.5,1445714835\n2,6,3.0,1445715276\n"
                   b"3,3,0.5,1306463578\n3,6,5.0,1306464000\n4,1,3.5,1100000000\n",
    "movies.csv": b"movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children\n"
                  b"3,\"American President, The (1995)\",Comedy|Drama|Romance\n"
                  b"6,Heat (1995),Action|Crime|Thriller\n"
                  b"7,\"Mis\xc3\xa9rables, Les \"\"2\"\" (1995)\",(no genres listed)\n",
    "tags.csv": b"userId,movieId,tag,timestamp\n2,6,heist,1445715207\n3,1,\"pixar, fun\",1306463600\n",
}

MERCHANT_ITEMS = (b"item,title,category,price\np1,Mug,Kitchen|Gifts,4.5\n"
                  b"p2,\"Lamp, small\",Home,12\np3,Card,,0.99\n")
MERCHANT_USERS = b"user,gender,age,city\nc1,F,25-34,Leeds\nc2,M,,York\nc3,F,45-49,\n"
MERCHANT_EVENTS = (b"user,item,event,quantity,price,time,country\n"
                   b"c1,p1,purchase,2,4.5,2011-01-02 10:00:00,UK\n"
                   b"c2,p1,view,1,,1/2/2011 9:00 AM,FR\n"
                   b"c2,p2,cart,1,,2011-01-03T08:26:00+01:00,FR\n"
                   b"c3,p3,buy,-1,0.99,1294000000,UK\n"
                   b"c1,p2,rate,,,2011-01-04,UK\n")


def pack(flags, parts):
    return bytes([flags]) + SEP.join(parts)


def files_of(names, d):
    return [d.get(n, b"") for n in names]


def write(target, name, data):
    out = os.path.join(HERE, "corpus", target)
    os.makedirs(out, exist_ok=True)
    assert len(data) < (32768 if target == "model" else 16384), (target, name, len(data))
    with open(os.path.join(out, "seed-" + name), "wb") as f:
        f.write(data)


def clear_seeds(target):
    out = os.path.join(HERE, "corpus", target)
    if os.path.isdir(out):
        for n in os.listdir(out):
            if n.startswith("seed-"):
                os.remove(os.path.join(out, n))


def bad_cases():
    """(name, options dict, files dict) of the bad-input catalogue."""
    with open(os.path.join(BAD, "cases.txt")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, _status, _msg, opts = line.rstrip("\n").split("|", 3)
            d = os.path.join(BAD, name)
            files = {}
            for fn in os.listdir(d):
                with open(os.path.join(d, fn), "rb") as fh:
                    files[fn] = fh.read()
            options = dict(kv.split("=", 1) for kv in opts.split(";") if kv)
            yield name, options, files


LOADERS = {
    "ml1m": ["users.dat", "movies.dat", "ratings.dat", "truth.csv"],
    "ml100k": ["u.data", "u.user", "u.item", "u.genre"],
    "latest": ["ratings.csv", "movies.csv", "tags.csv"],
    "merchant": ["events.csv", "items.csv", "users.csv"],
}
PREFIX = {"ml1m": "ml1m_", "ml100k": "ml100k_", "latest": "latest_",
          "merchant": "merchant_"}


def loader_seeds():
    m1 = ml1m_excerpt()
    names = LOADERS["ml1m"]
    write("ml1m", "excerpt", pack(0, files_of(names, m1)))
    write("ml1m", "excerpt-deep", pack(DEEP, files_of(names, m1)))
    truth = b"user,community\n" + b"".join(
        l.split(b"::")[0] + b"," + bytes([48 + i % 2]) + b"\n"
        for i, l in enumerate(m1["users.dat"].splitlines(True)))
    write("ml1m", "excerpt-truth", pack(DEEP | 2, files_of(names, dict(m1, **{"truth.csv": truth}))))
    k = ml100k_excerpt()
    names = LOADERS["ml100k"]
    write("ml100k", "excerpt", pack(0, files_of(names, k)))
    write("ml100k", "excerpt-deep", pack(DEEP, files_of(names, k)))
    names = LOADERS["latest"]
    write("latest", "handmade", pack(0, files_of(names, LATEST)))
    write("latest", "handmade-deep", pack(DEEP, files_of(names, LATEST)))
    write("latest", "ratings-only", pack(4, [LATEST["ratings.csv"]]))
    retail = retail_excerpt()
    mapping = (b"user=CustomerID,item=StockCode,time=InvoiceDate,quantity=Quantity,"
               b"price=UnitPrice,title=Description")
    write("merchant", "retail-mapped", pack(0, [mapping, retail]))
    write("merchant", "retail-synonyms-deep", pack(DEEP, [b"", retail]))
    write("merchant", "retail-keep-cancel", pack(16, [mapping + b",invoice=InvoiceNo", retail]))
    write("merchant", "handmade-deep",
          pack(DEEP, [b"", MERCHANT_EVENTS, MERCHANT_ITEMS, MERCHANT_USERS]))
    write("merchant", "handmade-attr",
          pack(1, [b"event=,attr.land=country,value=quantity", MERCHANT_EVENTS,
                   MERCHANT_ITEMS]))
    for name, options, files in bad_cases():
        for target, prefix in PREFIX.items():
            if not name.startswith(prefix):
                continue
            flags = SKIP if options.get("load.on_error") == "skip" else 0
            parts = files_of(LOADERS[target], files)
            if target == "merchant":
                parts = [options.get("load.columns", "").encode()] + parts
            write(target, "bad-" + name, pack(flags, parts))
            write(target, "bad-skip-" + name, pack(flags | SKIP, parts))


def option_seeds():
    table = open(os.path.join(ROOT, "lib", "core", "options_table.h")).read()
    opts = re.findall(r'VCI_OPTION\(\w+, "([^"]+)", (\w+), "([^"]*)", ([^,]+), ([^,]+),',
                      table)
    assert len(opts) > 20
    write("options", "defaults", "".join("%s=%s\n" % (n, d) for n, _t, d, _a, _b in opts).encode())
    edges = []
    for n, t, d, lo, hi in opts:
        if t in ("INT", "FLOAT"):
            edges.append("%s=%s\n%s=%s\n" % (n, lo.strip(), n, hi.strip()))
    write("options", "ranges", "".join(edges).encode())
    write("options", "typed", b"threads=4\nkmeans.tol=1e-3\nload.keep_cancellations=yes\n"
          b"load.format=ml-1m\nseed=9007199254740991\nportrait.half_life_days=0.5\n"
          b"eval.split=last:3\nrecommend.category=Drama\n")
    write("options", "bad", b"threads=-1\nkmeans.k=0x10\nkmeans.tol=nan\nload.format=csv\n"
          b"nope=1\n=3\nseed\nportrait.shrinkage=1e400\nkmeans.k= 5\n"
          b"load.keep_cancellations=maybe\nthreads=99999999999999999999\n")


def model_seeds(vcomm):
    m1 = ml1m_excerpt(6, 4)
    with tempfile.TemporaryDirectory() as d:
        for n, v in m1.items():
            with open(os.path.join(d, n), "wb") as f:
                f.write(v)
        model = os.path.join(d, "m.vcm")
        subprocess.check_call([vcomm, "build", "--data", d, "--out", model,
                               "--set", "community.k=2", "--set", "community.topic_k=2",
                               "--set", "community.min_members=3",
                               "--set", "community.max_topics=2", "--set", "threads=1"],
                              stdout=subprocess.DEVNULL)
        data = open(model, "rb").read()
    write("model", "ml1m-excerpt-fixed", b"\x01" + data)
    write("model", "ml1m-excerpt-raw", b"\x00" + data)
    write("model", "truncated", b"\x00" + data[:len(data) // 2])
    write("model", "header-only", b"\x01" + data[:64])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vcomm", help="the vcomm tool, to write model seeds")
    a = ap.parse_args()
    for t in list(LOADERS) + ["options"] + (["model"] if a.vcomm else []):
        clear_seeds(t)
    loader_seeds()
    option_seeds()
    if a.vcomm:
        model_seeds(a.vcomm)
    for t in sorted(os.listdir(os.path.join(HERE, "corpus"))):
        d = os.path.join(HERE, "corpus", t)
        sizes = [os.path.getsize(os.path.join(d, n)) for n in os.listdir(d)]
        print("%-9s %3d files, %6d bytes" % (t, len(sizes), sum(sizes)))


if __name__ == "__main__":
    sys.exit(main())
