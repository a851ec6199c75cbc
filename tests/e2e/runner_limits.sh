#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# tests/run-tests.sh itself, on made-up suites in a tree of its own: a
# suite that hangs (and ignores SIGTERM) is killed at SUITE_TIMEOUT and
# counted failed, with the process it started; a suite that leaves a
# network namespace (with a process in it) and a background process
# behind gets them swept; and every suite runs with /sys/fs/bpf unmounted
# even when the machine has it mounted (mounted here in a private mount
# namespace of this test, the runner must unmount it in its own).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_bpffs.sh"
bpffs_private_mount_ns "$0" "$@"
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_install_trap
xh_tmpdir
T=$XH_TMPDIR
mkdir -p "$T/tree/tests/e2e" "$T/tree/scripts"
cp "$here/../run-tests.sh" "$T/tree/tests/"
cp "$here/../../scripts/netns_lib.sh" "$T/tree/scripts/"
cp "$here/lib_tap.sh" "$T/tree/tests/e2e/"

# Hangs, ignores SIGTERM, and has a child that would outlive it.
cat >"$T/tree/tests/e2e/hang.sh" <<SH
#!/bin/bash
trap '' TERM
echo 1..1
sleep 1000 &
echo \$! >"$T/hang.child"
sleep 1000
SH
# Passes, but leaves a namespace with a process in it, and a process.
cat >"$T/tree/tests/e2e/leak.sh" <<SH
#!/bin/bash
. "\$(dirname "\$0")/../../scripts/netns_lib.sh"
xh_netns_add "xhrl\$\$n"
echo "xhrl\$\$n" >"$T/leak.ns"
ip netns exec "xhrl\$\$n" sleep 1000 >/dev/null 2>&1 &
echo \$! >"$T/leak.nsproc"
sleep 1000 >/dev/null 2>&1 &
echo \$! >"$T/leak.child"
echo 1..1
echo "ok 1 - left things behind"
SH
# Passes only when /sys/fs/bpf is not mounted.
cat >"$T/tree/tests/e2e/fresh.sh" <<'SH'
#!/bin/bash
echo 1..1
if mountpoint -q /sys/fs/bpf; then
	echo "not ok 1 - /sys/fs/bpf is not mounted"
else
	echo "ok 1 - /sys/fs/bpf is not mounted"
fi
SH
chmod +x "$T/tree/tests/e2e/"{hang,leak,fresh}.sh

# The machine has bpffs mounted (in this test's mount namespace only).
mount -t bpf bpf /sys/fs/bpf || xh_die "cannot mount a bpffs at /sys/fs/bpf (private mount namespace)"
start=$SECONDS
# timeout: a runner without the limit would hang here for good.
timeout -k 5 60 env -u XH_RUNNER_MNT_NS -u XH_NETNS_RECORD -u SAN_BUILD -u SAN_ONLY \
	-u MUTANTS SUITE_TIMEOUT=3 \
	BUILD="$XH_BUILD" "$T/tree/tests/run-tests.sh" '^e2e/' >"$T/out" 2>&1
rc=$?
took=$((SECONDS - start))
umount /sys/fs/bpf
sed 's/^/#   /' "$T/out"

# Alive: a process that is not a zombie (a killed orphan waits for init to
# reap it), given a second for that.
gone() { # pid-file
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 1
	for _ in $(seq 20); do
		[ -r "/proc/$pid/stat" ] || return 0
		[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ] && return 0
		sleep 0.1
	done
	return 1
}

tap_cmp "$rc" -ne 0 "the runner fails (a suite was killed)"
tap_grep "$T/out" '^not ok - e2e/hang: killed at its time limit of 3 s' \
	"the hanging suite is killed at SUITE_TIMEOUT=3 and counted failed"
tap_cmp "$took" -lt 30 "the runner ends despite the hang and SIGTERM ignored (took $took s)"
tap_ok "the hanging suite's child is gone" gone "$T/hang.child"
tap_is "$(tail -n 1 "$T/out")" "2 passed, 1 failed, 0 skipped" "the count: leak and fresh passed, hang failed"
ns=$(cat "$T/leak.ns" 2>/dev/null)
tap_grep "$T/out" "^# swept: network namespace $ns left by e2e/leak$" "the leaked namespace is named as swept"
tap_ok "the leaked namespace is gone" eval '! ip netns list | grep -q "^$ns\\b"'
tap_ok "the process in the leaked namespace is gone" gone "$T/leak.nsproc"
tap_ok "the leaked background process is gone" gone "$T/leak.child"
tap_grep "$T/out" '^ok 1 - /sys/fs/bpf is not mounted$' \
	"suites run with /sys/fs/bpf unmounted though the machine has it mounted"
tap_finish
