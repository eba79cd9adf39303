#!/bin/sh
# The shared library exports exactly the functions libmatch.h declares with
# LM_EXTERN: nothing internal leaks, nothing documented is missing.  TAP.
hdr="$LM_SRCDIR/libmatch/include/libmatch.h"
lib=$(ls "$LM_BUILDDIR"/libmatch/.libs/libmatch.so.* 2>/dev/null | head -n 1)
echo "1..3"
if [ -z "$lib" ]; then
  echo "not ok 1 - shared library built"; echo "not ok 2 # no library"
  echo "not ok 3 # no library"; exit 0
fi
echo "ok 1 - shared library built ($lib)"
tmp=${TMPDIR:-/tmp}/lm-symbols.$$
# Declarations span lines: join the header, then take the name before '('.
tr '\n' ' ' < "$hdr" | sed 's/;/;\n/g' | grep 'LM_EXTERN' |
  sed -n 's/.*[ *]\(lm_[a-z0-9_]*\)[ ]*(.*/\1/p' | sort -u > "$tmp.doc"
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' |
  grep -v '^_' | sort -u > "$tmp.lib"
if [ -s "$tmp.doc" ] && diff "$tmp.doc" "$tmp.lib" > "$tmp.diff"; then
  echo "ok 2 - exported symbols are the documented API ($(wc -l < "$tmp.doc") functions)"
else
  echo "not ok 2 - exported symbols differ from libmatch.h (< header, > library)"
  sed 's/^/# /' "$tmp.diff"
fi
if grep -Eq 'sqlite3|xml[A-Z]|pcre2' "$hdr"; then
  echo "not ok 3 - no sqlite3, libxml2 or pcre2 type in the public header"
else
  echo "ok 3 - no sqlite3, libxml2 or pcre2 type in the public header"
fi
rm -f "$tmp.doc" "$tmp.lib" "$tmp.diff"
