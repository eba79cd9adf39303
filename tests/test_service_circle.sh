#!/bin/sh
# examples/service-circle: the table against hand-worked answers on a tiny
# fixture and against an independent recomputation (python3, the formula
# of doc/SCORING.md) on the bundled sample; the map rendered in headless
# Chromium is not blank and shows its legend.  TAP; always exits 0, the
# driver reads the lines.  Chromium missing is a failure, not a skip.
prog="${LM_BUILDDIR:-.}/examples/service-circle/service-circle"
src="${LM_SRCDIR:-.}"
tiny="$src/tests/data/circle-tiny.xml"
sample="$src/examples/data/huangshi-sample.xml"
circle="$src/examples/data/huangshi-circle.xml"
divisions="$src/examples/data/huangshi-divisions.csv"
N=12
echo "1..$N"
t=0
tap() { # tap STATUS DESCRIPTION
  t=$((t + 1))
  if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; fi
}
if [ ! -x "$prog" ]; then
  while [ $t -lt $N ]; do tap 1 "service-circle built ($prog missing)"; done
  exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lm-circle.XXXXXX") || exit 0
trap 'rm -rf "$tmp"' EXIT INT TERM

# 1-3: the tiny fixture, worked by hand.  Every place is on the meridian
# 115.0, so km = 111.19508 x dlat and minutes = km x 1.3 / speed x 60,
# i.e. per 0.001 degree: walk 1.73464, bike 0.57821, ebike and bus 0.43366.
# From C1 (30.2000): J1 +0.005 (walk 8.7 in), J2 +0.020 (walk 34.7 out,
# bike 11.6 in), J3 +0.030 (bike 17.3 out, ebike 13.0 in), J4 +0.050
# (ebike 21.7 out); J5 expired on 2026-11-01, J8 is posted 2026-12-01, J7
# has no location; P2 -0.005 is nearer than P1 +0.010.  From C2
# (30.3000): J6 +0.001 (openings 1 by default), P3 -0.015 (walk 26.0 >
# 15: a gap).  J2's 智能製造 is J1's 智能制造 in traditional script.
"$prog" --today 2026-11-25 "$tiny" > "$tmp/tiny.out" 2> "$tmp/tiny.err"
status=$?
tab=$(printf '\t')
cat > "$tmp/tiny.reach" <<EOF
reach	C1	八卦嘴社区	420204	5000	walk	1	2	P2	training	8.7	智能制造=1/2
reach	C1	八卦嘴社区	420204	5000	bike	2	5	P2	training	2.9	智能制造=2/5
reach	C1	八卦嘴社区	420204	5000	ebike	3	10	P2	training	2.2	智能制造=2/5;现代物流=1/5
reach	C1	八卦嘴社区	420204	5000	bus	3	10	P2	training	2.2	智能制造=2/5;现代物流=1/5
reach	C2	湖滨社区	420202	800	walk	1	1	P3	gig-market	26.0	-
reach	C2	湖滨社区	420202	800	bike	1	1	P3	gig-market	8.7	-
reach	C2	湖滨社区	420202	800	ebike	1	1	P3	gig-market	6.5	-
reach	C2	湖滨社区	420202	800	bus	1	1	P3	gig-market	6.5	-
reach	C3	新村	-	100	walk	-	-	-	-	-	-
reach	C3	新村	-	100	bike	-	-	-	-	-	-
reach	C3	新村	-	100	ebike	-	-	-	-	-	-
reach	C3	新村	-	100	bus	-	-	-	-	-	-
EOF
grep "^reach$tab" "$tmp/tiny.out" > "$tmp/tiny.reach.got"
[ $status = 0 ] && diff "$tmp/tiny.reach" "$tmp/tiny.reach.got" > "$tmp/d1"
r=$?
tap $r "tiny fixture: jobs, openings, industries and nearest point per community and mode, as worked by hand"
[ $r = 0 ] || sed 's/^/# /' "$tmp/d1" "$tmp/tiny.err"

