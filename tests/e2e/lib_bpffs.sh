# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# For e2e scripts that pin BPF objects the way another process would: a
# bpffs of their own, mounted in a private mount namespace, so nothing is
# pinned in the host's /sys/fs/bpf and the mount vanishes with the test.
# Sourced, not run.
#
#   . "$here/lib_bpffs.sh"
#   bpffs_private_mount_ns "$0" "$@"   # first: re-runs the script under unshare -m
#   ...                                # source lib_tap.sh, netns_lib.sh
#   bpffs_mount TAG                    # PIN=/tmp/xhTAG...: a bpffs; trap cleans up

# Re-run the script (@: its path and arguments) in a private mount namespace,
# once; without unshare -m, a TAP skip of the whole script.
bpffs_private_mount_ns() {
	[ -n "${XH_BPFFS_PRIVATE_MNT:-}" ] && return 0
	if ! unshare -m --propagation private true 2>/dev/null; then
		echo "1..0 # SKIP cannot create a private mount namespace (unshare -m) for bpffs"
		exit 0
	fi
	XH_BPFFS_PRIVATE_MNT=1 exec unshare -m --propagation private "$@"
}

# On every exit: detach whatever XDP program the test attached to the
# receiver veth, remove the namespaces (xh_cleanup), then the bpffs.
bpffs_cleanup() {
	ip -n "$XH_NS_RX" link set dev "$XH_RX_DEV" xdp off 2>/dev/null
	xh_cleanup
	umount "$PIN" 2>/dev/null
	rmdir "$PIN" 2>/dev/null
}

bpffs_mount() { # tag
	# libbpf turns '.' into '_' in pin paths: no dots in the directory.
	PIN=$(mktemp -d "/tmp/xh${1}XXXXXX") || xh_die "cannot create a directory for bpffs"
	trap bpffs_cleanup EXIT
	trap 'bpffs_cleanup; trap - EXIT; exit 130' INT
	trap 'bpffs_cleanup; trap - EXIT; exit 143' TERM
	mount -t bpf bpf "$PIN" || xh_die "cannot mount a bpffs at $PIN"
}
