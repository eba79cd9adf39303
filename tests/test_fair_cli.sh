#!/bin/sh
# examples/fair: the summary against the XML it wrote and the input's own
# groups (python3 recomputes them from the documents), openings never
# exceeded, optimal >= stable in total, priority >= optimal in members of
# the priority groups matched, the progress bar only on a terminal.  TAP;
# always exits 0, the driver reads the lines.
prog="${LM_BUILDDIR:-.}/examples/fair/fair"
src="${LM_SRCDIR:-.}"
sample="$src/examples/data/huangshi-sample.xml"
groups=retired-fisher,returning-migrant
N=12
echo "1..$N"
t=0
tap() { # tap STATUS DESCRIPTION
  t=$((t + 1))
  if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; fi
}
if [ ! -x "$prog" ] || ! command -v python3 > /dev/null; then
  while [ $t -lt $N ]; do tap 1 "fair built and python3 present"; done
  exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lm-fair.XXXXXX") || exit 0
trap 'rm -rf "$tmp"' EXIT INT TERM

for m in stable stable-employer optimal priority; do
  (cd "$tmp" && "$prog" --mode $m --groups $groups --today 2026-11-25 \
     "$sample" > "$m.out" 2> "$m.err")
  echo $? > "$tmp/$m.rc"
done

# 1: every mode ran, and wrote the file its summary names.
r=0
for m in stable stable-employer optimal priority; do
  [ "$(cat "$tmp/$m.rc")" = 0 ] &&
    grep -q "^assignment *huangshi-sample.$m.xml$" "$tmp/$m.out" &&
    [ -s "$tmp/huangshi-sample.$m.xml" ] || r=1
done
tap $r "every mode exits 0 and writes the assignment its summary names"
[ $r = 0 ] || sed 's/^/# /' "$tmp"/*.err

# The independent check: the input's seekers, jobs, openings and groups
# (last record of an id wins, status closed/withdrawn removes, FORMAT.md's
# default of one opening) against the summary and the XML.
cat > "$tmp/check.py" <<'PY'
import sys, re, xml.etree.ElementTree as ET
sample, xmlpath, outpath, check = sys.argv[1:5]
seekers, jobs = {}, {}
for el in ET.parse(sample).getroot():
    table = {'seeker': seekers, 'job': jobs}.get(el.tag)
    if table is None:
        continue
    if el.get('status') in ('closed', 'withdrawn'):
        table.pop(el.get('id'), None)
    else:
        table[el.get('id')] = el
groups = {}
for sid, el in seekers.items():
    for g in el.findall('group'):
        groups.setdefault(g.text.strip(), set()).add(sid)
a = ET.parse(xmlpath).getroot()
pairs = [(p.get('seeker'), p.get('job'), float(p.get('score')))
         for p in a.findall('pair')]
unmatched = [u.get('seeker') for u in a.findall('unmatched')]
out = open(outpath, encoding='utf-8').read()
def field(name):
    return re.search(r'^%s\s+(\S+)' % name, out, re.M).group(1)
bad = []
def want(what, got, expected):
    if got != expected:
        bad.append('%s: got %s, want %s' % (what, got, expected))
if check == 'counts':
    want('seekers', int(field('seekers')), len(seekers))
    want('jobs', int(field('jobs')), len(jobs))
    want('openings', int(field('openings')),
         sum(int(j.get('openings', '1')) for j in jobs.values()))
    want('matched', int(field('matched')), len(pairs))
    want('pairs attribute', int(a.get('pairs')), len(pairs))
    want('unmatched', int(field('unmatched')), len(unmatched))
    want('every seeker once', sorted([p[0] for p in pairs] + unmatched),
         sorted(seekers))
    want('total fit', field('total fit'), '%.2f' % sum(p[2] for p in pairs))
    want('jobs of the fair', set(p[1] for p in pairs) - set(jobs), set())
elif check == 'groups':
    matched = set(p[0] for p in pairs)
    score = dict((p[0], p[2]) for p in pairs)
    rows = dict((m.group(1), m.groups()[1:]) for m in re.finditer(
        r'^(\S+)(?: \*)?\s+(\d+)\s+(\d+)\s+(\S+)%\s+(\S+)$', out, re.M))
    for g, members in groups.items():
        if g not in rows:
            bad.append('group %s missing from the table' % g); continue
        m = members & matched
        want(g + ' present', int(rows[g][0]), len(members))
        want(g + ' matched', int(rows[g][1]), len(m))
        want(g + ' rate', rows[g][2], '%.1f' % (100.0 * len(m) / len(members)))
        want(g + ' mean fit', rows[g][3],
             '%.2f' % (sum(score[s] for s in m) / len(m) if m else 0))
    for g in sys.argv[5].split(','):
        if not re.search(r'^%s \*' % g, out, re.M):
            bad.append('priority group %s not marked' % g)
elif check == 'openings':
    load = {}
    for s, j, _ in pairs:
        load[j] = load.get(j, 0) + 1
    for j, n in load.items():
        if n > int(jobs[j].get('openings', '1')):
            bad.append('%s: %d seekers for %s openings' % (j, n, jobs[j].get('openings', '1')))
elif check == 'reasons':
    rows = re.findall(r'^(\S+)(?: \(.*\))?\s+(\d+)$', out.split('why people')[1], re.M)
    want('reason counts add up', sum(int(n) for _, n in rows), len(unmatched))
    real = {}
    for u in a.findall('unmatched'):
        real[u.get('reason')] = real.get(u.get('reason'), 0) + 1
    got = {}
    for r, n in rows:
        got[r] = got.get(r, 0) + int(n)
    want('reasons as in the XML', got, real)
elif check == 'members':  # print priority-group members matched
    prio = set()
    for g in sys.argv[5].split(','):
        prio |= groups.get(g, set())
    print(len(prio & set(p[0] for p in pairs)))
    sys.exit(0)
for b in bad:
    print('# ' + b)
sys.exit(1 if bad else 0)
PY
chk() { # chk MODE CHECK
  python3 "$tmp/check.py" "$sample" "$tmp/huangshi-sample.$1.xml" \
    "$tmp/$1.out" "$2" "$groups"
}
r=0; for m in stable optimal priority; do chk $m counts || r=1; done
tap $r "seekers, jobs, openings, matched, unmatched and total fit agree with the input and the XML"
r=0; for m in stable optimal priority; do chk $m groups || r=1; done
tap $r "per group present, matched, rate and mean fit agree with the input's groups and the XML"
r=0; for m in stable stable-employer optimal priority; do chk $m openings || r=1; done
tap $r "no job gets more seekers than its openings"
r=0; for m in stable optimal priority; do chk $m reasons || r=1; done
tap $r "the unmatched reasons add up to the XML's"

total() { sed -n 's/^total fit *\([0-9.]*\).*/\1/p' "$tmp/$1.out"; }
awk -v o="$(total optimal)" -v s="$(total stable)" -v e="$(total stable-employer)" \
  'BEGIN { exit !(o != "" && o + 0 >= s + 0 && o + 0 >= e + 0) }'
