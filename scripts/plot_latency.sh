#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Turn af_xdp_user --csv output into two PNG pictures with gnuplot:
#
#   OUTDIR/latency_histogram.png   share of packets per latency bin (log x),
#                                  one line per series
#   OUTDIR/latency_over_time.png   each packet's latency against the time
#                                  since the series' first packet (log y)
#
#   scripts/plot_latency.sh [-o OUTDIR] [-t TITLE] LABEL=FILE.csv [LABEL=FILE.csv...]
#   scripts/plot_latency.sh -o out wakeup-same=w0.csv spin-remote=s1.csv
#
# A series is one CSV file (one receiver mode); a plain FILE.csv without
# "LABEL=" is labelled with its base name.  Packets without a latency (no
# rx_ktime in their hint) are left out.  Needs gnuplot (Debian: gnuplot-nox);
# uses the pngcairo terminal, else png.
set -u

usage() {
	sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}

out=.
title="XDP to AF_XDP userspace latency"
while getopts "o:t:h" opt; do
	case $opt in
	o) out=$OPTARG ;;
	t) title=$OPTARG ;;
	h) usage 0 ;;
	*) usage 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "plot_latency.sh: no CSV file given" >&2; usage 2; }
command -v gnuplot >/dev/null ||
	{ echo "plot_latency.sh: gnuplot is not installed (Debian: apt-get install gnuplot-nox)" >&2; exit 1; }
mkdir -p "$out" || exit 1

if gnuplot -e 'set terminal' 2>&1 | grep -qw pngcairo; then
	term="pngcairo size 1200,700 noenhanced"
else
	term="png size 1200,700 noenhanced"
fi

work=$(mktemp -d "/tmp/plot_latency.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

hist_plot=""
time_plot=""
i=0
for arg in "$@"; do
	case $arg in
	*=*) label=${arg%%=*} file=${arg#*=} ;;
	*) file=$arg label=$(basename "$arg" .csv) ;;
	esac
	[ -r "$file" ] || { echo "plot_latency.sh: cannot read $file" >&2; exit 1; }
	head -n 1 "$file" | grep -q '^time_ns,queue,cpu,same_core,latency_ns' ||
		{ echo "plot_latency.sh: $file is not af_xdp_user --csv output (header line differs)" >&2; exit 1; }
	i=$((i + 1))
	# Histogram: 20 bins per decade of microseconds, as a share of the
	# series' packets, so series of different lengths compare.
	awk -F, 'NR > 1 && $5 != "" && $5 > 0 {
			us = $5 / 1000.0; b = int(log(us) / log(10) * 20 + (us < 1 ? -1 : 0))
			n[b]++; total++
		}
		END {
			for (b in n) printf "%.6f %.6f\n", 10 ^ ((b + 0.5) / 20), 100.0 * n[b] / total
		}' "$file" | sort -g >"$work/hist$i.dat"
	awk -F, 'NR > 1 && $5 != "" {
			if (t0 == "") t0 = $1
			printf "%.6f %.3f\n", ($1 - t0) / 1e9, $5 / 1000.0
		}' "$file" >"$work/time$i.dat"
	if [ ! -s "$work/time$i.dat" ]; then
		echo "plot_latency.sh: $file has no latency samples: left out" >&2
		continue
	fi
	hist_plot+="${hist_plot:+, }'$work/hist$i.dat' using 1:2 with linespoints lw 2 title '$label'"
	time_plot+="${time_plot:+, }'$work/time$i.dat' using 1:2 with points pt 7 ps 0.3 title '$label'"
done
[ -n "$hist_plot" ] || { echo "plot_latency.sh: no latency samples in any file" >&2; exit 1; }

gnuplot <<GP || exit 1
set terminal $term
set datafile separator whitespace
set grid
set key outside right top

set output '$out/latency_histogram.png'
set title '$title: histogram'
set logscale x 10
set xlabel 'latency (us, log scale)'
set ylabel 'packets (%)'
plot $hist_plot

unset logscale x
set output '$out/latency_over_time.png'
set title '$title: over time'
set logscale y 10
set xlabel 'time since the first packet (s)'
set ylabel 'latency (us, log scale)'
plot $time_plot
GP
echo "plot_latency.sh: wrote $out/latency_histogram.png and $out/latency_over_time.png"
