#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `make install` into a temporary DESTDIR: the receiver, the library (static
# and shared, in the multiarch libdir on Debian) with its headers under
# include/xsk_extend/, its pkg-config file and its manual page. The example
# then builds against the installed library through pkg-config alone
# (libbpf comes in through Requires:), and runs. The shared library exports
# exactly the header's functions, each versioned; the manual pages document
# every option of --help and every function of the header. Prints TAP.
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

multiarch=$(cc -print-multiarch 2>/dev/null)
if [ -n "$multiarch" ] && [ -d "/usr/lib/$multiarch" ]; then libsub=lib/$multiarch; else libsub=lib; fi
header=$root/lib_xsk_extend.h

echo "1..17"
check "make install DESTDIR=... PREFIX=$prefix" \
	make -C "$root" --no-print-directory BUILD="$BUILD" DESTDIR="$dest" PREFIX="$prefix" install
for f in sbin/af_xdp_user $libsub/libxsk_extend.a $libsub/libxsk_extend.so $libsub/libxsk_extend.so.1 \
	 include/xsk_extend/lib_xsk_extend.h include/xsk_extend/xdp_hint_stamp.h \
	 $libsub/pkgconfig/xsk_extend.pc share/man/man8/af_xdp_user.8 share/man/man3/lib_xsk_extend.3; do
	check "installed $prefix/$f" test -e "$dest$prefix/$f"
done

# pkg-config sees the tree as if installed: the sysroot prefixes its paths.
export PKG_CONFIG_PATH=$dest$prefix/$libsub/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
check "xsk_extend.pc carries libbpf in Requires (public: the header uses its types)" \
	bash -c "pkg-config --print-requires xsk_extend | grep -qx 'libbpf'"
check "example builds with \$(pkg-config --cflags --libs xsk_extend) and nothing else" \
	bash -c "cc -O2 -Wall -Werror '$root/examples/hint_decoder.c' \$(pkg-config --cflags --libs xsk_extend) -o '$tmp/hint_decoder'"
check "example runs against the installed shared library" \
	bash -c "LD_LIBRARY_PATH='$dest$prefix/$libsub' '$tmp/hint_decoder' '$obj' | grep -q xdp_hints_rx_time"
check "example links the installed shared library, not a copy" \
	bash -c "LD_LIBRARY_PATH='$dest$prefix/$libsub' ldd '$tmp/hint_decoder' | grep -q '$dest$prefix/$libsub/libxsk_extend.so.1'"

# The functions the header declares (not its static inlines) ...
declared=$(grep -oE '^[a-z_][a-z0-9_ ]*[ *]+(xsk_[a-z0-9_]+__[a-z0-9_]+)\(' "$header" | grep -v '^static' |
	   grep -oE 'xsk_[a-z0-9_]+__[a-z0-9_]+' | sort -u)
# ... and what the shared library exports, with its version.
exported=$(nm -D --defined-only "$dest$prefix/$libsub/libxsk_extend.so" | awk '$2 == "T" { print $3 }' | sort -u)
n=$((n + 1))
want=$(echo "$declared" | sed 's/$/@@XSK_EXTEND_0.2/')
if [ -n "$declared" ] && [ "$exported" = "$want" ]; then
	echo "ok $n - the shared library exports exactly the header's $(echo "$declared" | wc -l) functions, versioned XSK_EXTEND_0.2"
else
	echo "not ok $n - exported symbols differ from the header's functions # $(diff <(echo "$want") <(echo "$exported") | tr '\n' ' ')"
fi

# Every function of the header, inline ones too, is in the library's manual page.
all_functions=$(grep -oE '(xsk_[a-z0-9_]+__[a-z0-9_]+)\(' "$header" | tr -d '(' | sort -u)
man3_text=$(sed 's/\\f[BIRP]//g; s/\\-/-/g' "$dest$prefix/share/man/man3/lib_xsk_extend.3")
missing=$(for f in $all_functions; do grep -q "$f" <<<"$man3_text" || echo "$f"; done | tr '\n' ' ')
n=$((n + 1))
if [ -n "$all_functions" ] && [ -z "$missing" ]; then
	echo "ok $n - lib_xsk_extend(3) documents all $(echo "$all_functions" | wc -l) functions of the header"
else
	echo "not ok $n - lib_xsk_extend(3) documents every function of the header # missing: ${missing:-no functions found}"
fi

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
