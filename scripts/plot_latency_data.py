#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The data files of scripts/plot_latency.sh for one af_xdp_user --csv file.

    plot_latency_data.py FILE.csv PREFIX WINDOW_S

Writes PREFIX.pct (nines x, latency us), PREFIX.hist (bin centre us,
packets) and PREFIX.time (window start s, p50, p99, max in us). Rows are
sorted by time_ns (several --threads write one file, each in its own
order). WINDOW_S 0 picks the run / 100, at least 0.01 s. Exit status 1
when the file has no latency sample.
"""
import math
import sys


def rank(sorted_values, p):
    """The sample of rank ceil(p/100 * n), as the tool's percentiles."""
    n = len(sorted_values)
    return sorted_values[min(n, max(1, math.ceil(p / 100.0 * n))) - 1]


def main(path, prefix, window_s):
    rows = []
    with open(path) as f:
        next(f, None)
        for line in f:
            cols = line.rstrip("\n").split(",")
            if len(cols) >= 5 and cols[4]:
                rows.append((int(cols[0]), int(cols[4]) / 1000.0))
    if not rows:
        return 1
    rows.sort()
    lat = sorted(r[1] for r in rows)
    n = len(lat)

    # Percentiles up to the deepest one the sample count can resolve.
    nines_max = min(5.0, math.log10(n)) if n > 1 else 0.30103
    with open(prefix + ".pct", "w") as out:
        x = 0.30103
        while x <= nines_max + 1e-9:
            out.write("%.5f %.4f\n" % (x, rank(lat, 100.0 * (1 - 10 ** -x))))
            x += 0.02
        out.write("%.5f %.4f\n" % (nines_max, lat[-1]))

    bins = {}
    for v in lat:
        b = math.floor(math.log10(max(v, 1e-3)) * 20)
        bins[b] = bins.get(b, 0) + 1
    with open(prefix + ".hist", "w") as out:
        for b in sorted(bins):
            out.write("%.5f %d\n" % (10 ** ((b + 0.5) / 20), bins[b]))

    t0 = rows[0][0]
    span = (rows[-1][0] - t0) / 1e9
    window = window_s if window_s > 0 else max(0.01, span / 100)
    # Integer nanoseconds: 0.3 s / 0.1 s in floating point is 2.999...
    window_ns = max(1, round(window * 1e9))
    with open(prefix + ".time", "w") as out:
        start, values = 0, []
        for t, v in rows:
            w = (t - t0) // window_ns
            if w != start and values:
                values.sort()
                out.write("%.4f %.4f %.4f %.4f\n" % (start * window, rank(values, 50),
                                                     rank(values, 99), values[-1]))
                values = []
            start = w
            values.append(v)
        if values:
            values.sort()
            out.write("%.4f %.4f %.4f %.4f\n" % (start * window, rank(values, 50),
                                                 rank(values, 99), values[-1]))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
