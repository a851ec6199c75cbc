#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# --metrics scraped by a real Prometheus: 4-queue veth, native XDP, the
# endpoint on the loopback of the receiver's private namespace, once with
# the main thread receiving and once with --threads.  The text must pass
# Debian's `promtool check metrics`; OpenMetrics is served when asked for
# (Content-Type, "# EOF"); other paths and methods are refused.  A
# prometheus server in the same namespace scrapes every second; once the
# traffic is in, the scraped packet and latency _count sums must equal
# the tool's own final counts, the the user guide's PromQL queries must evaluate,
# and the histogram's +Inf bucket must equal _count.  The two queries are
# read from examples/af_xdp_user.rules.yml, the ones docs/user-guide.org shows.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
for tool in promtool prometheus python3; do
	if ! command -v "$tool" >/dev/null; then
		tap_result 0 "$tool is not installed (Debian package prometheus / python3) # SKIP"
		tap_finish
		exit
	fi
done
xh_install_trap

FRAMES=1500
METRICS=127.0.0.1:9435
PROM=127.0.0.1:9090
xh_setup mp 4
xh_tmpdir
T=$XH_TMPDIR

in_ns() { ip netns exec "$XH_NS_RX" "$@"; }

# GET http://$1 with an optional Accept header: the body to stdout, the
# status and Content-Type to stderr's file $T/http.
http_get() { # host:port/path [accept] [method]
	in_ns python3 - "$@" 2>"$T/http.err" <<'PY'
import sys, urllib.request, urllib.error
url = "http://" + sys.argv[1]
req = urllib.request.Request(url, method=sys.argv[3] if len(sys.argv) > 3 else "GET")
if len(sys.argv) > 2 and sys.argv[2]:
    req.add_header("Accept", sys.argv[2])
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        sys.stdout.write(r.read().decode())
        sys.stderr.write("%d\t%s\n" % (r.status, r.headers.get("Content-Type")))
except urllib.error.HTTPError as e:
    sys.stderr.write("%d\t%s\tAllow: %s\n" % (e.code, e.headers.get("Content-Type"),
                                               e.headers.get("Allow")))
PY
}

# N clients that each send a request line and then one header line a
# second (every byte restarts libmicrohttpd's inactivity timeout), then one
# scrape. Prints the scrape's status and seconds, and how many of the slow
# clients the server had closed after $2 seconds.
slow_clients_scrape() { # n-clients wait-for-close-seconds
	in_ns python3 - "$METRICS" "$1" "$2" <<'PY'
import socket, sys, threading, time, urllib.request
host, port = sys.argv[1].rsplit(":", 1)
n, close_wait = int(sys.argv[2]), float(sys.argv[3])
closed = [False] * n
def slow(i):
    try:
        s = socket.create_connection((host, int(port)), timeout=60)
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        s.settimeout(1)
        for k in range(60):
            s.sendall(b"X-Slow-%d: %d\r\n" % (k, i))
            try:
                if s.recv(1) == b"":
                    closed[i] = True
                    return
            except socket.timeout:
                pass
    except OSError:
        closed[i] = True
threads = [threading.Thread(target=slow, args=(i,), daemon=True) for i in range(n)]
for t in threads:
    t.start()
time.sleep(1.5)
start = time.monotonic()
try:
    with urllib.request.urlopen("http://%s/metrics" % sys.argv[1], timeout=60) as r:
        r.read()
        status = r.status
except Exception as e:
    status = type(e).__name__
took = time.monotonic() - start
time.sleep(max(0.0, close_wait - 1.5 - took))
print(status, "%.1f" % took, sum(closed))
PY
}

# One PromQL instant query; prints the sum of the result vector's values
# that are numbers (a queue without traffic has a NaN quantile), "empty"
# for an empty vector, "nan" when every value is NaN, "error" when the
# query failed.
prom_query() { # query [max: the largest value instead of the sum]
	in_ns python3 - "$PROM" "$1" "${2:-sum}" <<'PY'
import json, sys, urllib.parse, urllib.request
try:
    url = "http://%s/api/v1/query?%s" % (sys.argv[1], urllib.parse.urlencode({"query": sys.argv[2]}))
    with urllib.request.urlopen(url, timeout=5) as r:
        d = json.load(r)
except Exception as e:
    print("error")
    sys.exit()
if d.get("status") != "success":
    print("error")
elif not d["data"]["result"]:
    print("empty")
else:
    vals = [float(s["value"][1]) for s in d["data"]["result"]]
    vals = [v for v in vals if v == v]
    v = max(vals) if vals and sys.argv[3] == "max" else sum(vals)
    print("nan" if not vals else int(v) if v == int(v) else v)
PY
}

