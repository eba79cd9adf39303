#!/bin/sh
# A portal builds against the installed library with pkg-config alone:
# install into a scratch prefix, compile and run a program there.  TAP.
echo "1..2"
prefix=${TMPDIR:-/tmp}/lm-pc.$$
cd "$LM_BUILDDIR" || exit 1
# Install what `make install` installs, without a recursive make that could
# race the make running this test.
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include" "$prefix/share/libmatch"
if ./libtool --mode=install install -c libmatch/libmatch.la "$prefix/lib" \
     >"$prefix.log" 2>&1 && \
   install -m 644 "$LM_SRCDIR/libmatch/include/libmatch.h" "$prefix/include" && \
   install -m 644 "$LM_SRCDIR/libmatch/data/skills.tsv" "$prefix/share/libmatch" && \
   install -m 644 libmatch.pc "$prefix/lib/pkgconfig" && \
   grep -q '^Requires.private: libxml-2.0 sqlite3 libpcre2-8' libmatch.pc && \
   [ -f "$prefix/include/libmatch.h" ] && \
   [ -f "$prefix/share/libmatch/skills.tsv" ] && \
   [ -f "$prefix/lib/pkgconfig/libmatch.pc" ]; then
  echo "ok 1 - the library, header, .pc and data install into a prefix"
else
  echo "not ok 1 - install into a prefix"; sed 's/^/# /' "$prefix.log" | tail -n 20
fi
cat > "$prefix.c" <<'C'
#include <libmatch.h>
#include <stdio.h>
int main(void)
{
  lm_engine *e = NULL;
  if (lm_engine_open(&e, ":memory:", NULL) != LM_OK) {
    fprintf(stderr, "%s\n", lm_errmsg(NULL));
    return 1;
  }
  lm_engine_close(e);
  return lm_version_number() == LM_VERSION_NUMBER ? 0 : 1;
}
C
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# The scratch prefix is not the configured one, so point the library at the
# dictionary installed there.
if ${CC:-cc} $CFLAGS $LDFLAGS -o "$prefix.bin" "$prefix.c" $(pkg-config --define-variable=prefix="$prefix" --cflags --libs libmatch) \
     >>"$prefix.log" 2>&1 && \
   LIBMATCH_SKILLS="$prefix/share/libmatch/skills.tsv" LD_LIBRARY_PATH="$prefix/lib" "$prefix.bin" >>"$prefix.log" 2>&1; then
  echo "ok 2 - a program built with pkg-config opens an engine"
else
  echo "not ok 2 - build with pkg-config"; sed 's/^/# /' "$prefix.log" | tail -n 20
fi
rm -rf "$prefix" "$prefix.c" "$prefix.bin" "$prefix.log"
