#!/usr/bin/env python3
"""demo.py - a tour of vcomm from Python, like `vcomm demo`: data set
stats, communities with personas, three users' portrait tags, communities
and recommendations with reasons, a coupon campaign's target list, and the
held-out evaluation against the baselines.

    PYTHONPATH=examples/python python3 examples/python/demo.py
    PYTHONPATH=examples/python python3 examples/python/demo.py --data ../shared/data/ml-100k
"""
import argparse
import sys

import vcomm


def section(title):
    print(f"\n== {title} ==")


def show_communities(cm):
    section("communities (global segments, then the two largest topics)")
    topics = []
    for c in cm.communities():
        if c["topic"] and c["topic"] not in topics:
            topics.append(c["topic"])
        if len(topics) > 2:
            break
        print(f"  {c['name']:<20.20} {c['persona']}")


def show_user(cm, uid):
    ds, pt = cm.dataset, cm.portraits
    print(f"\nuser {uid}  tags: " + ", ".join(t for t, _ in pt.tags(uid)))
    print("  communities: " + ", ".join(f"{name} ({s:.2f})"
                                        for _, name, s in cm.of_user(uid)[:4]))
    for rank, (item, _score, reason) in enumerate(cm.recommend(uid, n=5), 1):
        title = ds.item(item)["title"] or item
        print(f"  {rank}. {title:<40.40} {reason}")


def show_target(cm):
    topic = next((c["topic"] for c in cm.communities() if c["topic"]), None)
    if topic is None:
        return
    section("a coupon campaign")
    print(f"the 5 users most likely to respond to '{topic}':")
    for uid, _score, reason in cm.target(category=topic, n=5):
        print(f"  user {uid:<10} {reason}")


def show_eval(ds, options):
    section("does it pay off? (held-out evaluation, eval.split)")
    ev = vcomm.evaluate(ds, **options)
    print(f"  {'method':<12} {'ndcg@' + str(ev['k']):>9} {'prec@' + str(ev['k']):>9} "
          f"{'recall':>9} {'query_us':>9}")
    for name, m in ev["methods"].items():
        print(f"  {name:<12} {m['ndcg']:9.4f} {m['precision']:9.4f} {m['recall']:9.4f} "
              f"{m['query_us']:9.1f}")
    print(f"  targeting lift over random users: {ev['target_lift']:.1f}x")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="a data directory (default: built-in synthetic data)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="set a library option (repeatable; vcomm.options() lists them)")
    args = ap.parse_args(argv)
    options = dict(pair.split("=", 1) for pair in args.set if "=" in pair)
    bad = [pair for pair in args.set if "=" not in pair]
    if bad:
        ap.error(f"--set {bad[0]}: expected NAME=VALUE")

    def progress(stage, fraction):
        if sys.stderr.isatty():
            print(f"\r{stage:<12} {100 * fraction:5.1f}%", end="", file=sys.stderr)

    try:
        with vcomm.Options(options, progress=progress) as opts:
            ds = (vcomm.Dataset.load(args.data, options=opts) if args.data
                  else vcomm.Dataset.synthesize(options=opts))
            with ds, vcomm.Portraits.build(ds, options=opts) as pt, \
                    vcomm.Communities.run(pt, options=opts) as cm:
                if sys.stderr.isatty():
                    print("\r" + " " * 20 + "\r", end="", file=sys.stderr)
                print(f"vcomm {vcomm.__version__} demo (Python) on "
                      f"{args.data or 'built-in synthetic data'}")
                section("data")
                s = ds.stats()
                print(f"{s['format']}: {s['users']} users, {s['items']} items, "
                      f"{s['events']} events, {len(s['categories'])} categories")
                show_communities(cm)
                section("three users: portrait tags, communities, recommendations")
                n = ds.user_count
                for i in range(min(3, n)):
                    show_user(cm, ds.user_id(i * n // 3))
                show_target(cm)
                show_eval(ds, options)
    except vcomm.Error as e:
        print(f"demo.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
