#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The verdicts of make bench (bench/verdicts.sh) on made-up rounds: a
# quiet, clear win is PASS and a clear loss MISS; a wide spread, a
# reference outside its range, a median whose 95% interval reaches both
# sides of the target, or a loaded machine make NOISY, whatever the ratio
# says; more rounds narrow that interval. Quantiles and ratios
# of medians are checked on numbers worked out by hand. No network.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../bench/verdicts.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
PSI_MAX=10
LOAD_MAX=3

printf '%s\n' 5 1 4 2 3 >"$dir/five"
tap_is "$(quantile 0.5 <"$dir/five")" 3 "median of 1..5"
tap_is "$(quantile 0.25 <"$dir/five")" 2 "first quartile of 1..5"
tap_is "$(quantile 0.75 <"$dir/five")" 4 "third quartile of 1..5"
printf '%s\n' 1 2 3 4 >"$dir/four"
tap_is "$(median <"$dir/four")" 2.5 "median of an even count interpolates"
tap_is "$(rel_spread "$dir/five")" 0.667 "spread = interquartile range / median"
printf '%s\n' 100 200 400 >"$dir/a"
printf '%s\n' 90 220 300 >"$dir/b"
tap_is "$(ratios "$dir/a" "$dir/b" | tr '\n' ' ')" "0.9000 1.1000 0.7500 " "per-round ratios b/a"

seq 1 15 >"$dir/fifteen"
tap_is "$(median_ci "$dir/fifteen")" "4 12" "95% interval of the median of 15 rounds: 4th to 12th (P(B(15,1/2) <= 3) = 1.8%)"
tap_is "$(median_ci "$dir/five")" "1 5" "below 6 rounds the interval is the whole range"
seq 1 41 >"$dir/fortyone"
tap_is "$(median_ci "$dir/fortyone")" "14 28" "41 rounds: 14th to 28th, inside the middle half (11th to 31st)"

# The verdict of one row: ratio, rounds' ratios, reference, block findings.
row_verdict() { # ratio op target ratios... -- block-reasons
	local ratio=$1 op=$2 target=$3
	shift 3
	: >"$dir/ratios"
	while [ "$1" != -- ]; do echo "$1" >>"$dir/ratios"; shift; done
	shift
	NOISE_BLOCK=${1:-}
	noise_row
	timing_verdict "$ratio" "$op" "$target" "$dir/ratios"
}

tap_is "$(row_verdict 0.97 '>=' 0.95 0.96 0.97 0.98 0.97 0.99 --)" PASS \
	"a quiet run above its target passes"
tap_is "$(row_verdict 0.80 '>=' 0.95 0.79 0.80 0.81 0.80 0.82 --)" MISS \
	"a quiet run below its target misses"
tap_is "$(row_verdict 1.01 '<=' 1.05 0.99 1.00 1.01 1.02 1.03 --)" PASS \
	"'<=' targets work the same way"
case $(row_verdict 0.96 '>=' 0.95 0.80 0.90 0.96 1.00 1.10 --) in
NOISY:*straddle*) tap_result 0 "rounds on both sides of the target: NOISY, not PASS" ;;
*) tap_result 1 "rounds on both sides of the target: NOISY, not PASS" "$(row_verdict 0.96 '>=' 0.95 0.80 0.90 0.96 1.00 1.10 --)" ;;
esac
# 41 rounds from 0.905 to 1.105: a quarter of them lie below 0.96, so the
# middle half straddles it, but the median is known to within 0.97-1.04.
many=$(awk 'BEGIN { for (i = 1; i <= 41; i++) printf "%.3f ", 0.9 + 0.005 * i }')
# shellcheck disable=SC2086 # the rounds' words
tap_is "$(row_verdict 1.00 '>=' 0.96 $many --)" PASS \
	"enough rounds decide what the middle half alone could not"
# shellcheck disable=SC2086
tap_is "$(row_verdict 1.00 '>=' 0.98 $many -- | cut -c1-5)" NOISY \
	"a target inside the median's interval stays NOISY"
