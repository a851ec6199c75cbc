#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `make install` into a temporary DESTDIR: the receiver, libxsk_extend
# (static, and shared as libxsk_extend.so.1.0.0 with soname .so.1, in the
# multiarch libdir on Debian) with its headers under include/xsk_extend/,
# its pkg-config module libxsk_extend and its manual page libxsk_extend(3).
# The example then builds against the installed library through pkg-config
# alone (libbpf comes in through Requires:), and runs. The shared library
# exports exactly the header's functions, each at LIBXSK_EXTEND_1.0.0, none
# in libxdp's families (xsk_umem__, xsk_socket__, xsk_ring_, xsk_setup_);
# the versions agree (file name, soname, node, header, .pc); the manual
# pages document every option of --help and every function of the header.
# The traffic generator, the report's JSON schema, the experiment scripts
# and both tools' bash completions are installed too, and `make uninstall`
# removes every file install wrote. Prints TAP.
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

check "make install DESTDIR=... PREFIX=$prefix" \
	make -C "$root" --no-print-directory BUILD="$BUILD" DESTDIR="$dest" PREFIX="$prefix" install
for f in sbin/af_xdp_user $libsub/libxsk_extend.a $libsub/libxsk_extend.so $libsub/libxsk_extend.so.1 \
	 $libsub/libxsk_extend.so.1.0.0 \
	 include/xsk_extend/lib_xsk_extend.h include/xsk_extend/lib_xsk_extend_compat.h \
	 include/xsk_extend/xdp_hint_stamp.h \
	 $libsub/pkgconfig/libxsk_extend.pc share/man/man8/af_xdp_user.8 share/man/man3/libxsk_extend.3 \
	 sbin/xdp_hints_traffic share/xdp-hints/af_xdp_user.schema.json \
	 share/bash-completion/completions/af_xdp_user share/bash-completion/completions/xdp_hints_traffic \
	 share/xdp-hints/scripts/experiment.sh share/xdp-hints/scripts/plot_latency.sh; do
	check "installed $prefix/$f" test -e "$dest$prefix/$f"
done

# pkg-config sees the tree as if installed: the sysroot prefixes its paths.
export PKG_CONFIG_PATH=$dest$prefix/$libsub/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
check "libxsk_extend.pc carries libbpf in Requires (public: the header uses its types)" \
	bash -c "pkg-config --print-requires libxsk_extend | grep -qx 'libbpf'"
check "example builds with \$(pkg-config --cflags --libs libxsk_extend) and nothing else" \
	bash -c "cc -O2 -Wall -Werror '$root/examples/hint_decoder.c' \$(pkg-config --cflags --libs libxsk_extend) -o '$tmp/hint_decoder'"
check "example runs against the installed shared library" \
	bash -c "LD_LIBRARY_PATH='$dest$prefix/$libsub' '$tmp/hint_decoder' '$obj' | grep -q xdp_hints_rx_time"
check "example links the installed shared library, not a copy" \
	bash -c "LD_LIBRARY_PATH='$dest$prefix/$libsub' ldd '$tmp/hint_decoder' | grep -q '$dest$prefix/$libsub/libxsk_extend.so.1'"

# The functions the header declares (not its static inlines) ...
declared=$(grep -oE '^[a-z_][a-z0-9_ ]*[ *]+(xsk_hints?[a-z0-9_]*)\(' "$header" | grep -v '^static' |
	   grep -oE 'xsk_hints?[a-z0-9_]*\($' | tr -d '(' | sort -u)
# ... and what the shared library exports, with its version.
exported=$(nm -D --defined-only "$dest$prefix/$libsub/libxsk_extend.so" | awk '$2 == "T" { print $3 }' | sort -u)
n=$((n + 1))
want=$(echo "$declared" | sed 's/$/@@LIBXSK_EXTEND_1.0.0/')
if [ -n "$declared" ] && [ "$exported" = "$want" ]; then
	echo "ok $n - the shared library exports exactly the header's $(echo "$declared" | wc -l) functions, versioned LIBXSK_EXTEND_1.0.0"