# Gaps: C2 has no point within 15 minutes on foot; few jobs is fewer than
# 10 openings: C1 on foot (2) and by bike (5), C2 by every mode (1).
cat > "$tmp/tiny.gap" <<EOF
gap	no-service-point	walk	C2	湖滨社区	800	26.0
gap	few-jobs	walk	C1	八卦嘴社区	5000	2
gap	few-jobs	walk	C2	湖滨社区	800	1
gap	few-jobs	bike	C1	八卦嘴社区	5000	5
gap	few-jobs	bike	C2	湖滨社区	800	1
gap	few-jobs	ebike	C2	湖滨社区	800	1
gap	few-jobs	bus	C2	湖滨社区	800	1
EOF
grep "^gap$tab" "$tmp/tiny.out" | diff "$tmp/tiny.gap" - > "$tmp/d2"
r=$?
tap $r "tiny fixture: the gaps, as worked by hand"
[ $r = 0 ] || sed 's/^/# /' "$tmp/d2"

cat > "$tmp/tiny.sum" <<EOF
summary	walk	2	5800	1	5000	2	5800	10
summary	bike	2	5800	2	5800	2	5800	10
summary	ebike	2	5800	2	5800	1	800	10
summary	bus	2	5800	2	5800	1	800	10
EOF
grep "^summary$tab" "$tmp/tiny.out" | diff "$tmp/tiny.sum" - > "$tmp/d3" &&
  grep -q "^# 3 communities (1 without a location), 4 service points, 6 jobs open (16 openings) of 8 stored$" "$tmp/tiny.out"
r=$?
tap $r "tiny fixture: the summary and the counts, as worked by hand"
[ $r = 0 ] || sed 's/^/# /' "$tmp/d3"

# 4-6: the bundled data, recomputed independently from the XML.
cat > "$tmp/check.py" <<'EOF'
"""Recomputes service-circle's table from FORMAT.md documents.

doc/SCORING.md: haversine on a sphere of 6371.0088 km, x 1.3, at walk 5,
bike 15, e-bike 20, bus 20 km/h.  A job counts when open on the day
(posted <= today <= expires), located, and minutes <= 15.  Few jobs:
openings < threshold (a number, or q<quantile>: the nearest-rank quantile
of the located communities' openings for the mode).  Compares the
numbers (not the industry names: the program groups them by the
library's folded key, which this checker does not reimplement; it checks
that their counts add up).  Prints what differs; exit 1 if anything.
"""
import math, sys, xml.etree.ElementTree as ET

out, today, few = sys.argv[1], sys.argv[2], sys.argv[3]
docs = sys.argv[4:]
SPEED = {"walk": 5.0, "bike": 15.0, "ebike": 20.0, "bus": 20.0}
MODES = ["walk", "bike", "ebike", "bus"]
store = {}
for doc in docs:
    for el in ET.parse(doc).getroot():
        key = (el.tag, el.get("id"))
        if el.get("status") in ("closed", "withdrawn"):
            store.pop(key, None)
        else:
            store[key] = el

def loc(el):
    l = el.find("location")
    if l is None or l.get("lat") is None:
        return None
    return float(l.get("lat")), float(l.get("lon"))

def minutes(a, b, mode):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * 6371.0088 * math.asin(math.sqrt(h))
    return km * 1.3 / SPEED[mode] * 60

comms = sorted((k[1], e) for k, e in store.items() if k[0] == "community")
points = sorted((k[1], e) for k, e in store.items() if k[0] == "service-point")
jobs = []
for k, e in store.items():
    if k[0] != "job":
        continue
    if (e.get("posted") or "0000") > today or (e.get("expires") or "9999") < today:
        continue
    if loc(e) is not None:
        jobs.append((loc(e), float(e.get("openings") or 1)))

bad = []
ambiguous = 0
want = {}
for mode in MODES:
    for cid, c in comms:
        cl = loc(c)
        if cl is None:
            continue
        n = op = 0
        for jl, o in jobs:
            m = minutes(cl, jl, mode)
            if abs(m - 15) < 1e-9:
                ambiguous += 1
            if m <= 15:
                n += 1
                op += o
        near = None
        for pid, p in points:
            pl = loc(p)
            if pl is None:
                continue
            m = minutes(cl, pl, mode)
            if near is None or m < near[1]:
                near = (pid, m, p.get("kind"))
        want[(cid, mode)] = (n, op, near, float(c.get("population") or 0))

