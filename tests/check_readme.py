#!/usr/bin/env python3
"""check_readme.py - README.md opens with the two newcomer commands, and the
second one (the test command) is exactly the one .ci/run executes."""
import re
import sys

root = sys.argv[1]
readme = open(f"{root}/README.md", encoding="utf-8").read()
ci = open(f"{root}/.ci/run", encoding="utf-8").read().splitlines()
blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
ok = True
if len(blocks) < 2 or "vcomm demo" not in blocks[0]:
    print("README.md must open with the build-and-demo command block")
    ok = False
elif blocks[1].strip() not in [line.strip() for line in ci]:
    print("the README test command is not the one .ci/run runs:")
    print("  README:", blocks[1].strip())
    ok = False
sys.exit(0 if ok else 1)
