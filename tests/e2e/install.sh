#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `make install` into a temporary DESTDIR: the receiver, the library (static
# and shared) with its header and pkg-config file, and the manual page. The
# example then builds against the installed library through pkg-config
# alone, and runs. The manual page documents every option --help lists.
# Prints TAP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$root/build}
obj=$BUILD/tests/hint_structs.bpf.o

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
prefix=/usr/local

n=0
check() { # description command...
	local desc=$1; shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc # $(tail -n 3 "$tmp/out" | tr '\n' '|')"
	fi
}

echo "1..11"
check "make install DESTDIR=... PREFIX=$prefix" \
	make -C "$root" --no-print-directory BUILD="$BUILD" DESTDIR="$dest" PREFIX="$prefix" install
for f in sbin/af_xdp_user lib/libxsk_extend.a lib/libxsk_extend.so lib/libxsk_extend.so.0 \
	 include/lib_xsk_extend.h lib/pkgconfig/xsk_extend.pc share/man/man8/af_xdp_user.8; do
	check "installed $prefix/$f" test -e "$dest$prefix/$f"
done

# pkg-config sees the tree as if installed: the sysroot prefixes its paths.
export PKG_CONFIG_PATH=$dest$prefix/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
check "example builds with pkg-config xsk_extend only" \
	bash -c "cc -O2 '$root/examples/hint_decoder.c' \$(pkg-config --cflags --libs xsk_extend) -lbpf -o '$tmp/hint_decoder'"
check "example runs against the installed shared library" \
	bash -c "LD_LIBRARY_PATH='$dest$prefix/lib' '$tmp/hint_decoder' '$obj' | grep -q xdp_hints_rx_time"

# Every long option of --help appears in the manual page.
help_opts=$("$BUILD/af_xdp_user" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
# troff writes a hyphen as \-: undo that to read the option names.
man_opts=$(sed 's/\\-/-/g' "$dest$prefix/share/man/man8/af_xdp_user.8" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
missing=$(comm -23 <(echo "$help_opts") <(echo "$man_opts") | tr '\n' ' ')
n=$((n + 1))
if [ -n "$help_opts" ] && [ -z "$missing" ]; then
	echo "ok $n - manual page documents all $(echo "$help_opts" | wc -l) options of --help"
else
	echo "not ok $n - manual page documents every option of --help # missing: ${missing:-no --help output}"
fi
