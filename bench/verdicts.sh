# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The arithmetic and the verdicts of bench/run.sh, sourced by it and by
# tests/e2e/bench_verdicts.sh. A timing row says PASS or MISS only when its
# noise checks hold, NOISY with the reasons otherwise (see bench/run.sh).
#
# Uses the caller's log() if it defines one, and these settings:
#   PSI_MAX (percent), LOAD_MAX (1-minute load average).

# Floating point in the shell's stead.
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
# 0 when the awk condition holds.
holds() { awk "BEGIN { exit !($1) }"; }
# PASS when the awk condition holds: for deterministic rows.
verdict() { holds "$1" && echo PASS || echo MISS; }
# The q-quantile of the numbers on stdin, one a line (interpolated).
quantile() { # q
	sort -g | awk -v q="$1" '{ v[NR] = $1 }
		END { if (!NR) { print 0; exit }
		      p = 1 + (NR - 1) * q; i = int(p); f = p - i
		      print (i < NR) ? v[i] + f * (v[i + 1] - v[i]) : v[NR] }'
}
median() { quantile 0.5; }
# Interquartile range over the median, of the numbers in a file.
rel_spread() { # file
	local q1 q3 m
	q1=$(quantile 0.25 <"$1")
	q3=$(quantile 0.75 <"$1")
	m=$(median <"$1")
	if holds "$m > 0"; then calc "($q3 - $q1) / $m" 3; else echo 1; fi
}
# "lo-hi" of the middle half of a file's numbers.
mid_range() { # file [decimals]
	echo "$(calc "$(quantile 0.25 <"$1")" "${2:-2}")-$(calc "$(quantile 0.75 <"$1")" "${2:-2}")"
}
# The distribution-free confidence interval of the median of a file's
# numbers, as "lo hi": the order statistics x(k) and x(n+1-k), k the
# largest with P(Binomial(n, 1/2) < k) <= 0.025, so at least 95 % (below
# 6 numbers no k qualifies: the whole range). It narrows as rounds are
# added; the spread between rounds does not.
median_ci() { # file
	sort -g "$1" | awk '{ v[NR] = $1 }
		END { n = NR; if (!n) { print 0, 0; exit }
		      k = 0; cdf = 0; p = 0.5 ^ n
		      for (j = 0; j < n; j++) {
			      if (cdf + p > 0.025) break
			      cdf += p; k = j + 1; p = p * (n - j) / (j + 1)
		      }
		      if (k < 1) k = 1
		      print v[k], v[n + 1 - k] }'
}

# b[i] / a[i] for the lines of two files.
ratios() { # a-file b-file
	paste "$1" "$2" | awk '$1 > 0 { printf "%.4f\n", $2 / $1 }'
}

# ---- noise: what else ran while a block was measured -----------------------------

# Microseconds tasks waited for a CPU since boot; empty without PSI.
psi_cpu_us() { awk '/^some/ { sub("total=", "", $5); print $5 }' /proc/pressure/cpu 2>/dev/null; }

noise_begin() {
	NOISE_T0=$(date +%s%N)
	NOISE_PSI0=$(psi_cpu_us)
}

# Sets NOISE_TEXT (the noise column) and NOISE_BLOCK (reasons, or empty)
# for the block since noise_begin.
noise_end() {
	local t1 psi1 load wall_us psi
	t1=$(date +%s%N)
	psi1=$(psi_cpu_us)
	load=$(cut -d' ' -f1 /proc/loadavg)
	wall_us=$(( (t1 - NOISE_T0) / 1000 ))
	NOISE_BLOCK=""
	if [ -n "$psi1" ] && [ -n "$NOISE_PSI0" ] && [ "$wall_us" -gt 0 ]; then
		psi=$(calc "100 * ($psi1 - $NOISE_PSI0) / $wall_us" 0)
		NOISE_TEXT="cpu wait ${psi}%, load $load"
		holds "$psi <= $PSI_MAX" || NOISE_BLOCK+="cpu wait ${psi}% > ${PSI_MAX}%; "
	else
		NOISE_TEXT="load $load (no PSI)"
	fi
	holds "$load <= $LOAD_MAX" || NOISE_BLOCK+="load $load > $LOAD_MAX; "
	if declare -F log >/dev/null; then
		log "noise: $NOISE_TEXT${NOISE_BLOCK:+ -> $NOISE_BLOCK}"
	fi
}

