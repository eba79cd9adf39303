#!/usr/bin/env python3
"""Converts each stable-matching instance (*.json, the schema described in
SOURCES.md) into NAME.txt, which tests/test_batch.c reads without a JSON
parser.  Run from this folder: python3 json2txt.py.  One record a line,
fields separated by tabs, names as in the JSON:

  a      NAME  PREF1 PREF2 ...     a-side agent, its list best first
  b      NAME  CAPACITY PREF1 ...  b-side agent
  aopt   A     B                   published a-optimal matching (B empty:
  bopt   A     B                   unmatched); b-optimal likewise
  given  A     B                   a matching to check (when given)
  blocking COUNT                   its published number of blocking pairs
  stable COUNT                     the number of stable matchings
"""
import glob
import json


def convert(path):
    d = json.load(open(path, encoding="utf-8"))
    a_names = list(d["a_prefs"])
    b_names = list(d.get("b_capacity", {}))
    for b in d["b_prefs"]:
        if b not in b_names:
            b_names.append(b)
    for prefs in d["a_prefs"].values():
        for b in prefs:
            if b not in b_names:
                b_names.append(b)
    for prefs in d["b_prefs"].values():
        for a in prefs:
            if a not in a_names:
                a_names.append(a)
    out = []
    for a in a_names:
        out.append("\t".join(["a", a] + [str(x) for x in d["a_prefs"].get(a, [])]))
    for b in b_names:
        cap = d.get("b_capacity", {}).get(b, 1)
        out.append("\t".join(["b", b, str(cap)] +
                             [str(x) for x in d["b_prefs"].get(b, [])]))
    exp = d["expected"]
    for key, tag in (("a_optimal", "aopt"), ("b_optimal", "bopt")):
        for a, b in exp[key].items():
            out.append("\t".join([tag, a, "" if b is None else str(b)]))
    for a, b in d.get("given_matching", {}).items():
        out.append("\t".join(["given", a, "" if b is None else str(b)]))
    if "blocking_pairs_of_given_matching" in exp:
        out.append("blocking\t%d" % len(exp["blocking_pairs_of_given_matching"]))
    if "stable_count" in exp:
        out.append("stable\t%d" % exp["stable_count"])
    name = path[:-len(".json")] + ".txt"
    with open(name, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


for p in sorted(glob.glob("*.json")):
    convert(p)
