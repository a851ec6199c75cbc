#!/bin/bash
# examples/hint_decoder builds with the one command its README gives, as
# plain C99 with -Wpedantic, and decodes the test object: valid hints
# listed with their members, invalid ones listed as rejected with their
# reason in words. The public header compiles alone under
# -std=c99 -Wall -Wextra -Wpedantic -Werror (and as C++). Prints TAP.
# Needs $BUILD/tests/hint_structs.bpf.o (make unit-tests).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$root/build}
obj=$BUILD/tests/hint_structs.bpf.o

valid=(xdp_hints_rx_time xdp_hints_mark xdp_hints_rich)
invalid=(xdp_hints_field_after_btf_id xdp_hints_tail_padding xdp_hints_bitfield
	 xdp_hints_short_btf_id xdp_hints_odd_size xdp_hints_too_big)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
check() { # description command...
	local desc=$1; shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $desc"; else echo "not ok $n - $desc"; fi
}

echo "1..$((8 + ${#valid[@]} + ${#invalid[@]}))"

check "test object exists ($obj)" test -f "$obj"
check "lib_xsk_extend.h alone is clean under -std=c99 -Wall -Wextra -Wpedantic -Werror" \
	bash -c "printf '#include \"lib_xsk_extend.h\"\nint main(void) { return 0; }\n' |
		 cc -std=c99 -Wall -Wextra -Wpedantic -Werror -I'$root' -x c - -o '$tmp/h99'"
check "lib_xsk_extend.h compiles as C++ (-Wall -Wextra -Wpedantic -Werror)" \
	bash -c "printf '#include \"lib_xsk_extend.h\"\nint main() { return 0; }\n' |
		 c++ -Wall -Wextra -Wpedantic -Werror -I'$root' -x c++ - -o '$tmp/hxx'"
check "example builds with the README command, -std=c99 -Wpedantic -Werror" \
	bash -c "cd '$root/examples' && cc -std=c99 -Wall -Wextra -Wpedantic -Werror -O2 -I.. hint_decoder.c ../lib_xsk_extend.c -lbpf -o '$tmp/hint_decoder'"
check "example runs on the test object" \
	bash -c "'$tmp/hint_decoder' '$obj' > '$tmp/out' 2>&1"
sed 's/^/# /' "$tmp/out" 2>/dev/null

for name in "${valid[@]}"; do
	check "lists valid hint $name" grep -q "^  struct $name:" "$tmp/out"
done
for name in "${invalid[@]}"; do
	check "lists invalid $name as rejected, with a reason" \
		bash -c "grep -q '^  rejected $name: [a-z]' '$tmp/out' && ! grep -q 'struct $name:' '$tmp/out'"
done
check "counts 3 hints and 6 rejected" grep -q '^3 hint struct(s), 6 rejected' "$tmp/out"
check "reads the first field with a typed reader" grep -q '^read:    rx_ktime = [0-9]' "$tmp/out"
check "decodes the synthetic frame as JSON" \
	grep -q '^json:    {"hint":"xdp_hints_rx_time","btf_id":[0-9]*,"fields":{"rx_ktime":' "$tmp/out"
