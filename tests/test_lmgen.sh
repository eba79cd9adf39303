#!/bin/sh
# bench/lmgen, the data generator the benchmarks and acceptance tests stand
# on: deterministic, well-formed, complete (every FORMAT.md name shows up),
# and honest about relevance (an independent checker recomputes it).  TAP;
# always exits 0, the driver reads the lines.  Needs LM_BUILDDIR and
# LM_SRCDIR (absolute); python3 and xmllint are used when present.
gen="${LM_BUILDDIR:-.}/bench/lmgen"
N=14
echo "1..$N"
if [ ! -x "$gen" ]; then
  i=1
  while [ $i -le $N ]; do
    echo "not ok $i - lmgen built ($gen missing)"
    i=$((i + 1))
  done
  exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lm-lmgen.XXXXXX") || exit 0
trap 'rm -rf "$tmp"' EXIT INT TERM

# A moderate file: big enough that every element and variant appears.
size="--jobs 2000 --seekers 3000 --employers 120 --service-points 40
      --communities 80"
t=0
tap() { # tap STATUS DESCRIPTION
  t=$((t + 1))
  if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; fi
}
skip() {
  t=$((t + 1))
  echo "ok $t # SKIP $1"
}

# 1
"$gen" --help > "$tmp/help" 2>&1 && grep -q -- '--relevant' "$tmp/help"
tap $? "--help succeeds and lists the options"

# 2
# shellcheck disable=SC2086
"$gen" --seed 42 $size --out "$tmp/a.xml" --relevant "$tmp/a.rel" \
  2> "$tmp/a.err" &&
  "$gen" --seed 42 $size --out "$tmp/b.xml" --relevant "$tmp/b.rel" \
    2> /dev/null &&
  cmp -s "$tmp/a.xml" "$tmp/b.xml" && cmp -s "$tmp/a.rel" "$tmp/b.rel"
tap $? "the same seed gives byte-identical XML and relevance"

# 3
# shellcheck disable=SC2086
"$gen" --seed 43 $size --out "$tmp/c.xml" 2> /dev/null &&
  ! cmp -s "$tmp/a.xml" "$tmp/c.xml"
tap $? "another seed gives different output"

# 4
[ "$(wc -l < "$tmp/a.err")" -eq 1 ] && grep -q 'records' "$tmp/a.err"
tap $? "success prints one summary line on stderr"

# 5
if command -v xmllint > /dev/null 2>&1; then
  xmllint --noout --nonet "$tmp/a.xml" > "$tmp/lint" 2>&1
  st=$?
  tap $st "the output is well-formed XML"
  [ $st = 0 ] || sed -n '1,5s/^/# /p' "$tmp/lint"
else
  skip "xmllint missing"
fi

