#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Boots the guest prepared by tests/vm/prepare.sh, runs one shell command in
# it (bash, in a chroot of the host's read-only root) and returns the
# command's output on stdout and its exit status as its own.
#
#   tests/vm/run.sh [--kernel K] [--work DIR] [--share DIR]... [--netns NS]
#                   [--timeout S] [--qemu ARG]... -- 'shell command'
#
#   --kernel K     the guest's kernel: one of tests/vm/prepare.sh --list
#                  (default deb12)
#   --work DIR     writable directory shared with the guest at the same path
#                  (default: a fresh one, removed afterwards); files the host
#                  and the guest exchange while the command runs go here
#   --share DIR    a host directory shared read-only at the same path: the
#                  guest's /tmp, /run, /var/tmp are fresh tmpfs mounts, so a
#                  checkout or build there is seen only through a share
#   --netns NS     run QEMU in network namespace NS (where its taps are)
#   --timeout S    power the guest off after S seconds (default 300): exit 124
#   --qemu ARG     one more QEMU argument (NICs: -netdev/-device pairs)
#
# Exit status: the command's; 124 on timeout; 125 when the guest did not
# get as far as running the command (the console log is printed to stderr).
#
# KVM or TCG: /dev/kvm being there is not enough.  On the machines this
# project runs on it exists, but a KVM guest hangs early in boot (nested
# virtualisation).  So the first run on a machine boots a KVM guest that
# only runs "true", with a short time limit, and keeps the verdict in the
# cache ($XH_VM_CACHE/accel: kvm or tcg, for all kernels); XH_VM_ACCEL=
# kvm|tcg overrides.
# Under TCG the guest's CPU is emulated: time measured in it says nothing
# about real speed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
kernel=deb12
work=""
shares=()
netns=""
timeout_s=300
qemu_extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--share)
		d=$(cd "$2" 2>/dev/null && pwd) || { echo "vm/run: --share $2: no such directory" >&2; exit 2; }
		shares+=("$d"); shift 2 ;;
	--netns) netns=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--qemu) qemu_extra+=("$2"); shift 2 ;;
	--) shift; break ;;
	*) echo "vm/run: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ $# -ge 1 ] || { echo "vm/run: no command given (after --)" >&2; exit 2; }

cache=$("$here/prepare.sh" "$kernel") || exit 125

own_work=0
if [ -z "$work" ]; then
	work=$(mktemp -d /tmp/xh-vm.XXXXXX) || exit 125
	own_work=1
fi
work=$(cd "$work" && pwd)
rm -f "$work/out" "$work/rc" "$work/console.log" "$work/booted"
printf '%s\n' "$*" > "$work/cmd"
# The shares, in the order of their 9p tags share0, share1, ...
printf '%s\n' "${shares[@]}" > "$work/shares"

KVM_PROBE_SECONDS=40

choose_accel() {
	local verdict=tcg
	if [ -n "${XH_VM_ACCEL:-}" ]; then
		echo "$XH_VM_ACCEL"
		return
	fi
	if [ -s "$(dirname "$cache")/accel" ]; then
		cat "$(dirname "$cache")/accel"
		return
	fi
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		echo "vm/run: probing KVM (a guest that only runs 'true', at most $KVM_PROBE_SECONDS s)" >&2
		XH_VM_ACCEL=kvm "$0" --kernel "$kernel" --timeout "$KVM_PROBE_SECONDS" -- true >/dev/null 2>&1 && verdict=kvm
		echo "vm/run: KVM $([ "$verdict" = kvm ] && echo works || echo "guest did not finish"): using $verdict" >&2
	fi
	echo "$verdict" >"$(dirname "$cache")/accel"
	echo "$verdict"
}
accel=$(choose_accel)
echo "$accel" >"$work/accel"
qemu=("${QEMU:-qemu-system-x86_64}" -machine q35 -accel "$accel" -cpu max -smp 2 -m 1024
	-display none -no-reboot -serial "file:$work/console.log"
	-kernel "$cache/vmlinuz" -initrd "$cache/initramfs.cpio.gz"
	-append "console=ttyS0 quiet panic=-1 xh_work=$work"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$work,mount_tag=work,security_model=none,multidevs=remap"
	-nic none)
for i in "${!shares[@]}"; do
	qemu+=(-virtfs "local,path=${shares[$i]},mount_tag=share$i,security_model=none,readonly=on,multidevs=remap")
done
qemu+=("${qemu_extra[@]}")
[ -n "$netns" ] && qemu=(ip netns exec "$netns" "${qemu[@]}")

# In the background, so that a signal to this script reaches QEMU too
# (timeout(1) passes it on): no guest outlives its runner.
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null >"$work/qemu.log" 2>&1 &
qemu_pid=$!
stop_guest() { # exit status
	kill -TERM "$qemu_pid" 2>/dev/null
	wait "$qemu_pid"
	[ "$own_work" = 1 ] && rm -rf "$work"
	exit "$1"
}
trap 'stop_guest 130' INT
trap 'stop_guest 143' TERM
trap 'stop_guest 129' HUP
wait "$qemu_pid"
qemu_rc=$?
trap - INT TERM HUP

if [ -f "$work/rc" ]; then
	cat "$work/out"
	rc=$(cat "$work/rc")
elif [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	echo "vm/run: the guest did not finish in $timeout_s s; its output so far:" >&2
	cat "$work/out" 2>/dev/null >&2
	tail -n 20 "$work/console.log" >&2 2>/dev/null
	rc=124
else
	echo "vm/run: the guest did not run the command (qemu exit status $qemu_rc):" >&2
	tail -n 20 "$work/qemu.log" "$work/console.log" >&2 2>/dev/null
	rc=125
fi
[ "$own_work" = 1 ] && rm -rf "$work"
exit "$rc"
