#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Turn af_xdp_user --csv output into three PNG pictures with gnuplot:
#
#   OUTDIR/latency_percentiles.png  latency against percentile on a "nines"
#                                   scale (50, 90, 99, 99.9, 99.99), log y:
#                                   the tail at a glance, one line per series
#   OUTDIR/latency_histogram.png    packets per latency bin, log x and log y,
#                                   so the few slow packets stay visible
#   OUTDIR/latency_over_time.png    per time window p50, p99 and max (log y)
#                                   against the seconds since the series'
#                                   first packet
#
#   scripts/plot_latency.sh [-o OUTDIR] [-t TITLE] [-w SECONDS] LABEL=FILE.csv...
#   scripts/plot_latency.sh -o out wakeup-same=w0.csv spin-remote=s1.csv
#
#   -o OUTDIR   where the PNGs go (default .)
#   -t TITLE    title prefix
#   -w SECONDS  time window of the over-time plot (default: the run / 100,
#               at least 0.01 s)
#
# A series is one CSV file (one receiver mode); a plain FILE.csv without
# "LABEL=" is labelled with its base name.  Rows are sorted by time_ns
# first: with --threads each thread writes its own rows, so a file is not
# in time order.  Packets without a latency (no rx_ktime in their hint) are
# left out.  Needs gnuplot (Debian: gnuplot-nox) and python3; uses the
# pngcairo terminal, else png.
set -u
here=$(cd "$(dirname "$0")" && pwd)

usage() {
	sed -n '4,29p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}

out=.
title="XDP to AF_XDP userspace latency"
window=""
while getopts "o:t:w:h-:" opt; do
	case $opt in
	o) out=$OPTARG ;;
	t) title=$OPTARG ;;
	w) window=$OPTARG ;;
	h) usage 0 ;;
	-) [ "$OPTARG" = help ] && usage 0; echo "plot_latency.sh: unknown option --$OPTARG" >&2; usage 2 ;;
	*) usage 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "plot_latency.sh: no CSV file given" >&2; usage 2; }
[ -z "$window" ] || [[ "$window" =~ ^[0-9]*\.?[0-9]+$ ]] ||
	{ echo "plot_latency.sh: -w: '$window' is not a number of seconds" >&2; exit 2; }
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

pct_plot=""
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
	if ! python3 "$here/plot_latency_data.py" "$file" "$work/s$i" "${window:-0}"; then
		echo "plot_latency.sh: $file has no latency samples: left out" >&2
		continue
	fi
	pct_plot+="${pct_plot:+, }'$work/s$i.pct' using 1:2 with lines lw 2 lc $i title '$label'"
	hist_plot+="${hist_plot:+, }'$work/s$i.hist' using 1:2 with linespoints lw 2 lc $i title '$label'"
	time_plot+="${time_plot:+, }'$work/s$i.time' using 1:2 with lines lw 2 lc $i dt 1 title '$label p50'"
	time_plot+=", '$work/s$i.time' using 1:3 with lines lw 1 lc $i dt 2 title '$label p99'"
	time_plot+=", '$work/s$i.time' using 1:4 with lines lw 1 lc $i dt 3 title '$label max'"
done
[ -n "$pct_plot" ] || { echo "plot_latency.sh: no latency samples in any file" >&2; exit 1; }

gnuplot <<GP || exit 1
set terminal $term
set datafile separator whitespace
set grid
set key outside right top

set output '$out/latency_percentiles.png'
set title '$title: percentiles'
set logscale y 10
set xlabel 'percentile ("nines": x = -log10(1 - p/100))'
set ylabel 'latency (us, log scale)'
set xtics ("50" 0.30103, "90" 1, "99" 2, "99.9" 3, "99.99" 4, "99.999" 5)
set xrange [0.25:*]
plot $pct_plot

set xtics autofreq
set xrange [*:*]
set output '$out/latency_histogram.png'
set title '$title: histogram'
set logscale x 10
set logscale y 10
set xlabel 'latency (us, log scale, 20 bins per decade)'
set ylabel 'packets per bin (log scale)'
plot $hist_plot

unset logscale x
set output '$out/latency_over_time.png'
set title '$title: over time (per window)'
set logscale y 10
set xlabel 'time since the first packet (s)'
set ylabel 'latency (us, log scale)'
plot $time_plot
GP
echo "plot_latency.sh: wrote $out/latency_percentiles.png, $out/latency_histogram.png and $out/latency_over_time.png"