got = {}
gaps = set()
for line in open(out, encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if f[0] == "reach":
        got[(f[1], f[5])] = f
    elif f[0] == "gap":
        gaps.add((f[1], f[2], f[3]))

if sorted(k for k in got) != sorted((cid, m) for cid, _ in comms for m in MODES):
    bad.append("the table does not list every community once per mode")
for key, (n, op, near, pop) in want.items():
    f = got.get(key)
    if f is None:
        continue
    if f[6] != str(n) or f[7] != "%.0f" % op:
        bad.append("%s %s: jobs %s/%s, want %d/%.0f" % (key + (f[6], f[7], n, op)))
    if near and (f[8] != near[0] or f[9] != near[2] or abs(float(f[10]) - near[1]) > 0.05 + 1e-9):
        bad.append("%s %s: nearest %s %s %s, want %s %s %.3f" % (key + tuple(f[8:11]) + near[:1] + (near[2], near[1])))
    if f[11] != "-":
        parts = [p.rsplit("=", 1)[1].split("/") for p in f[11].split(";")]
        if sum(int(a) for a, b in parts) > n or sum(float(b) for a, b in parts) > op:
            bad.append("%s %s: industries add up to more than the jobs" % key)

for mode in MODES:
    ops = sorted(v[1] for k, v in want.items() if k[1] == mode)
    if few.startswith("q"):
        q = float(few[1:])
        r = math.ceil(q * len(ops))
        thr = ops[max(r, 1) - 1] if ops else 0
    else:
        thr = float(few)
    for (cid, m), (n, op, near, pop) in want.items():
        if m != mode:
            continue
        if ((cid, m) in [(g[2], g[1]) for g in gaps if g[0] == "few-jobs"]) != (op < thr):
            bad.append("%s %s: few-jobs gap wrong (openings %.0f, threshold %g)" % (cid, m, op, thr))
        nogap = near is None or near[1] > 15
        if (("no-service-point", m, cid) in gaps) != nogap:
            bad.append("%s %s: no-service-point gap wrong" % (cid, m))
for b in bad[:20]:
    print(b)
print("checked %d communities x %d modes, %d jobs, %d points, %d ties at 15 min"
      % (len(comms), len(MODES), len(jobs), len(points), ambiguous))
sys.exit(1 if bad or ambiguous else 0)
EOF
check() { # check OUT FEW DOCS...
  o=$1; f=$2; shift 2
  if command -v python3 > /dev/null; then
    python3 "$tmp/check.py" "$o" 2026-11-25 "$f" "$@" > "$tmp/check.log" 2>&1
  else
    echo "python3 is missing" > "$tmp/check.log"; return 1
  fi
}

"$prog" --today 2026-11-25 "$sample" > "$tmp/sample.out" 2> "$tmp/sample.err" &&
  check "$tmp/sample.out" 10 "$sample"
r=$?
tap $r "sample: every community and mode agrees with the independent recomputation"
sed 's/^/# /' "$tmp/check.log" "$tmp/sample.err"

"$prog" --today 2026-11-25 --few-quantile 0.25 "$sample" "$circle" \
  > "$tmp/both.out" 2> "$tmp/both.err" &&
  check "$tmp/both.out" q0.25 "$sample" "$circle"
r=$?
tap $r "sample with the city's circle data and --few-quantile 0.25: agrees with the recomputation"
sed 's/^/# /' "$tmp/check.log" "$tmp/both.err"

# The same table from a store as from the documents.
"$prog" --today 2026-11-25 --db "$tmp/s.db" "$sample" > /dev/null 2>&1 &&
  "$prog" --today 2026-11-25 --db "$tmp/s.db" > "$tmp/db.out" 2>&1 &&
  cmp -s "$tmp/db.out" "$tmp/sample.out"
tap $? "a store read alone gives the table its documents gave"

# 7-9: the map.
"$prog" --today 2026-11-25 --districts "$divisions" --svg "$tmp/map.svg" \
  --district 420202,420203,420204,420205 "$sample" "$circle" \
  > /dev/null 2> "$tmp/map.err"
r=$?
tap $r "the map is written"
sed 's/^/# /' "$tmp/map.err"

cat > "$tmp/svg.py" <<'EOF'
import sys, xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
ids = {e.get("id"): e for e in root.iter() if e.get("id")}
need = ["title", "legend", "scale-bar", "circles", "communities", "service-points", "districts"]
missing = [n for n in need if n not in ids]
legend = "".join(ids["legend"].itertext()) if "legend" in ids else ""
words = ["Legend", "station", "gig market", "training", "fair venue", "population", "no service point"]
missing += ["legend text " + w for w in words if w not in legend]
npoints = len(ids["service-points"].findall(NS + "g")) if "service-points" in ids else 0
ncircles = len(ids["circles"].findall(NS + "path")) if "circles" in ids else -1
if npoints == 0 or ncircles != npoints:
    missing.append("one circle per service point (%d, %d)" % (ncircles, npoints))
dist = "".join(ids["districts"].itertext()) if "districts" in ids else ""
for name in ["黄石港区", "西塞山区", "下陆区", "铁山区"]:
    if name not in dist:
        missing.append("district name " + name)
print("\n".join(missing))
print("size %sx%s" % (root.get("width"), root.get("height")))
sys.exit(1 if missing else 0)
EOF
python3 "$tmp/svg.py" "$tmp/map.svg" > "$tmp/svg.log" 2>&1
tap $? "the SVG parses and has its title, legend, scale bar, circles, symbols and district names"
sed 's/^/# /' "$tmp/svg.log"
size=$(sed -n 's/^size \([0-9]*\)x\([0-9]*\)$/\1,\2/p' "$tmp/svg.log")

chromium=$(command -v chromium || command -v chromium-browser)
[ -n "$chromium" ]
tap $? "chromium is installed (Debian's chromium package, .ci/deps)"

# Rendering: headless, as root needs --no-sandbox; a fresh profile each time.
render() { # render OUT.png | --dump-dom
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
    --hide-scrollbars --user-data-dir="$tmp/profile" \
    --window-size="${size:-1200,900}" "$@" "file://$tmp/map.svg" \
    2> "$tmp/chromium.err"
}
if [ -n "$chromium" ]; then
  (cd "$tmp" && render --screenshot="$tmp/map.png" > /dev/null)
fi
cat > "$tmp/png.py" <<'EOF'
"""Decodes the screenshot (zlib, PNG filters) and measures how much of it,
and of the legend's box, is not the background."""
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6), "colour type %d depth %d" % (ctype, depth)
bpp = 4 if ctype == 6 else 3
raw = zlib.decompress(idat)
stride = w * bpp
rows, prev = [], bytearray(stride)
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line))
    prev = line
