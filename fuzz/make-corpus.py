#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/ from the test suite's inputs.

fuzz_xml: tests/data/*.xml whole, and examples/data/huangshi-sample.xml cut
into small documents (a few records each).  fuzz_normalize: every string
literal of tests/test_normalize.c, behind the selector byte of the test it
comes from.  fuzz_record: short operation programs that build, store, get
and remove the records of tests/data/format-example.xml.

Run from the top of the source tree: python3 fuzz/make-corpus.py
"""
import hashlib
import os
import re

OUT = "fuzz/corpus"


def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<libmatch version="1">\n'
TAIL = "</libmatch>\n"


def xml_seeds():
    for name in sorted(os.listdir("tests/data")):
        if name.endswith(".xml"):
            with open(os.path.join("tests/data", name), "rb") as f:
                put("fuzz_xml", f.read())
    with open("examples/data/huangshi-sample.xml", encoding="utf-8") as f:
        text = f.read()
    spans = [m.group(0) for m in re.finditer(
        r"<(employer|job|seeker|service-point|community)\b(?:[^>]*/>|.*?</\1>)",
        text, re.S)]
    # A few records of each kind, three to a document.
    by_kind = {}
    for s in spans:
        kind = s[1:s.index(" ")]
        by_kind.setdefault(kind, []).append(s)
    for kind, recs in by_kind.items():
        for i in range(0, min(len(recs), 24), 3):
            put("fuzz_xml", HEAD + "\n".join(recs[i:i + 3]) + "\n" + TAIL)
    # Findings of long runs (doc/SECURITY.md), so that every run starts
    # with them.  Twelve records holding only an id: each exports shorter
    # than the removal that closes it (fuzz_common.h's buffer outgrew).
    put("fuzz_xml", '<libmatch version="1">' +
        "".join('<seeker id="%s"/>' % c for c in "abcdefghijkl") +
        "</libmatch>\n")


SELECT = [  # test name fragment -> selector byte of fuzz_normalize
    ("salary", 0), ("period", 1), ("age", 2), ("education", 3), ("date", 4),
    ("shift", 5), ("mode", 6), ("service_point", 7), ("group", 8),
    ("skill_scan", 9), ("skill_lookup", 10), ("fold", 11),
]


def c_strings(body):
    out = []
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', body):
        raw = m.group(1)
        try:
            b = bytes(raw, "utf-8").decode("unicode_escape").encode("latin-1")
        except (UnicodeDecodeError, UnicodeEncodeError):
            b = raw.encode("utf-8")
        out.append(b)
    return out


def normalize_seeds():
    with open("tests/test_normalize.c", encoding="utf-8") as f:
        src = f.read()
    # Each table of rows sits just before the Test that reads it, so a
    # chunk runs from one Test( to the end of the next one's name.
    chunks = re.split(r"(Test\(normalize, \w+)", src)
    body = ""
    for part in chunks:
        if part.startswith("Test(normalize, "):
            name = part[len("Test(normalize, "):]
            sel = next((s for k, s in SELECT if k in name), None)
            if sel is not None:
                for b in c_strings(body):
                    if 0 < len(b) <= 256:
                        put("fuzz_normalize", bytes([sel]) + b)
            body = ""
        else:
            body += part


def s(text):
    b = text.encode("utf-8")
    return bytes([len(b)]) + b


def record_seeds():
    # Operations: 0 new, 1 set, 2 skill, 3 put+get, 4 remove, 5 get,
    # 6 read, 7 skill term, 8 lookup (fuzz_record.c).
    F = {"status": 1, "name": 2, "employer": 3, "openings": 4, "posted": 5,
         "expires": 6, "registered": 7, "occupation": 8, "industry": 9,
         "lat": 10, "lon": 11, "district": 12, "address": 13, "salary": 14,
         "shift": 18, "education": 21, "age": 23, "birth": 26,
         "minutes": 29, "mode": 30, "text": 31, "description": 32,
         "phone": 33, "id_number": 34, "group": 38, "certificate": 39}
    job = (bytes([0, 1]) + s("J000123") +
           bytes([1, F["name"]]) + s("數控車床操作工") +
           bytes([1, F["employer"]]) + s("E0042") +
           bytes([1, F["openings"]]) + s("3") +
           bytes([1, F["posted"]]) + s("2026-11-01") +
           bytes([1, F["expires"]]) + s("2026年12月31日") +
           bytes([1, F["occupation"]]) + s("6-18-01-01") +
           bytes([1, F["lat"]]) + s("30.2012") +
           bytes([1, F["lon"]]) + s("115.0383") +
           bytes([1, F["district"]]) + s("420204") +
           bytes([1, F["salary"]]) + s("5千-8千元/月") +
           bytes([1, F["shift"]]) + s("倒班") +
           bytes([1, F["education"]]) + s("中專及以上") +
           bytes([1, F["age"]]) + s("18至45周歲") +
           bytes([2, 2 + 4 * 3]) + s("數控車床") +
           bytes([2, 3 + 4 * 1]) + s("CAD製圖") +
           bytes([1, F["certificate"]]) + s("車工四級") +
           bytes([1, F["text"]]) + s("要求：1年以上相關工作經驗，能適應倒班") +
           bytes([6, 3]))
    seeker = (bytes([0, 2]) + s("S000001") +
              bytes([1, F["registered"]]) + s("2026-10-20") +
              bytes([1, F["group"]]) + s("graduate") +
              bytes([1, F["group"]]) + s("退捕漁民") +
              bytes([1, F["birth"]]) + s("2003") +
              bytes([1, F["education"]]) + s("bachelor") +
              bytes([1, F["minutes"]]) + s("15") +
              bytes([1, F["mode"]]) + s("bike") +
              bytes([1, F["salary"]]) + s("4500元/月以上") +
              bytes([2, 1 + 4 * 4]) + s("數控車床") +
              bytes([1, F["text"]]) + s("熟悉數控編程，會看圖紙") +
              bytes([1, F["phone"]]) + s("13800000000") +
              bytes([1, F["id_number"]]) + s("420202200301011234") +
              bytes([3]))
    put("fuzz_record", job)
    put("fuzz_record", seeker)
    put("fuzz_record", job + seeker + bytes([5, 1]) + s("J000123") +
        bytes([4, 0]) + s("J000123") + bytes([5, 0]) + s("J000123"))
    put("fuzz_record", bytes([0, 3]) + s("E0042") + bytes([1, F["name"]]) +
        s("某機械有限公司") + bytes([1, F["status"]]) + s("closed") +
        bytes([3]) + bytes([7]) + s("焊接") + bytes([1]) + s("電焊") +
        bytes([8]) + s("電焊"))


if __name__ == "__main__":
    xml_seeds()
    normalize_seeds()
    record_seeds()