else
	echo "not ok $n - exported symbols differ from the header's functions # $(diff <(echo "$want") <(echo "$exported") | tr '\n' ' ')"
fi

# Nothing in libxdp's families (<xdp/xsk.h>: xsk_umem__, xsk_socket__,
# xsk_ring_prod__, xsk_ring_cons__, xsk_setup_xdp_prog): a program linking
# both libraries must never get ours for theirs.
all_exported=$(nm -D --defined-only "$dest$prefix/$libsub/libxsk_extend.so" | awk '{ print $3 }')
in_libxdp=$(grep -E '^(xsk_umem__|xsk_socket__|xsk_ring_|xsk_setup_)' <<<"$all_exported" | tr '\n' ' ')
n=$((n + 1))
if [ -n "$all_exported" ] && [ -z "$in_libxdp" ]; then
	echo "ok $n - no exported symbol in libxdp's xsk_umem__/xsk_socket__/xsk_ring_ families (nm -D)"
else
	echo "not ok $n - exported symbols in libxdp's families # ${in_libxdp:-nothing exported}"
fi

# One version: file name, soname, symbol node, header and .pc agree.
so_file=$(cd "$dest$prefix/$libsub" && ls libxsk_extend.so.*.*.* 2>/dev/null)
version=${so_file#libxsk_extend.so.}
major=${version%%.*}
minor=${version#*.}; minor=${minor%%.*}
soname=$(objdump -p "$dest$prefix/$libsub/$so_file" 2>/dev/null | awk '$1 == "SONAME" { print $2 }')
hdr_major=$(awk '/#define XSK_EXTEND_MAJOR_VERSION/ { print $3 }' "$header")
hdr_minor=$(awk '/#define XSK_EXTEND_MINOR_VERSION/ { print $3 }' "$header")
pc_version=$(pkg-config --modversion libxsk_extend 2>/dev/null)
n=$((n + 1))
if [ -n "$version" ] && [ "$soname" = "libxsk_extend.so.$major" ] && [ "$hdr_major.$hdr_minor" = "$major.$minor" ] &&
   [ "$pc_version" = "$version" ] && grep -q "@@LIBXSK_EXTEND_$major.$minor.0" <<<"$exported"; then
	echo "ok $n - one version: $so_file, soname $soname, node LIBXSK_EXTEND_$major.$minor.0, header $hdr_major.$hdr_minor, pkg-config $pc_version"
else
	echo "not ok $n - versions disagree # file '$so_file' soname '$soname' header '$hdr_major.$hdr_minor' pc '$pc_version'"
fi

# The original API compiles from the installed headers: a 2022-style call.
check "a program written against the original API builds against the installed headers" \
	bash -c "printf '#include \"lib_xsk_extend.h\"\nint main(void) { struct xsk_btf_info *x = 0; return xsk_btf__init_xdp_hint(0, \"h\", &x) == -EINVAL ? 0 : 1; }\n' |
		 cc -DXSK_EXTEND_ORIGINAL_API -Wall -Werror -x c - \$(pkg-config --cflags --libs libxsk_extend) -o '$tmp/orig' &&
		 LD_LIBRARY_PATH='$dest$prefix/$libsub' '$tmp/orig'"

# Every function of the header, inline ones too, is in the library's manual page.
all_functions=$(grep -oE '(xsk_hints?[a-z0-9_]*)\(' "$header" | tr -d '(' | sort -u)
man3_text=$(sed 's/\\f[BIRP]//g; s/\\-/-/g' "$dest$prefix/share/man/man3/libxsk_extend.3")
missing=$(for f in $all_functions; do grep -q "$f" <<<"$man3_text" || echo "$f"; done | tr '\n' ' ')
n=$((n + 1))
if [ -n "$all_functions" ] && [ -z "$missing" ]; then
	echo "ok $n - libxsk_extend(3) documents all $(echo "$all_functions" | wc -l) functions of the header"
else
	echo "not ok $n - libxsk_extend(3) documents every function of the header # missing: ${missing:-no functions found}"
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

# The installed generator says its version; its completion is bash that
# offers every long option of its --help and the interfaces as the argument.
gen=$dest$prefix/sbin/xdp_hints_traffic
comp=$dest$prefix/share/bash-completion/completions/xdp_hints_traffic
check "installed xdp_hints_traffic --version" \
	bash -c "'$gen' --version | grep -qE '^xdp_hints_traffic [0-9]+\.[0-9]+\.[0-9]+ '"
gen_opts=$("$gen" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
comp_opts=$(bash -c ". '$comp'; COMP_WORDS=(xdp_hints_traffic --); COMP_CWORD=1; _xdp_hints_traffic; printf '%s\n' \"\${COMPREPLY[@]}\"" | sort -u)
missing=$(comm -23 <(echo "$gen_opts") <(echo "$comp_opts") | tr '\n' ' ')
n=$((n + 1))
if [ -n "$gen_opts" ] && [ -z "$missing" ]; then
	echo "ok $n - xdp_hints_traffic's completion offers all $(echo "$gen_opts" | wc -l) options of its --help"
else
	echo "not ok $n - xdp_hints_traffic's completion offers every option of --help # missing: ${missing:-no --help output}"
fi
check "xdp_hints_traffic's completion offers hash after --queue-select" \
	bash -c ". '$comp'; COMP_WORDS=(xdp_hints_traffic --queue-select h); COMP_CWORD=2; _xdp_hints_traffic; [ \"\${COMPREPLY[*]}\" = hash ]"
check "af_xdp_user's completion is bash that defines its function" \
	bash -c ". '$dest$prefix/share/bash-completion/completions/af_xdp_user'; declare -F _af_xdp_user"
# bash splits --opt=value at '=': the value is completed all the same.
check "af_xdp_user's completion offers the --umem words after --umem=" \
	bash -c ". '$dest$prefix/share/bash-completion/completions/af_xdp_user'; COMP_WORDS=(af_xdp_user --umem =); COMP_CWORD=2; _af_xdp_user; [ \"\${COMPREPLY[*]}\" = 'per-queue shared' ]"
check "af_xdp_user's completion completes --umem=sh to shared" \
	bash -c ". '$dest$prefix/share/bash-completion/completions/af_xdp_user'; COMP_WORDS=(af_xdp_user --umem = sh); COMP_CWORD=3; _af_xdp_user; [ \"\${COMPREPLY[*]}\" = shared ]"
check "xdp_hints_traffic's completion completes --queue-select=h to hash" \
	bash -c ". '$comp'; COMP_WORDS=(xdp_hints_traffic --queue-select = h); COMP_CWORD=3; _xdp_hints_traffic; [ \"\${COMPREPLY[*]}\" = hash ]"
check "the installed schema is the JSON schema of the reports" \
	bash -c "jq -e '.\"\$schema\"' '$dest$prefix/share/xdp-hints/af_xdp_user.schema.json'"

# Uninstall removes every file install wrote (directories it shares with
# others, like share/man/man8, may stay).
check "make uninstall DESTDIR=... PREFIX=$prefix" \
	make -C "$root" --no-print-directory BUILD="$BUILD" DESTDIR="$dest" PREFIX="$prefix" uninstall
left=$(find "$dest" -type f -o -type l | sed "s#^$dest##")
n=$((n + 1))
if [ -z "$left" ]; then
	echo "ok $n - uninstall leaves no file behind"
else
	echo "not ok $n - uninstall leaves no file behind # left: $(echo "$left" | tr '\n' ' ')"
fi
# The plan last (TAP allows it): the checks above are counted as they run.
echo "1..$n"
