#!/bin/bash
# Builds the libFuzzer targets and runs each for a while.
#   BUILD=/abs/build fuzz/run.sh SECONDS     time-bounded run (make fuzz)
#   BUILD=/abs/build fuzz/run.sh --smoke     fixed seed and run count, TAP output (tests)
# Findings (crash-*, leak-*, timeout-*) land in $BUILD/fuzz/findings/.
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

# Seeds: the real BTF of both objects (raw .BTF sections) for the registry
# target; real hints for the decoder come from its own mutations.
seeds=$out/seeds
mkdir -p "$seeds/btf" "$seeds/decode"
for o in ${objs//:/ }; do
	llvm-objcopy --dump-section .BTF="$seeds/btf/$(basename "$o" .bpf.o).btf" "$o" /dev/null 2>/dev/null ||
		llvm-objcopy-14 --dump-section .BTF="$seeds/btf/$(basename "$o" .bpf.o).btf" "$o" /dev/null
done
printf '\x00\x00\x00\x00' >"$seeds/decode/no_hint"

build fuzz_btf_registry || { echo "fuzz: cannot build fuzz_btf_registry" >&2; exit 1; }
build fuzz_hint_decode -DFUZZ_BTF_FILES="\"$objs\"" || { echo "fuzz: cannot build fuzz_hint_decode" >&2; exit 1; }

n=0
failed=0
[ "$smoke" = 1 ] && echo "1..2"
for target in fuzz_btf_registry fuzz_hint_decode; do
	n=$((n + 1))
	case $target in fuzz_btf_registry) seed=$seeds/btf ;; *) seed=$seeds/decode ;; esac
	corpus=$out/corpus-$target
	mkdir -p "$corpus"
	log=$out/$target.log
	if [ "$smoke" = 1 ]; then
		args=(-seed=1 -runs=30000 -max_len=4096)
	else
		args=(-max_total_time="$seconds" -max_len=4096)
	fi
	( cd "$out/findings" && "$out/$target" "${args[@]}" "$corpus" "$seed" ) >"$log" 2>&1
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