# 6
count() { grep -c "$1" "$tmp/a.xml"; }
ok=0
[ "$(count '<employer id=')" -eq 120 ] || ok=1
[ "$(count '<job id="[^"]*" employer=')" -eq 2000 ] || ok=1
[ "$(count '<seeker id="[^"]*" registered=')" -eq 3000 ] || ok=1
[ "$(count '<service-point id=')" -eq 40 ] || ok=1
[ "$(count '<community id=')" -eq 80 ] || ok=1
tap $ok "the requested number of each record is written"

# 7
missing=""
for e in libmatch employer job seeker service-point community name title \
  occupation industry location salary shift window requirements education \
  age experience skill certificate text priority description group birth \
  mobility preference contact; do
  grep -q "<$e[ />]" "$tmp/a.xml" || missing="$missing <$e>"
done
for a in version id employer openings posted expires status code lat lon \
  district min max period from to years level group year major minutes \
  mode occupation phone id-number alliance kind population; do
  grep -q " $a=\"" "$tmp/a.xml" || missing="$missing @$a"
done
for v in 'status="closed"' 'status="withdrawn"' 'kind="station"' \
  'kind="gig-market"' 'kind="training"' 'kind="fair-venue"' \
  'level="required"' 'level="preferred"' 'period="day"' 'period="hour"' \
  'period="year"' 'mode="walk"' 'mode="bike"' 'mode="ebike"' 'mode="bus"' \
  'mode="car"' '<shift>night<' '<shift>part-time<' '<shift>rotating<' \
  '<shift>flexible<' 'retired-fisher' 'returning-migrant' 'older-worker' \
  'veteran' 'disabled' 'graduate' 'poverty-alleviated' \
  'zero-employment-family' 'new-resident'; do
  grep -q "$v" "$tmp/a.xml" || missing="$missing $v"
done
[ -z "$missing" ]
tap $? "every FORMAT.md element, attribute and vocabulary word appears"
[ -z "$missing" ] || echo "# missing:$missing"

# 8
missing=""
for v in '元/月</salary>' '千-' 'K</salary>' '/年</salary>' \
  '元/天</salary>' '元/小' '<salary>面' '元以上</salary>' '周岁</age>' \
  '周歲</age>' '以下</age>' '以上</age>' '岁</age>' '<text>' '萬/年' \
  '陸區'; do
  grep -q "$v" "$tmp/a.xml" || missing="$missing $v"
done
grep -q -e '０' -e '１' -e '２' -e '３' -e '４' -e '５' -e '６' "$tmp/a.xml" ||
  missing="$missing full-width-digits"
[ -z "$missing" ]
tap $? "free-text salary and age, both scripts and full-width digits appear"
[ -z "$missing" ] || echo "# missing:$missing"

# 9: one line per seeker still registered, in order, naming real jobs
sed -n 's/.*<seeker id="\([^"]*\)" registered=.*/\1/p' "$tmp/a.xml" \
  > "$tmp/seekers"
sed -n 's/.*<seeker id="\([^"]*\)" status="withdrawn".*/\1/p' \
  "$tmp/a.xml" > "$tmp/withdrawn"
grep -v -x -F -f "$tmp/withdrawn" "$tmp/seekers" > "$tmp/active"
cut -f1 "$tmp/a.rel" > "$tmp/relids"
sed -n 's/.*<job id="\([^"]*\)" employer=.*/\1/p' "$tmp/a.xml" \
  > "$tmp/jobs"
cut -f2 "$tmp/a.rel" | tr ' ' '\n' | sed '/^$/d' | sort -u > "$tmp/listed"
[ -s "$tmp/withdrawn" ] && cmp -s "$tmp/active" "$tmp/relids" &&
  [ -z "$(sort "$tmp/jobs" | comm -13 - "$tmp/listed")" ]
tap $? "the relevant file has one line per seeker, naming existing jobs"

# 10
awk -F'\t' '{ n = split($2, a, " "); if (n >= 3 && n <= 20) ok++ }
  END { exit !(NR > 0 && ok >= 0.8 * NR) }' "$tmp/a.rel"
tap $? "most seekers have 3 to 20 relevant jobs"

# 11-12: an independent checker (not lmgen's code) reads the XML.
cat > "$tmp/check.py" << 'EOF'
import math, re, sys, unicodedata
import xml.etree.ElementTree as ET
from datetime import date

xml_path, rel_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
TODAY = date(2026, 11, 25).toordinal()
EDU = {'none': 0, 'primary': 1, 'junior-middle': 2, 'senior-high': 3,
       'secondary-vocational': 3, 'associate': 4, 'bachelor': 5,
       'master': 6, 'doctorate': 7}
KMH = {'walk': 5.0, 'bike': 15.0, 'ebike': 20.0, 'bus': 20.0, 'car': 35.0}
# traditional -> simplified for the characters of certificate names
T2S = dict(zip(*[iter('備备員员壓压嬰婴學学屬属師师從从損损業业機机檢检'
                      '氣气測测無无熱热營营療疗礦矿築筑級级統统維维網网'
                      '聯联與与裝装製制設设調调證证護护資资車车輸输運运'
                      '醫医鉗钳銑铣銷销險险電电養养駕驾駛驶驗验')] * 2))

def fold(s):
    return ''.join(T2S.get(c, c) for c in (s or '').strip())

def day(s):
    return date.fromisoformat(s).toordinal() if s else None

def per_month(x, period):
    f = {'hour': 174.0, 'day': 21.75, 'month': 1.0}
    m = x / 12.0 if period == 'year' else x * f[period]
    return math.floor(m + 0.5)

def salary_max(el):
    if el is None:
        return None
    if el.get('period'):
        mx = el.get('max')
        return per_month(float(mx), el.get('period')) if mx else None
    t = unicodedata.normalize('NFKC', el.text or '').strip()
    num = r'(\d+(?:\.\d+)?)'
    if t in ('面议', '面議') or t.endswith('元以上'):
        return None
    for pat, f in ((num + '-' + num + '元/月$', lambda a, b: float(b)),
                   (num + '千-' + num + '千(元/月)?$',
                    lambda a, b, c=None: float(b) * 1000),
                   (num + 'K$', lambda a: float(a) * 1000),
                   (num + 'K-' + num + 'K$', lambda a, b: float(b) * 1000),
                   ('(?:' + num + '-)?' + num + '[万萬]/年$',
                    lambda a, b: per_month(float(b) * 10000, 'year')),
                   (num + '元/天$', lambda a: per_month(float(a), 'day')),
                   (num + '元/小[时時]$',
                    lambda a: per_month(float(a), 'hour'))):
        m = re.match(pat, t)
        if m:
            return math.floor(f(*m.groups()) + 0.5)
    raise ValueError('salary text not understood: %r' % t)

def age_range(el):
    if el is None:
        return (None, None)
    if el.get('min') or el.get('max'):
        g = lambda k: int(el.get(k)) if el.get(k) else None
        return (g('min'), g('max'))
    t = unicodedata.normalize('NFKC', el.text or '')
    n = [int(x) for x in re.findall(r'\d+', t)]
    if '以下' in t:
        return (None, n[0])
    if '以上' in t:
        return (n[0], None)
    return (n[0], n[1])

def rad(x):
    return math.radians(x)

def dist(a, b):
    p1, p2 = rad(a[0]), rad(b[0])
    dp, dl = p2 - p1, rad(b[1]) - rad(a[1])
    h = (math.sin(dp / 2) * math.sin(dp / 2) + math.cos(p1) * math.cos(p2)
         * math.sin(dl / 2) * math.sin(dl / 2))
    return 2 * 6371.0 * math.asin(math.sqrt(h))

def under(code, prefix):
    return code == prefix or code.startswith(prefix + '-')

jobs, seekers, closed, gone = {}, {}, set(), set()
for ev, el in ET.iterparse(xml_path):
    if el.tag == 'job':
        if el.get('status') == 'closed':
            closed.add(el.get('id'))
            continue
        loc, req = el.find('location'), el.find('requirements')
        edu = req.find('education') if req is not None else None
        win = el.find('window')
        jobs[el.get('id')] = dict(
            code=el.find('occupation').get('code'),
            pos=(float(loc.get('lat')), float(loc.get('lon'))),
            edu=EDU[edu.get('min')] if edu is not None else -1,
            age=age_range(req.find('age') if req is not None else None),
            certs={fold(c.text) for c in req.findall('certificate')}
            if req is not None else set(),
            smax=salary_max(el.find('salary')),
            win=(day(win.get('from')), day(win.get('to')))
            if win is not None else (None, None),
            expires=day(el.get('expires')))
        el.clear()
    elif el.tag == 'seeker':
        if el.get('status') == 'withdrawn':
            gone.add(el.get('id'))
            continue
        loc, mob, sal = el.find('location'), el.find('mobility'), \
            el.find('salary')
        pref = el.find('preference/occupation')
        exp = el.find('experience')
        if pref is not None:
            target = pref.get('code')
        elif exp is not None and exp.get('occupation'):
            target = '-'.join(exp.get('occupation').split('-')[:3])
        else:
            target = None
        win = el.find('window')
        seekers[el.get('id')] = dict(
            target=target, age=2026 - int(el.find('birth').get('year')),
            edu=EDU[el.find('education').get('level')],
            pos=(float(loc.get('lat')), float(loc.get('lon'))),
            reach=KMH[mob.get('mode')] * int(mob.get('minutes')) / 60.0,
            certs={fold(c.text) for c in el.findall('certificate')},
            smin=per_month(float(sal.get('min')), sal.get('period'))
            if sal is not None else None,
            win=(day(win.get('from')), day(win.get('to')))
            if win is not None else (None, None))
        el.clear()

for sid in gone:
    seekers.pop(sid, None)

def fails(s, jid, basic):
    """The first criterion job jid fails for seeker s, or None."""
    j = jobs[jid]
    if jid in closed or (j['expires'] and j['expires'] < TODAY):
        return 'not open'
    if not s['target'] or not under(j['code'], s['target']):
        return 'occupation'
    if dist(s['pos'], j['pos']) * 1.3 > s['reach']:
        return 'distance'
    lo, hi = j['age']
    if (lo and s['age'] < lo) or (hi and s['age'] > hi):
        return 'age'
    if s['edu'] < j['edu']:
        return 'education'
    if basic:
        return None
    if not j['certs'] <= s['certs']:
        return 'certificate'
    if s['smin'] is not None and j['smax'] is not None \
            and j['smax'] < s['smin']:
        return 'salary'
    inf = 10 ** 9
    a = max(j['win'][0] or -inf, s['win'][0] or -inf)
    b = min(j['win'][1] or inf, s['win'][1] or inf)
    if a > b:
        return 'window'
    return None

listed = {}
for line in open(rel_path, encoding='utf-8'):
    sid, _, rest = line.rstrip('\n').partition('\t')
    listed[sid] = rest.split()
bad = []
if mode == 'pairs':
    n = 0
    for sid, ids in listed.items():
        for jid in ids:
            n += 1
            why = fails(seekers[sid], jid, True)
            if why:
                bad.append('%s %s: %s' % (sid, jid, why))
    print('# %d listed pairs checked for occupation, distance, age, '
          'education, open' % n)
else:
    by_family = {}
    for jid, j in jobs.items():
        by_family.setdefault('-'.join(j['code'].split('-')[:2]), []) \
            .append(jid)
    for sid, s in seekers.items():
        if not s['target']:
            want = set()
        else:
            cand = by_family.get('-'.join(s['target'].split('-')[:2]), [])
            want = {j for j in cand if fails(s, j, False) is None}
        got = set(listed.get(sid, []))
        for j in sorted(want - got):
            bad.append('%s %s: relevant but not listed' % (sid, j))
        for j in sorted(got - want):
            bad.append('%s %s: listed but %s' % (sid, j, fails(s, j, False)))
    print('# recomputed the relevant jobs of %d seekers over %d jobs'
          % (len(seekers), len(jobs)))
for b in bad[:10]:
    print('# ' + b)
sys.exit(1 if bad else 0)
EOF
if command -v python3 > /dev/null 2>&1; then
  python3 "$tmp/check.py" "$tmp/a.xml" "$tmp/a.rel" pairs > "$tmp/py1" 2>&1
  tap $? "listed pairs meet occupation, distance, age and education (python)"
  sed -n '1,11p' "$tmp/py1"
  python3 "$tmp/check.py" "$tmp/a.xml" "$tmp/a.rel" all > "$tmp/py2" 2>&1
  tap $? "an independent recomputation of every criterion agrees (python)"
  sed -n '1,11p' "$tmp/py2"
else
  skip "python3 missing"
  skip "python3 missing"
fi

# 13
# shellcheck disable=SC2086
"$gen" --seed 42 --fair $size --out "$tmp/f.xml" 2> /dev/null &&
  sed -n 's/.*<job id="[^"]*" employer="[^"]*" openings="\([0-9]*\)".*/\1/p' \
    "$tmp/f.xml" | awk '$1 < 1 || $1 > 10 { bad = 1 }
      END { exit !(NR == 2000 && !bad) }'
tap $? "--fair gives every posting 1 to 10 openings"

# 14: records draw from their own streams, so jobs do not depend on
# how many seekers follow, and bad arguments are refused.
"$gen" --seed 42 --jobs 50 --seekers 10 --out "$tmp/d.xml" 2> /dev/null &&
  "$gen" --seed 42 --jobs 50 --seekers 99 --out "$tmp/e.xml" 2> /dev/null &&
  [ "$(awk '/<seeker /{exit} !/<!--/' "$tmp/d.xml" | cksum)" = \
    "$(awk '/<seeker /{exit} !/<!--/' "$tmp/e.xml" | cksum)" ] &&
  ! "$gen" --jobs x > /dev/null 2>&1 && ! "$gen" --bogus > /dev/null 2>&1
tap $? "jobs do not depend on the seeker count; bad arguments fail"
exit 0