RULES=$here/../../examples/af_xdp_user.rules.yml
P99_QUERY=$(sed -n 's/^ *expr: histogram_quantile/histogram_quantile/p' "$RULES")
DROPS_QUERY=$(sed -n 's/^ *expr: \(.*xsk_drops_total.*\)/\1/p' "$RULES")
[ -n "$P99_QUERY" ] && [ -n "$DROPS_QUERY" ] || xh_die "cannot read the two queries from $RULES"

cat >"$T/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: af_xdp_user
    static_configs:
      - targets: ['$METRICS']
YML

run_case() { # label af_xdp_user options...
	local label=$1 prom_pid want_packets want_count got i
	shift
	xh_start_receiver --xdp-mode native --json --interval 0 --metrics "$METRICS" "$@"
	if ! xh_wait_ready; then
		tap_result 1 "$label: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		return
	fi
	tap_grep "$XH_RX_ERR" "serving http://$METRICS/metrics" "$label: says where it serves"

	http_get "$METRICS/metrics" >"$T/text.prom"
	tap_grep "$T/http.err" $'^200\ttext/plain; version=0.0.4' "$label: GET /metrics: 200, text format 0.0.4"
	promtool check metrics <"$T/text.prom" >"$T/promtool.out" 2>&1
	tap_result $? "$label: promtool check metrics accepts the text" "$(head -c 300 "$T/promtool.out" | tr '\n' '|')"
	tap_cmp "$(grep -c '^af_xdp_user_latency_seconds_bucket{.*queue="3",core="same"' "$T/text.prom")" -eq 23 \
		"$label: 22 fixed bucket bounds and +Inf per histogram"
	http_get "$METRICS/metrics" "application/openmetrics-text;version=1.0.0,text/plain;q=0.5" >"$T/text.om"
	tap_grep "$T/http.err" $'^200\tapplication/openmetrics-text; version=1.0.0' \
		"$label: OpenMetrics when the Accept header asks for it"
	tap_is "$(tail -n 1 "$T/text.om")" "# EOF" "$label: OpenMetrics text ends in # EOF"
	http_get "$METRICS/other" >/dev/null
	tap_grep "$T/http.err" '^404' "$label: other paths: 404"
	http_get "$METRICS/metrics" "" POST >/dev/null
	tap_grep "$T/http.err" '^405' "$label: POST: 405"
	tap_grep "$T/http.err" $'\tAllow: GET, HEAD$' "$label: the 405 says Allow: GET, HEAD (RFC 9110)"
	if [ "$label" = main ]; then
		# 16 slow clients filled the old 16-connection limit for 40 s.
		read -r status took closed < <(slow_clients_scrape 16 8)
		tap_is "$status" 200 "$label: 16 slow clients: a scrape is answered"
		tap_cmp "${took%.*}" -lt 2 "$label: 16 slow clients: the scrape answers within 2 s (took ${took} s)"
		tap_is "$closed" 16 "$label: 16 slow clients: each closed at its 5 s deadline (within 8 s)"
		# More than the 64 connections: the scrape waits in the backlog
		# until a deadline frees a slot.
		read -r status took closed < <(slow_clients_scrape 80 9)
		tap_is "$status" 200 "$label: 80 slow clients: a scrape is answered"
		tap_cmp "${took%.*}" -lt 8 "$label: 80 slow clients: the scrape answers within 8 s (took ${took} s)"
	fi

	in_ns prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb-$label" \
		--web.listen-address="$PROM" --log.level=error >"$T/prom.log" 2>&1 &
	prom_pid=$!
	XH_RECEIVER_PIDS+=("$prom_pid")

	# Traffic only once Prometheus scrapes: rate() needs a sample before it.
	for i in $(seq 120); do
		[ "$(prom_query 'up{job="af_xdp_user"}')" = 1 ] && break
		sleep 0.5
	done
	tap_is "$(prom_query 'up{job="af_xdp_user"}')" 1 "$label: Prometheus scrapes the endpoint (up == 1)"
	sent=$(xh_send --flows 8 --count "$FRAMES" --rate 5000 --json | jq -r .sent)
	tap_is "$sent" "$FRAMES" "$label: sender sent every frame"
	# Published once a second, scraped once a second; Prometheus may need
	# a while to start on a loaded machine.
	got=""
	for i in $(seq 120); do
		got=$(prom_query 'sum(af_xdp_user_packets_total)')
		[ "$got" = "$FRAMES" ] && break
		sleep 0.5
	done
	tap_is "$got" "$FRAMES" "$label: Prometheus scraped the packet count (sum of af_xdp_user_packets_total)"
	count=$(prom_query 'sum(af_xdp_user_latency_seconds_count)')
	inf=$(prom_query 'sum(af_xdp_user_latency_seconds_bucket{le="+Inf"})')
	p99=$(prom_query "$P99_QUERY" max)
	drops=$(prom_query "$DROPS_QUERY")
	per_queue=$(prom_query 'af_xdp_user_packets_total{queue="0"}')
	proc_cpu=$(prom_query 'process_cpu_seconds_total')
	rx_cpu=$(prom_query 'sum(af_xdp_user_receiver_cpu_seconds_total)')
	rx_modes=$(prom_query 'count(af_xdp_user_receiver_cpu_seconds_total{mode=~"user|system"})')
	kill -TERM "$prom_pid" 2>/dev/null
	wait "$prom_pid" 2>/dev/null

	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$label: exit status 0 after SIGINT"
	want_packets=$(xh_final_json | jq -r .total.packets)
	want_count=$(xh_final_json | jq -r .total.latency_ns.count)
	tap_is "$want_packets" "$FRAMES" "$label: the tool received every frame"
	tap_is "$count" "$want_count" "$label: scraped latency _count equals the tool's own latency count"
	tap_is "$inf" "$want_count" "$label: scraped +Inf bucket equals _count"
	tap_is "$per_queue" "$(xh_final_json | jq -r '.queues[] | select(.queue == 0) | .packets')" \
		"$label: scraped packets of queue 0 equal the tool's"
	if [[ "$p99" =~ ^[0-9.e+-]+$ ]] && [ "$p99" != 0 ]; then
		tap_result 0 "$label: the user guide's p99 query gives a latency (largest of the queues: $p99 s)"
	else
		tap_result 1 "$label: the user guide's p99 query gives a latency" "got '$p99'"
	fi
	tap_is "$drops" 0 "$label: the user guide's drop-rate query evaluates (no drops here)"
	# CPU time: the receiving threads' is part of the process's.
	tap_is "$rx_modes" 2 "$label: receiver_cpu_seconds_total scraped, mode user and system"
	tap_ok "$label: 0 < receiver CPU seconds ($rx_cpu) <= process_cpu_seconds_total ($proc_cpu)" \
		awk -v r="$rx_cpu" -v p="$proc_cpu" 'BEGIN { exit !(r ~ /^[0-9.e+-]+$/ && p ~ /^[0-9.e+-]+$/ && r > 0 && r <= p) }'
}