case $(row_verdict 0.97 '>=' 0.95 0.96 0.97 0.98 0.97 0.99 -- "cpu wait 40% > 10%; ") in
"NOISY: cpu wait 40% > 10%") tap_result 0 "a loaded machine: NOISY even when the ratio passes" ;;
*) tap_result 1 "a loaded machine: NOISY even when the ratio passes" ;;
esac

# The reference p50 of a loaded machine (4.7 ms for a 1 us yardstick).
NOISE_BLOCK=""
noise_row
check_ref 4700 "0.1 5" us "reference p50"
tap_is "${NOISE_BAD%; }" "reference p50 4700 us outside 0.1-5" "a reference far outside its range is named"
noise_row
check_ref 0.8 "0.1 5" us "reference p50"
tap_is "$NOISE_BAD" "" "a reference in its range adds nothing"
noise_row
printf '%s\n' 100 150 200 250 300 >"$dir/wide"
check_spread "$dir/wide" 0.10 "rate"
tap_is "${NOISE_BAD%; }" "rate spread 50% > 10%" "a wide spread between rounds is named"
noise_row
check_spread "$dir/five" 1 "rate"
tap_is "$NOISE_BAD" "" "a spread within its limit adds nothing"

# queues: resident memory against the budget (KiB): UMEM 64 MiB, 16 MiB +
# 512 KiB per queue allowed over it; at 128 queues 65536 + 16384 + 65536.
tap_is "$(mem_budget_verdict 147456 65536 128 65536 16384 512)" PASS \
	"memory: VmHWM at UMEM + allowance exactly passes"
tap_is "$(mem_budget_verdict 147457 65536 128 65536 16384 512)" MISS \
	"memory: one KiB over UMEM + allowance misses"
tap_is "$(mem_budget_verdict 20000 16384 1 8192 16384 512)" MISS \
	"memory: a UMEM above the budget misses, whatever the resident set"
# The former default, 16 MiB of UMEM per queue, on 16 queues.
tap_is "$(mem_budget_verdict $((16 * 16384 + 8704)) $((16 * 16384)) 16 65536 16384 512)" MISS \
	"memory: 16 MiB of UMEM per queue misses at 16 queues"

# Which mode the rounds favour: from the median's interval, not its value.
printf '%s\n' 1.10 1.12 1.15 1.20 1.11 1.13 1.14 1.16 1.18 >"$dir/up"
printf '%s\n' 0.85 0.90 0.88 0.92 0.86 0.89 0.91 0.87 0.93 >"$dir/down"
printf '%s\n' 0.90 1.10 0.95 1.05 1.00 0.97 1.03 0.92 1.08 >"$dir/even"
tap_is "$(better_of "$dir/up" higher)" b "rate up 1.1-1.2x in every round: the second mode is better"
tap_is "$(better_of "$dir/up" lower)" a "time up 1.1-1.2x in every round: the first mode is better"
tap_is "$(better_of "$dir/down" lower)" b "time down in every round: the second mode is better"
tap_is "$(better_of "$dir/even" higher)" neither "rounds on both sides of 1: neither is better"

# Whether the data supports a new default.
tap_is "$(default_verdict 'rate|PASS|' 'burst|PASS|yes' 'memory|PASS|')" PASS \
	"default: not worse anywhere, better on one axis: PASS"
tap_is "$(default_verdict 'rate|PASS|' 'burst|PASS|' 'memory|PASS|')" MISS \
	"default: better on no axis: MISS (nothing justifies the change)"
tap_is "$(default_verdict 'rate|MISS|' 'burst|PASS|yes' 'ready|NOISY: load 5 > 3|')" MISS \
	"default: an axis that missed outweighs a noisy one and a win"
tap_is "$(default_verdict 'rate|NOISY: load 5 > 3|' 'burst|PASS|yes' 'ready|NOISY: x|')" \
	"NOISY: rate, ready not judged" "default: the axes that could not be judged are named"

# The block check: load above LOAD_MAX is reported (PSI may be absent).
LOAD_MAX=-1
noise_begin
noise_end
case $NOISE_BLOCK in
*"load "*" > -1"*) tap_result 0 "a load average above LOAD_MAX makes the block noisy" ;;
*) tap_result 1 "a load average above LOAD_MAX makes the block noisy" "$NOISE_BLOCK" ;;
esac
tap_finish