# Per row: start from the block's findings, add the row's own.
noise_row() { NOISE_BAD=$NOISE_BLOCK; }

check_ref() { # value "lo hi" unit what
	local lo hi
	read -r lo hi <<<"$2"
	holds "$1 >= $lo && $1 <= $hi" || NOISE_BAD+="$4 $1 $3 outside $lo-$hi; "
}

check_spread() { # file limit what
	local sp
	sp=$(rel_spread "$1")
	holds "$sp <= $2" || NOISE_BAD+="$3 spread $(calc "100 * $sp" 0)% > $(calc "100 * $2" 0)%; "
}

# A timing row's verdict: NOISY when a noise check failed, or when the
# 95 % confidence interval of the median per-round ratio (median_ci)
# reaches both sides of the target; otherwise PASS or MISS by the ratio
# of medians.
timing_verdict() { # ratio op target ratios-file
	local lo hi
	read -r lo hi < <(median_ci "$4")
	holds "($lo $2 $3) == ($hi $2 $3)" ||
		NOISE_BAD+="the rounds' median ratio, 95% interval $(calc "$lo")-$(calc "$hi"), straddles $3; "
	if [ -n "$NOISE_BAD" ]; then
		echo "NOISY: ${NOISE_BAD%; }"
	else
		verdict "$1 $2 $3"
	fi
}


# ---- queues: memory against the budget, one mode against another -------------------

# Resident memory against the UMEM a run reports: PASS when that UMEM is
# within the budget and the peak resident set within the UMEM plus a fixed
# allowance and one per queue (all KiB). Deterministic: no noise check.
mem_budget_verdict() { # hwm-kib umem-kib queues budget-kib base-kib per-queue-kib
	verdict "$2 <= $4 && $1 <= $2 + $5 + $3 * $6"
}

# Which side the per-round ratios b/a of a file favour, from their
# median's 95 % interval (median_ci): "b" when the interval lies wholly on
# b's better side of 1 ("higher" or "lower" is better), "a" when wholly on
# the other, "neither" when it holds 1.
better_of() { # ratios-file higher|lower
	local lo hi
	read -r lo hi < <(median_ci "$1")
	if [ "$2" = lower ]; then
		holds "$hi < 1" && { echo b; return; }
		holds "$lo > 1" && { echo a; return; }
	else
		holds "$lo > 1" && { echo b; return; }
		holds "$hi < 1" && { echo a; return; }
	fi
	echo neither
}

# Whether the data supports a candidate default over the current one, from
# the results of the rows that compare them ("axis|result|better", result
# PASS, MISS or NOISY: ..., better yes when the candidate was measurably
# better on that axis): MISS when any axis missed its not-worse target,
# NOISY naming the axes that could not be judged, else PASS when the
# candidate is better on at least one axis and MISS when it is better on
# none (nothing would justify the change).
default_verdict() { # axis|result|better...
	local a axis result better noisy="" missed="" wins=0
	for a in "$@"; do
		IFS='|' read -r axis result better <<<"$a"
		case $result in
		MISS*) missed+="$axis, " ;;
		NOISY*) noisy+="$axis, " ;;
		esac
		[ "$better" = yes ] && wins=$((wins + 1))
	done
	if [ -n "$missed" ]; then
		echo MISS
	elif [ -n "$noisy" ]; then
		echo "NOISY: ${noisy%, } not judged"
	elif [ "$wins" -gt 0 ]; then
		echo PASS
	else
		echo MISS
	fi
}
