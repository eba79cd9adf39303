#!/bin/sh
# tests/stress (tests/stress.c) for a short while: 8 query threads, a
# writer thread and a second process on one database file.  TAP; the
# driver reads the lines.  LM_STRESS_SECONDS overrides the 3 s.
prog="${LM_BUILDDIR:-.}/tests/stress"
echo "1..1"
if [ ! -x "$prog" ]; then
  echo "not ok 1 - stress program built ($prog missing)"
  exit 0
fi
out=$(LM_STRESS_SECONDS="${LM_STRESS_SECONDS:-3}" "$prog" 2>&1)
status=$?
echo "$out" | sed 's/^/# /'
if [ $status -eq 0 ]; then
  echo "ok 1 - no error, no torn read, no half batch under concurrent writes"
else
  echo "not ok 1 - stress found problems (exit $status)"
fi
exit 0
