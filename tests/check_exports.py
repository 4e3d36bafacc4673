#!/usr/bin/env python3
"""check_exports.py LIB MAP HEADER - the shared library exports exactly the
symbols listed in the version script, every one of them is declared VC_API
in the public header, and nothing outside vc_* leaks."""
import re
import subprocess
import sys

lib, mapfile, header = sys.argv[1:4]
out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                     capture_output=True, text=True).stdout
exported = {line.split()[-1].split("@")[0] for line in out.splitlines()
            if line.strip() and line.split()[1] in "TDBRVWtdbr"}
exported.discard("VCOMM_1.0")
exported = {s for s in exported if not s.startswith("VCOMM_")}
text = re.sub(r"/\*.*?\*/", "", open(mapfile).read(), flags=re.S)
listed = set(re.findall(r"^\s*(vc_\w+);", text, flags=re.M))
declared = set(re.findall(r"VC_API[^;(]*?\b(vc_\w+)\s*\(",
                          open(header).read(), flags=re.S))
problems = []
leaked = sorted(s for s in exported if not s.startswith("vc_"))
if leaked:
    problems.append("exported outside vc_*: " + ", ".join(leaked))
if exported - listed:
    problems.append("exported but not in the map: " + ", ".join(sorted(exported - listed)))
if listed - exported:
    problems.append("in the map but not exported: " + ", ".join(sorted(listed - exported)))
if listed - declared:
    problems.append("in the map but not declared VC_API in vcomm.h: "
                    + ", ".join(sorted(listed - declared)))
if declared - listed:
    problems.append("declared VC_API but not in the map: "
                    + ", ".join(sorted(declared - listed)))
soname = subprocess.run(["objdump", "-p", lib], check=True, capture_output=True,
                        text=True).stdout
m = re.search(r"SONAME\s+(\S+)", soname)
if not m or m.group(1) != "libvcomm.so.1":
    problems.append("SONAME is %s, expected libvcomm.so.1" % (m.group(1) if m else "missing"))
for p in problems:
    print(p)
print("%d symbols exported, all vc_*, map and header agree" % len(exported)
      if not problems else "export check failed")
sys.exit(1 if problems else 0)
