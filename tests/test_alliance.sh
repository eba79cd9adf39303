#!/bin/sh
# examples/alliance: the plan of a tiny fixture worked out by hand
# (tests/data/alliance-tiny.xml), and on the bundled sample the promises
# checked against the input by python3: never to the worker's own firm,
# never outside the firm's alliance, the dates the overlap of both
# windows, no job over its openings, every worker and every opening
# accounted for, the commute recomputed.  TAP; always exits 0.
prog="${LM_BUILDDIR:-.}/examples/alliance/alliance"
src="${LM_SRCDIR:-.}"
tiny="$src/tests/data/alliance-tiny.xml"
sample="$src/examples/data/huangshi-alliance.xml"
N=7
echo "1..$N"
t=0
tap() { # tap STATUS DESCRIPTION
  t=$((t + 1))
  if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; fi
}
if [ ! -x "$prog" ] || ! command -v python3 > /dev/null; then
  while [ $t -lt $N ]; do tap 1 "alliance built and python3 present"; done
  exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lm-alliance.XXXXXX") || exit 0
trap 'rm -rf "$tmp"' EXIT INT TERM

# 1-2: the tiny fixture.  Alliance lake = E1, E2, E3; hill = E4 alone;
# E5 in none.  Every worker can weld except W8 and W4.  By hand:
# - W3 (E2) can only go to J1 (E1): J2 is E2's own.  W8 (E2) too, but J1
#   has one opening and W8 lacks J1's required skill, so W3 gets it and
#   W8 is left: taken-by-others.
# - W1, W2 (E1) go to J2 (E2), dates clipped to J2's window; J2's third
#   opening stays empty (too-few-workers): W8 would fill it but is E2's.
# - J3 (E3, February): no other member's worker is free then.
# - W9 (E3) walks 10 minutes at most; J1 and J2 are 21 km off: commute.
# - W10 (E3) is free in March: no other member's demand then.
# - hill: W4 and J5 are both E4's: nobody to lend, nobody to borrow.
# - W5, J6 (E5): no alliance; W6 names no firm; W7 has no window; W11's
#   firm E9 is not in the document.
# Commutes by bus (20 km/h) from 30.20 over 0.01 and 0.02 degrees of
# latitude: 111.195 km/degree x 1.3 / 20 x 60 = 4.3 and 8.7 minutes.
cat > "$tmp/tiny.want" <<'EOF2'
lend	lake	W1	E1	E2	J2	2026-12-10	2026-12-31	22	8.7	bus
lend	lake	W2	E1	E2	J2	2026-12-10	2027-01-20	42	8.7	bus
lend	lake	W3	E2	E1	J1	2026-12-01	2026-12-31	31	4.3	bus
unfilled	lake	J2	E2	1	too-few-workers
unfilled	lake	J3	E3	1	no-worker-in-window
unfilled	hill	J5	E4	2	no-workers
unfilled	-	J6	E5	1	not-in-alliance
unplaced	lake	W10	E3	no-demand-in-window
unplaced	lake	W8	E2	taken-by-others
unplaced	lake	W9	E3	no-acceptable-demand
unplaced	hill	W4	E4	no-demand
unplaced	-	W11	E9	firm-unknown
unplaced	-	W5	E5	not-in-alliance
unplaced	-	W6	-	no-firm
unplaced	lake	W7	E1	no-window
EOF2
sort "$tmp/tiny.want" > "$tmp/tiny.want.s"
got() { # the plan without the fit and the details, sorted
  awk -F'\t' -v OFS='\t' '
    $1 == "lend" { NF = 11; print }
    $1 == "unfilled" { NF = 6; print }
    $1 == "unplaced" { NF = 5; print }' "$1" | sort
}
r=0
for m in optimal stable; do
  "$prog" --mode $m --today 2026-11-25 "$tiny" > "$tmp/tiny.$m" 2> "$tmp/err" || r=1
  got "$tmp/tiny.$m" | diff "$tmp/tiny.want.s" - > "$tmp/d.$m" || r=1
done
tap $r "tiny fixture: the plan, the unfilled demand and the unplaced workers as worked by hand (optimal and stable)"
[ $r = 0 ] || sed 's/^/# /' "$tmp/d.optimal" "$tmp/d.stable" "$tmp/err"
grep -q 'W9	E3	no-acceptable-demand	.*most by commute' "$tmp/tiny.optimal" &&
  grep -q '^# total: 3 loans' "$tmp/tiny.optimal"
tap $? "tiny fixture: W9's reason names the commute; the total counts 3 loans"

