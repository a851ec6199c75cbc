#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Every C block of README.org and of docs/ (*.org, *.md) compiles, and
# every command line in their shell blocks names only options the tool has.
#
# A C block is "#+begin_src c" ... "#+end_src" (Org) or "```c" ... "```"
# (Markdown); its header line may say ":target bpf" (BPF code: clang
# -target bpf) and ":scope file" (file scope rather than a function body).
# What a block may assume is in tests/readme/{user,bpf}_context.h.
# A command is a line of a "#+begin_src sh" block (or "```sh"): each long
# option of an af_xdp_user or xdp_hints_traffic command must be in that
# tool's --help, each "make X" a target of the Makefile, each script it
# runs must exist. Every [[file:PATH]] link of an Org document (and
# ](PATH) of a Markdown one) names a file that exists. Prints TAP, one line
# per block, named FILE line N, and one per document for its links.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CC=${CC:-cc}
CLANG=${CLANG:-clang}
BUILD=${BUILD:-$root/build}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
multiarch=$($CC -print-multiarch 2>/dev/null)
[ -n "$multiarch" ] || multiarch=$(uname -m)-linux-gnu

docs=(README.org)
for f in "$root"/docs/*.org "$root"/docs/*.md; do
	[ -e "$f" ] && docs+=("${f#"$root"/}")
done

# Split the blocks into files: DOC.NNNNN.<bpf|user>.<fn|file>.c and
# DOC.NNNNN.sh, DOC = the document's index, NNNNN = its line.
d=0
for doc in "${docs[@]}"; do
	d=$((d + 1))
	echo "$doc" >"$tmp/doc-$d"
	awk -v dir="$tmp" -v d="$d" '
		/^#\+begin_src c([ \t]|$)/ || /^```c([ \t]|$)/ {
			target = ($0 ~ /:target bpf/) ? "bpf" : "user"
			scope = ($0 ~ /:scope file/) ? "file" : "fn"
			out = sprintf("%s/%02d.%05d.%s.%s.c", dir, d, NR, target, scope)
			next
		}
		/^#\+begin_src (sh|bash)([ \t]|$)/ || /^```(sh|bash)([ \t]|$)/ {
			out = sprintf("%s/%02d.%05d.sh", dir, d, NR)
			next
		}
		/^#\+end_src/ || /^```[ \t]*$/ { if (out != "") close(out); out = ""; next }
		out != "" { print > out }
	' "$root/$doc"
done

blocks=("$tmp"/[0-9]*.c)
commands=("$tmp"/[0-9]*.sh)
[ -e "${commands[0]}" ] || commands=()
if [ ! -e "${blocks[0]}" ]; then
	echo "1..1"
	echo "not ok 1 - README.org and docs/ have C blocks to compile # none found"
	exit 0
fi
echo "1..$((${#blocks[@]} + ${#commands[@]} + ${#docs[@]}))"

n=0
for block in "${blocks[@]}"; do
	n=$((n + 1))
	name=$(basename "$block" .c)
	readme=$(cat "$tmp/doc-$((10#${name%%.*}))")
	name=${name#*.}
	line=$((10#${name%%.*}))
	target=$(echo "$name" | cut -d. -f2)
	scope=$(echo "$name" | cut -d. -f3)
	unit=$tmp/unit-$n.c
	if [ "$target" = bpf ]; then
		{
			echo '#include "bpf_context.h"'
			if [ "$scope" = file ]; then
				echo "#line $((line + 1)) \"$readme\""; cat "$block"
			else
				echo 'SEC("xdp") int readme_snippet(struct xdp_md *ctx) {'
				echo "#line $((line + 1)) \"$readme\""; cat "$block"
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
				echo "#line $((line + 1)) \"$readme\""; cat "$block"
			else
				echo 'void readme_snippet(struct bpf_object *obj, struct btf *btf, void *pkt,'
				echo '                    __u64 now_ns, __u32 prog_id);'
				echo 'void readme_snippet(struct bpf_object *obj, struct btf *btf, void *pkt,'
				echo '                    __u64 now_ns, __u32 prog_id) {'
				echo "#line $((line + 1)) \"$readme\""; cat "$block"
				echo '}'
			fi
		} >"$unit"
		cmd=("$CC" -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter
		     -Wno-unused-variable -Wno-unused-but-set-variable
		     -I"$root" -I"$root/tests/readme" -c "$unit" -o "$tmp/unit-$n.o")
	fi
	if "${cmd[@]}" >"$tmp/err" 2>&1; then
		echo "ok $n - $readme line $line ($target C, $scope scope) compiles"
	else
		echo "not ok $n - $readme line $line ($target C, $scope scope) compiles"
		sed 's/^/#   /' "$tmp/err" | head -n 15
	fi
done

# The options each tool accepts, from its own --help.
"$BUILD/af_xdp_user" --help >"$tmp/help.af_xdp_user" 2>&1
"$BUILD/xdp_hints_traffic" --help >"$tmp/help.xdp_hints_traffic" 2>&1
targets=$(sed -n 's/^\.PHONY: *//p' "$root/Makefile" | tr ' ' '\n')

