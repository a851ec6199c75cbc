#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# /init of the guest's initramfs (built by tests/vm/prepare.sh; busybox sh).
# Loads the modules, mounts the host's root file system (9p, read-only) at
# /host with fresh proc, sys, dev, bpf and tmpfs mounts over it, mounts the
# writable work directory (the second 9p share) at the same path as on the
# host, then the read-only shares listed in WORK/shares (9p tags share0,
# share1, ...: directories under the host's /tmp, which the guest's own
# /tmp hides) at theirs.  It writes the kernel's release to WORK/booted,
# runs "bash WORK/cmd" in a chroot of /host and leaves its output in
# WORK/out and its exit status in WORK/rc.  Then it powers the guest off.
# WORK comes from the kernel command line (xh_work=DIR).
/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() { echo "guest-init: $*" > /dev/ttyS0; }

while read -r module; do
	insmod "/modules/$module.ko" || say "insmod $module failed"
done < /modules/modules.order

work=
for arg in $(cat /proc/cmdline); do
	case "$arg" in xh_work=*) work=${arg#xh_work=} ;; esac
done

# The host's root is read-only and cached (it does not change while the
# guest runs); the work directory is not cached: both sides poll files in it.
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro,cache=loose hostroot /host; then
	say "cannot mount the host's root file system (9p tag hostroot)"
	poweroff -f
fi
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t devtmpfs devtmpfs /host/dev
mount -t bpf bpf /host/sys/fs/bpf
mount -t tmpfs tmpfs /host/run
mount -t tmpfs tmpfs /host/tmp
mount -t tmpfs tmpfs /host/var/tmp 2>/dev/null
mount -t tmpfs tmpfs /host/dev/shm 2>/dev/null
mkdir -p "/host$work"
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none work "/host$work"; then
	say "cannot mount the work directory $work (9p tag work)"
	poweroff -f
fi
i=0
while read -r share; do
	[ -n "$share" ] || continue
	mkdir -p "/host$share" 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro,cache=loose "share$i" "/host$share" ||
		say "cannot mount the share $share (9p tag share$i)"
	i=$((i + 1))
done < "/host$work/shares"
ip link set lo up
uname -r > "/host$work/booted"

say "running $work/cmd"
chroot /host /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 XH_IN_GUEST=1 \
	/bin/bash -c "cd '$work' && exec bash '$work/cmd'" > "/host$work/out" 2>&1
echo $? > "/host$work/rc.tmp"
mv "/host$work/rc.tmp" "/host$work/rc"
umount "/host$work"
sync
poweroff -f