def px(x, y):
    return rows[y][x * bpp:x * bpp + 3]
def region(x0, y0, x1, y1):
    counts = {}
    for y in range(y0, min(y1, h)):
        for x in range(x0, min(x1, w)):
            p = px(x, y)
            counts[p] = counts.get(p, 0) + 1
    total = sum(counts.values())
    bg = max(counts, key=counts.get)
    return 1 - counts[bg] / total, len([c for c in counts.values() if c >= 20])
frac, colours = region(0, 0, w, h)
lfrac, lcolours = region(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
print("%dx%d: %.1f%% not background, %d colours; legend box %.1f%% not its background, %d colours"
      % (w, h, 100 * frac, colours, 100 * lfrac, lcolours))
ok = frac > 0.10 and colours >= 8 and lfrac > 0.03 and lcolours >= 6
sys.exit(0 if ok else 1)
EOF
# The legend's box: x 900-1175, y 90-570 (service-circle.c, draw_legend).
[ -s "$tmp/map.png" ] &&
  python3 "$tmp/png.py" "$tmp/map.png" 905 95 1170 565 > "$tmp/png.log" 2>&1
tap $? "the rendered map is not blank, and neither is its legend"
sed 's/^/# /' "$tmp/png.log"
[ -s "$tmp/map.png" ] || sed 's/^/# /' "$tmp/chromium.err"

if [ -n "$chromium" ]; then
  (cd "$tmp" && render --dump-dom > "$tmp/dom.html")
fi
grep -q 'id="legend"' "$tmp/dom.html" 2>/dev/null &&
  grep -q '图例 Legend' "$tmp/dom.html" &&
  grep -q 'no service point within 15 min' "$tmp/dom.html"
tap $? "the rendered document has the legend and its text"

# 12: usage errors are errors.
"$prog" > /dev/null 2>&1
a=$?
"$prog" --map-mode car "$tiny" > /dev/null 2>&1
b=$?
"$prog" --few-quantile 2 "$tiny" > /dev/null 2>&1
c=$?
[ $a = 2 ] && [ $b = 2 ] && [ $c = 2 ]
tap $? "no input, an unknown map mode or a bad quantile is a usage error (exit 2)"
exit 0
