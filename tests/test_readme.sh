#!/bin/sh
# The README keeps its promises: it opens with the two commands, .ci/run
# runs the second, its C example compiles and prints what it says, and
# the first command's program runs on the bundled data it names.  TAP.
readme="$LM_SRCDIR/README.md"
echo "1..5"
block=$(awk '/^```sh/{b=1; next} /^```/{if (b) exit} b' "$readme")
first_line=$(grep -v '^$' "$readme" | sed -n 2p)
if [ "$(echo "$block" | wc -l)" -eq 2 ] && [ "$first_line" = '```sh' ]; then
  echo "ok 1 - README opens with exactly two commands"
else
  echo "not ok 1 - README opens with exactly two commands"
fi
if echo "$block" | sed -n 2p | grep -q 'make.* check' &&
   grep -q 'README.md' "$LM_SRCDIR/.ci/run"; then
  echo "ok 2 - the second command runs the tests and .ci/run takes it from the README"
else
  echo "not ok 2 - the second command runs the tests and .ci/run takes it from the README"
fi
tmp=${TMPDIR:-/tmp}/lm-readme.$$
mkdir -p "$tmp"
awk '/readme-example/{f=1; next} f && /^```c/{b=1; next} b && /^```/{exit} b' \
  "$readme" > "$tmp/example.c"
if ${CC:-cc} $CFLAGS -std=c11 -Wall -Werror -I"$LM_SRCDIR/libmatch/include" $LDFLAGS \
     -o "$tmp/example" "$tmp/example.c" \
     -L"$LM_BUILDDIR/libmatch/.libs" -lmatch > "$tmp/log" 2>&1; then
  echo "ok 3 - the README's C example compiles"
else
  echo "not ok 3 - the README's C example compiles"; sed 's/^/# /' "$tmp/log"
fi
out=$(cd "$tmp" && LD_LIBRARY_PATH="$LM_BUILDDIR/libmatch/.libs" ./example 2>&1)
promised=$(sed -n 's/^It prints `\(.*\)` and `\(.*\)`\.$/\1\n\2/p' "$readme")
if [ -n "$promised" ] && [ "$out" = "$promised" ]; then
  echo "ok 4 - the example prints what the README says"
else
  echo "not ok 4 - the example prints what the README says"
  echo "$out" | sed 's/^/# got: /'; echo "$promised" | sed 's/^/# want: /'
fi
# The first command after the build, with its paths taken to the build
# tree (the program) and the source tree (the data): it must run and
# print the fair's summary.
run=$(echo "$block" | sed -n 1p | sed 's/.*make -j2 && //')
prog=$(echo "$run" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^examples\//) { print $i; exit } }')
args=$(echo "$run" | sed "s#^.*$prog##; s# examples/# $LM_SRCDIR/examples/#g")
if [ "$prog" = examples/fair/fair ] && [ -x "$LM_BUILDDIR/$prog" ] &&
   (cd "$tmp" && eval "LIBMATCH_SKILLS='$LM_SRCDIR/libmatch/data/skills.tsv' '$LM_BUILDDIR/$prog' $args" > first.out 2>&1) &&
   grep -q '^matched ' "$tmp/first.out" && grep -q '^key group' "$tmp/first.out"; then
  echo "ok 5 - the first command runs examples/fair/fair on the bundled sample"
else
  echo "not ok 5 - the first command runs examples/fair/fair on the bundled sample"
  sed 's/^/# /' "$tmp/first.out" 2> /dev/null | head -20
fi
rm -rf "$tmp"