run_case main
run_case threads --threads

# ---- an address it cannot listen on: one message, exit 1, nothing left -----
# A listener on a port the kernel picks, which it prints.
in_ns python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$T/holder.port" &
holder=$!
XH_RECEIVER_PIDS+=("$holder")
for i in $(seq 100); do [ -s "$T/holder.port" ] && break; sleep 0.05; done
taken=$(cat "$T/holder.port")
for case in "127.0.0.1:$taken|bind: Address already in use (another exporter on that port?)" \
	    "192.0.2.1:9435|bind: Cannot assign requested address (not an address of this host)"; do
	addr=${case%%|*}
	xh_start_receiver --xdp-mode native --metrics "$addr"
	xh_wait_receiver 10
	tap_is "$XH_RX_RC" 1 "--metrics $addr: exit status 1"
	if [ "$(grep -cF "af_xdp_user: --metrics $addr: ${case#*|}" "$XH_RX_ERR")" = 1 ]; then
		tap_result 0 "--metrics $addr: one message naming the address and the cause"
	else
		tap_result 1 "--metrics $addr: one message naming the address and the cause" \
			"stderr ends: $(tail -n 2 "$XH_RX_ERR" | tr '\n' '|')"
	fi
	if xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"; then
		tap_result 1 "--metrics $addr: no XDP program left"
	else
		tap_result 0 "--metrics $addr: no XDP program left"
	fi
done
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

tap_finish