tap $? "optimal's total fit ($(total optimal)) >= both stable modes' ($(total stable), $(total stable-employer))"
po=$(chk optimal members); pp=$(chk priority members)
[ -n "$pp" ] && [ "$pp" -ge "$po" ]
tap $? "priority matches at least as many of $groups as optimal ($pp >= $po)"

# 8: --out - puts the XML on stdout and the summary on stderr.
(cd "$tmp" && "$prog" --mode optimal --today 2026-11-25 --out - "$sample" \
   > stdout.xml 2> stderr.txt)
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
  "$tmp/stdout.xml" 2> /dev/null && grep -q '^assignment *(stdout)$' "$tmp/stderr.txt" &&
  cmp -s "$tmp/stdout.xml" "$tmp/huangshi-sample.optimal.xml"
tap $? "--out - writes the same XML to stdout, the summary to stderr"

# 9-10: the progress bar: nothing when stderr is piped, drawn on a
# pseudo-terminal (python3's pty), and the XML the same either way.
[ ! -s "$tmp/optimal.err" ]
tap $? "no progress output when stderr is not a terminal"
cat > "$tmp/run_on_pty.py" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.chdir(sys.argv[1])
    os.execv(sys.argv[2], sys.argv[2:])
data = b''
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(data)
sys.exit(os.WEXITSTATUS(status))
PY
mkdir "$tmp/tty"
python3 "$tmp/run_on_pty.py" "$tmp/tty" "$prog" --mode optimal --today 2026-11-25 \
  "$sample" > "$tmp/tty.out" 2>&1 &&
  grep -q '\] 100% ' "$tmp/tty.out" && grep -q '#####' "$tmp/tty.out" &&
  cmp -s "$tmp/tty/huangshi-sample.optimal.xml" "$tmp/huangshi-sample.optimal.xml"
tap $? "a progress bar on a terminal, and the same assignment"

# 11: usage errors exit 2, an unreadable document 1.
"$prog" --mode best "$sample" > /dev/null 2>&1; a=$?
"$prog" --groups no-such-group "$sample" > /dev/null 2>&1; b=$?
(cd "$tmp" && "$prog" "$tmp/missing.xml" > /dev/null 2>&1); c=$?
[ $a = 2 ] && [ $b = 2 ] && [ $c = 1 ]
tap $? "exit 2 for a bad mode ($a) or group ($b), 1 for a missing document ($c)"

# 12: --db keeps the store, and openings count only the fair's jobs even
# when the store holds others.
printf '<libmatch version="1"><job id="XJ1" openings="40"><title>x</title></job></libmatch>\n' > "$tmp/other.xml"
(cd "$tmp" && "$prog" --db fair.db --today 2026-11-25 other.xml > /dev/null 2>&1 &&
  "$prog" --db fair.db --mode optimal --today 2026-11-25 "$sample" > db.out 2>&1) &&
  [ "$(sed -n 's/^openings *//p' "$tmp/db.out")" = "$(sed -n 's/^openings *//p' "$tmp/optimal.out")" ] &&
  [ "$(sed -n 's/^jobs *//p' "$tmp/db.out")" = "$(sed -n 's/^jobs *//p' "$tmp/optimal.out")" ]
tap $? "--db: a store holding other jobs changes neither jobs nor openings"
exit 0
