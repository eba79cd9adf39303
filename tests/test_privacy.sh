#!/bin/sh
# Personal data never appears in text libmatch produces: ingest errors,
# record errors, rankings, explanations, advice, the export without
# LM_EXPORT_PERSONAL, nor in any log of the test suite.  The personal
# export is the control: the numbers are in the store.  TAP.
driver="$LM_BUILDDIR/tests/privacy_driver"
tmp=${TMPDIR:-/tmp}/lm-privacy.$$
# Fake but well-formed: the 99 region code does not exist.
phone=17099990001
idn=990000199001019990
echo "1..4"
"$driver" "$phone" "$idn" > "$tmp.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^== end' "$tmp.out"; then
  echo "ok 1 - the driver ran every path"
else
  echo "not ok 1 - the driver failed (exit $rc)"
  grep FAILED "$tmp.out" | sed 's/^/# /'
fi
# Everything before the personal export must be free of the numbers.
sed '/^== personal export/,$d' "$tmp.out" > "$tmp.public"
if grep -n -e "$phone" -e "$idn" "$tmp.public" > "$tmp.hits"; then
  echo "not ok 2 - personal data in libmatch's output"
  # The lines, with the numbers masked: the log must not hold them either.
  sed -e "s/$phone/<phone>/g" -e "s/$idn/<id>/g" "$tmp.hits" | sed 's/^/# /'
else
  echo "ok 2 - no phone or ID number in errors, reasons, advice or export ($(wc -l < "$tmp.public") lines)"
fi
# The control, and proof that the bad records were seen and reported.
if sed -n '/^== personal export/,$p' "$tmp.out" | grep -q "phone=\"$phone\"" &&
   [ "$(grep -c '^error ' "$tmp.public")" -ge 6 ] &&
   grep -q '^J2 ' "$tmp.public"; then
  echo "ok 3 - the numbers are stored, the bad records reported, the seekers ranked"
else
  echo "not ok 3 - the test did not reach what it checks"
fi
# Every log of the suite so far: the numbers of this test and of the test
# data (tests/data, examples/data), which other tests ingest.
{
  echo "$phone"; echo "$idn"
  cat "$LM_SRCDIR"/tests/data/*.xml "$LM_SRCDIR"/examples/data/*.xml |
    grep -o -e 'phone="[^"]*"' -e 'id-number="[^"]*"' |
    sed 's/.*="\(.*\)"/\1/'
} | sort -u > "$tmp.numbers"
logs=$(ls "$LM_BUILDDIR"/tests/*.log "$LM_BUILDDIR"/tests/*.trs 2>/dev/null |
       grep -v 'test_privacy\.')
if [ -n "$logs" ] && grep -l -F -f "$tmp.numbers" $logs > "$tmp.files"; then
  echo "not ok 4 - personal data in test logs"
  sed 's/^/# /' "$tmp.files"
else
  echo "ok 4 - no phone or ID number in $(echo $logs | wc -w) test logs ($(wc -l < "$tmp.numbers") numbers)"
fi
rm -f "$tmp.out" "$tmp.public" "$tmp.hits" "$tmp.numbers" "$tmp.files"