# 3-7: the sample, against the input.
"$prog" --today 2026-11-25 "$sample" > "$tmp/sample.out" 2> "$tmp/err"
tap $? "the sample runs (exit 0)"
cat > "$tmp/check.py" <<'PY'
import sys, math, datetime, xml.etree.ElementTree as ET
doc, out, check = sys.argv[1:4]
root = ET.parse(doc).getroot()
alliance = {e.get('id'): e.get('alliance') for e in root.iter('employer')}
workers = {s.get('id'): s for s in root.iter('seeker')}
jobs = {j.get('id'): j for j in root.iter('job')}
def firm(s):
    for g in s.findall('group'):
        if g.text.startswith('employer:'):
            return g.text[len('employer:'):]
def window(el):
    w = el.find('window')
    return (w.get('from'), w.get('to')) if w is not None else (None, None)
rows = [l.rstrip('\n').split('\t') for l in open(out, encoding='utf-8')
        if not l.startswith('#')]
lend = [r for r in rows if r[0] == 'lend']
bad = []
if check == 'firms':
    for r in lend:
        _, a, w, f, to, j = r[:6]
        if firm(workers[w]) != f: bad.append('%s is not %s\'s' % (w, f))
        if jobs[j].get('employer') != to: bad.append('%s is not %s\'s' % (j, to))
        if f == to: bad.append('%s lent to its own firm' % w)
        if not (alliance.get(f) == alliance.get(to) == a and a):
            bad.append('%s -> %s outside alliance %s' % (w, j, a))
elif check == 'dates':
    for r in lend:
        w, j, start, end, days = r[2], r[5], r[6], r[7], int(r[8])
        (wf, wt), (jf, jt) = window(workers[w]), window(jobs[j])
        if not (wf and wt and jf and jt): bad.append('%s or %s has no window' % (w, j)); continue
        if start != max(wf, jf) or end != min(wt, jt) or start > end:
            bad.append('%s -> %s: %s..%s, windows %s..%s and %s..%s' % (w, j, start, end, wf, wt, jf, jt))
        d = (datetime.date.fromisoformat(end) - datetime.date.fromisoformat(start)).days + 1
        if d != days: bad.append('%s: %d days, not %d' % (w, days, d))
elif check == 'counts':
    seen = {}
    for r in lend:
        seen[r[2]] = seen.get(r[2], 0) + 1
        seen[r[5]] = seen.get(r[5], 0) + 1
    for r in rows:
        if r[0] == 'unplaced': seen[r[2]] = seen.get(r[2], 0) + 1
    for w in workers:
        if seen.get(w, 0) != 1: bad.append('worker %s listed %d times' % (w, seen.get(w, 0)))
    left = dict((r[2], int(r[4])) for r in rows if r[0] == 'unfilled')
    for j, el in jobs.items():
        n = int(el.get('openings', '1'))
        if seen.get(j, 0) + left.get(j, 0) != n:
            bad.append('%s: %d lent + %d unfilled != %d openings' % (j, seen.get(j, 0), left.get(j, 0), n))
elif check == 'commute':
    speed = {'walk': 5, 'bike': 15, 'ebike': 20, 'bus': 20, 'car': 35}
    for r in lend:
        w, j, minutes, mode, fit = r[2], r[5], r[9], r[10], float(r[11])
        a, b = workers[w].find('location'), jobs[j].find('location')
        p1, l1, p2, l2 = (math.radians(float(x)) for x in
                          (a.get('lat'), a.get('lon'), b.get('lat'), b.get('lon')))
        h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
        km = 2 * 6371.0088 * math.asin(math.sqrt(h))
        want = km * 1.3 / speed[mode] * 60
        limit = float(workers[w].find('mobility').get('minutes'))
        if abs(float(minutes) - want) > 0.06: bad.append('%s -> %s: %s min, want %.2f' % (w, j, minutes, want))
        if want > limit + 0.06: bad.append('%s -> %s: %.1f min over the %g accepted' % (w, j, want, limit))
        if not 0 < fit <= 100: bad.append('%s: fit %s' % (w, fit))
    if len(lend) < 10: bad.append('only %d loans on the sample' % len(lend))
for b in bad: print('# ' + b)
sys.exit(1 if bad else 0)
PY
ck() { python3 "$tmp/check.py" "$sample" "$tmp/sample.out" "$1"; }
ck firms
tap $? "sample: no worker lent to their own firm, none outside their firm's alliance"
ck dates
tap $? "sample: dates are the overlap of both windows, within both"
ck counts
tap $? "sample: every worker placed or unplaced once, every opening lent or unfilled"
ck commute
tap $? "sample: commutes recomputed (great circle x 1.3), within the worker's minutes"
exit 0