# One command block: what is wrong with it, one line per fault, or nothing.
command_faults() { # block
	local cmd opt tool target script
	# Join continuation lines, drop comments.
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$1" | sed 's/[[:space:]]#.*//' |
	while IFS= read -r cmd; do
		for tool in af_xdp_user xdp_hints_traffic; do
			# the tool as a command word (after sudo, a path, or a pipe), not a file name
			grep -qE "(^|[[:space:]|;&(/])$tool([[:space:]]|\$)" <<<"$cmd" || continue
			# options up to the next command of a pipe or list
			sed -E "s/.*(^|[[:space:]|;&(/])$tool([[:space:]]|\$)//; s/[|;&].*//" <<<"$cmd" |
				grep -oE -- '(^|[[:space:]])--[a-z][a-z0-9-]*' | tr -d ' \t' |
				while read -r opt; do
					grep -qE -- "$opt([^a-z0-9-]|\$)" "$tmp/help.$tool" ||
						echo "$tool has no option $opt: $cmd"
				done
		done
		for target in $(grep -oE '(^|[[:space:]])make [a-z][a-z-]*' <<<"$cmd" | awk '{ print $2 }'); do
			grep -qx "$target" <<<"$targets" || echo "no make target '$target': $cmd"
		done
		for script in $(grep -oE '(^|[[:space:]])(scripts|tests|bench|examples)/[A-Za-z0-9_./-]+' <<<"$cmd"); do
			[ -e "$root/$script" ] || echo "no file $script: $cmd"
		done
	done
}

for block in "${commands[@]}"; do
	n=$((n + 1))
	name=$(basename "$block" .sh)
	readme=$(cat "$tmp/doc-$((10#${name%%.*}))")
	line=$((10#${name#*.}))
	faults=$(command_faults "$block")
	if [ -z "$faults" ]; then
		echo "ok $n - $readme line $line: every command names what exists"
	else
		echo "not ok $n - $readme line $line: every command names what exists"
		sed 's/^/#   /' <<<"$faults" | head -n 10
	fi
done

# Links between the documents, and to files of the tree, resolve.
for doc in "${docs[@]}"; do
	n=$((n + 1))
	dir=$(dirname "$root/$doc")
	broken=$(grep -oE '\[\[file:[^]:]+|\]\([^)#: ]+\)' "$root/$doc" |
		sed -E 's/^\[\[file://; s/^\]\(//; s/\)$//' | sort -u |
		while read -r target; do
			[ -e "$dir/$target" ] || echo "$target"
		done | tr '\n' ' ')
	if [ -z "$broken" ]; then
		echo "ok $n - $doc: every file link resolves"
	else
		echo "not ok $n - $doc: every file link resolves # broken: $broken"
	fi
done
