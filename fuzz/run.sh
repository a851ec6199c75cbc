#!/bin/bash
# Builds the libFuzzer targets and runs each for a while.
#   BUILD=/abs/build fuzz/run.sh SECONDS     time-bounded run (make fuzz)
#   BUILD=/abs/build fuzz/run.sh --smoke     fixed seed and run count, TAP output (tests)
# Findings (crash-*, leak-*, timeout-*) land in $BUILD/fuzz/findings/.
#
# Inputs: the corpus kept in the repo (fuzz/corpus/<target>/: raw BTF of the
# hint objects, and one metadata area per hint of af_xdp_kern.c and of the
# test hints), plus seeds made from this build's objects (their .BTF
# sections; a metadata area per xdp_hints_* struct with its current btf_id).
# The smoke run starts from exactly these in a fresh directory, so it is the
# same run every time, whatever an earlier run left in $BUILD/fuzz; the long
# run also keeps what it finds in $BUILD/fuzz/corpus-<target>.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
BUILD=${BUILD:-$top/build}
CLANG=${CLANG:-clang}
out=$BUILD/fuzz
mkdir -p "$out/findings"

smoke=0
seconds=${1:-60}
if [ "$seconds" = "--smoke" ]; then smoke=1; fi

objs="$BUILD/af_xdp_kern.bpf.o:$BUILD/tests/hint_structs.bpf.o:$BUILD/tests/hint_nested.bpf.o:$BUILD/tests/hint_dup_linked.bpf.o"
for o in ${objs//:/ }; do
	[ -f "$o" ] || { echo "fuzz: $o is missing: run make (and make unit-tests) first" >&2; exit 1; }
done

build() { # target extra-cflags...
	local name=$1; shift
	"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I"$top" -I"$top/headers" "$@" "$here/$name.c" "$top/lib_xsk_extend.c" \
		-lbpf -lelf -lz -o "$out/$name"
}

# Seeds from this build: the real BTF of both objects (raw .BTF sections)
# for the registry target; for the decoder, each xdp_hints_* struct's btf_id
# (little-endian) followed by a fixed byte pattern as long as the struct.
seeds=$out/seeds
rm -rf "$seeds"
mkdir -p "$seeds/btf" "$seeds/decode"
for o in ${objs//:/ }; do
	base=$(basename "$o" .bpf.o)
	llvm-objcopy --dump-section .BTF="$seeds/btf/$base.btf" "$o" /dev/null 2>/dev/null ||
		llvm-objcopy-14 --dump-section .BTF="$seeds/btf/$base.btf" "$o" /dev/null
	"${BPFTOOL:-bpftool}" btf dump file "$o" |
		sed -nE "s/^\[([0-9]+)\] STRUCT '(xdp_hints_[a-z_0-9]+)' size=([0-9]+).*/\1 \2 \3/p" |
		while read -r id name size; do
			{
				printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((id & 255)) $((id >> 8 & 255)) \
					$((id >> 16 & 255)) $((id >> 24)))"
				head -c "$size" /dev/zero | tr '\0' '\021'
			} >"$seeds/decode/$base-$name"
		done
done

build fuzz_btf_registry || { echo "fuzz: cannot build fuzz_btf_registry" >&2; exit 1; }
build fuzz_hint_decode -DFUZZ_BTF_FILES="\"$objs\"" || { echo "fuzz: cannot build fuzz_hint_decode" >&2; exit 1; }

n=0
failed=0
[ "$smoke" = 1 ] && echo "1..2"
for target in fuzz_btf_registry fuzz_hint_decode; do
	n=$((n + 1))
	case $target in fuzz_btf_registry) seed=$seeds/btf ;; *) seed=$seeds/decode ;; esac
	log=$out/$target.log
	if [ "$smoke" = 1 ]; then
		# libFuzzer writes new inputs into the first directory: a fresh one.
		corpus=$out/smoke-corpus-$target
		rm -rf "$corpus"
		args=(-seed=1 -runs=30000 -max_len=4096)
	else
		corpus=$out/corpus-$target
		args=(-max_total_time="$seconds" -max_len=4096)
	fi
	mkdir -p "$corpus"
	( cd "$out/findings" && "$out/$target" "${args[@]}" "$corpus" "$here/corpus/$target" "$seed" ) >"$log" 2>&1
	rc=$?
	execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
	if [ "$rc" -eq 0 ]; then
		[ "$smoke" = 1 ] && echo "ok $n - $target: ${execs:-0} execs, no findings" ||
			echo "$target: ${execs:-0} execs, no findings"
	else
		failed=$((failed + 1))
		[ "$smoke" = 1 ] && echo "not ok $n - $target: exit $rc, see $log" ||
			echo "$target: FINDING (exit $rc), see $log and $out/findings"
		grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -n 5
	fi
done
[ "$failed" -eq 0 ]
