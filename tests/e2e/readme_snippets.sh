#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Every C block of README.org compiles. A block is "#+begin_src c" ...
# "#+end_src"; its header line may say ":target bpf" (BPF code: clang
# -target bpf) and ":scope file" (file scope rather than a function body).
# What a block may assume is in tests/readme/{user,bpf}_context.h.
# Prints TAP, one line per block, named by its line in README.org.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CC=${CC:-cc}
CLANG=${CLANG:-clang}
readme=$root/README.org

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
multiarch=$($CC -print-multiarch 2>/dev/null)
[ -n "$multiarch" ] || multiarch=$(uname -m)-linux-gnu

# Split the blocks into files: NNN.<bpf|user>.<fn|file>.c, NNN = line.
awk -v dir="$tmp" '
	/^#\+begin_src c([ \t]|$)/ {
		target = ($0 ~ /:target bpf/) ? "bpf" : "user"
		scope = ($0 ~ /:scope file/) ? "file" : "fn"
		out = sprintf("%s/%04d.%s.%s.c", dir, NR, target, scope)
		next
	}
	/^#\+end_src/ { if (out != "") close(out); out = ""; next }
	out != "" { print > out }
' "$readme"

blocks=("$tmp"/*.c)
if [ ! -e "${blocks[0]}" ]; then
	echo "1..1"
	echo "not ok 1 - README.org has C blocks to compile # none found"
	exit 0
fi
echo "1..${#blocks[@]}"

n=0
for block in "${blocks[@]}"; do
	n=$((n + 1))
	name=$(basename "$block" .c)
	line=$((10#${name%%.*}))
	target=$(echo "$name" | cut -d. -f2)
	scope=$(echo "$name" | cut -d. -f3)
	unit=$tmp/unit-$n.c
	if [ "$target" = bpf ]; then
		{
			echo '#include "bpf_context.h"'
			if [ "$scope" = file ]; then
				echo "#line $((line + 1)) \"README.org\""; cat "$block"
			else
				echo 'SEC("xdp") int readme_snippet(struct xdp_md *ctx) {'
				echo "#line $((line + 1)) \"README.org\""; cat "$block"
				echo 'return XDP_PASS; }'
			fi
			echo 'char LICENSE[] SEC("license") = "Dual BSD/GPL";'
		} >"$unit"
		cmd=("$CLANG" -O2 -g -target bpf -Wall -Werror -Wno-unused-variable
		     -I"/usr/include/$multiarch" -I"$root/tests/readme" -I"$root/headers"
		     -c "$unit" -o "$tmp/unit-$n.o")
	else
		{
			echo '#include "user_context.h"'
			if [ "$scope" = file ]; then
				echo "#line $((line + 1)) \"README.org\""; cat "$block"
			else
				echo 'void readme_snippet(struct bpf_object *obj, struct btf *btf, void *pkt,'
				echo '                    __u64 now_ns, __u32 prog_id);'
				echo 'void readme_snippet(struct bpf_object *obj, struct btf *btf, void *pkt,'
				echo '                    __u64 now_ns, __u32 prog_id) {'
				echo "#line $((line + 1)) \"README.org\""; cat "$block"
				echo '}'
			fi
		} >"$unit"
		cmd=("$CC" -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter
		     -Wno-unused-variable -Wno-unused-but-set-variable
		     -I"$root" -I"$root/tests/readme" -c "$unit" -o "$tmp/unit-$n.o")
	fi
	if "${cmd[@]}" >"$tmp/err" 2>&1; then
		echo "ok $n - README.org line $line ($target C, $scope scope) compiles"
	else
		echo "not ok $n - README.org line $line ($target C, $scope scope) compiles"
		sed 's/^/#   /' "$tmp/err" | head -n 15
	fi
done
