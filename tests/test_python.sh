#!/bin/sh
# The Python bindings' pytest suite (bindings/python/tests) against the
# library just built, one TAP line per pytest test.  A missing pytest is a
# failure, not a skip: CI installs python3-pytest.  Needs LM_SRCDIR and
# LM_BUILDDIR; always exits 0, the driver reads the lines.
lib="$LM_BUILDDIR/libmatch/.libs/libmatch.so"
tests="$LM_SRCDIR/bindings/python/tests"

# The first Python that has pytest: the one on PATH, then Debian's.
pytest=
for cand in "python3 -m pytest" "/usr/bin/python3 -m pytest" "pytest-3"; do
  if $cand --version > /dev/null 2>&1; then
    pytest=$cand
    break
  fi
done
if [ -z "$pytest" ]; then
  echo "1..1"
  echo "not ok 1 - pytest found (tried python3 -m pytest," \
    "/usr/bin/python3 -m pytest, pytest-3: install python3-pytest)"
  exit 0
fi
if [ ! -e "$lib" ]; then
  echo "1..1"
  echo "not ok 1 - shared library built ($lib missing)"
  exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lm-python.XXXXXX") || exit 0
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "# pytest: $pytest ($($pytest --version 2>&1 | head -n 1))"

# A library built with AddressSanitizer loads only into a process whose
# first library is the ASan runtime.  Python itself is not instrumented:
# its leaks are not ours, and the quarantine makes RSS meaningless.
if ldd "$lib" 2>/dev/null | grep -q libasan; then
  LD_PRELOAD=$(${CC:-cc} -print-file-name=libasan.so)
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # last wins
  LM_TEST_NO_RSS=1
  export LD_PRELOAD ASAN_OPTIONS LM_TEST_NO_RSS
  echo "# sanitizer build: LD_PRELOAD=$LD_PRELOAD, leak checks off"
fi

# The source tree may be read-only (make distcheck): no bytecode, no cache.
LIBMATCH_LIBRARY=$lib PYTHONDONTWRITEBYTECODE=1 \
  $pytest -p no:cacheprovider -q -rfEs --basetemp="$tmp/base" \
  --junitxml="$tmp/junit.xml" "$tests" > "$tmp/out" 2>&1
status=$?
sed 's/^/# /' "$tmp/out"

# junit XML to TAP, with the Python that ran the tests.
py=${pytest% -m pytest}
[ "$py" = "pytest-3" ] && py=/usr/bin/python3
$py - "$tmp/junit.xml" "$status" <<'PY'
import sys
import xml.etree.ElementTree as ET

path, status = sys.argv[1], int(sys.argv[2])
try:
    cases = list(ET.parse(path).getroot().iter("testcase"))
except (OSError, ET.ParseError):
    cases = []
if not cases:
    print("1..1\nnot ok 1 - pytest ran (exit status %d, see above)" % status)
    sys.exit(0)
print("1..%d" % len(cases))
for n, case in enumerate(cases, 1):
    name = "%s::%s" % (case.get("classname"), case.get("name"))
    bad = case.find("failure")
    if bad is None:
        bad = case.find("error")
    skip = case.find("skipped")
    if bad is not None:
        print("not ok %d - %s" % (n, name))
    elif skip is not None:
        print("ok %d - %s # SKIP %s" % (n, name, skip.get("message", "")))
    else:
        print("ok %d - %s" % (n, name))
PY
