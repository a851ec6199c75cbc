#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Prepares the QEMU guest of the kernel matrix (tests/vm/): the
# distribution's stock kernel and an initramfs of busybox plus the modules
# the guest needs, cached in $XH_VM_CACHE (default /var/cache/xdp-hints-vm,
# outside the source tree, so fresh clones share it).
#
#   tests/vm/prepare.sh           prepare (idempotent); prints the cache dir
#   tests/vm/prepare.sh --check   exit 0 if a guest can be booted, else print
#                                 why not on one line and exit 1
#
# What it takes from outside: qemu-system-x86 and busybox-static (in
# `./configure --print-test-deps`, installed by CI), and the kernel package that
# Debian's linux-image-amd64 depends on, fetched with `apt-get download`
# (the -unsigned variant: same kernel, no signature wrapper).  Nothing else.
#
# The guest has no disk: the host's root file system is shared read-only
# over virtio-9p and the initramfs's /init (tests/vm/guest_init.sh) runs a
# command in a chroot of it.  Modules are loaded with insmod in the order
# written to modules.order here, each after the modules it depends on (read
# from the "depends=" field of the module's .modinfo section).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
XH_VM_CACHE=${XH_VM_CACHE:-/var/cache/xdp-hints-vm}
QEMU=${QEMU:-qemu-system-x86_64}   # another binary, or a missing one to see the skip

# The drivers the guest uses; their dependencies are added.
GUEST_MODULES="virtio_pci virtio_net 9pnet_virtio 9p veth tun e1000e"

die() { echo "vm/prepare: $*" >&2; exit 1; }

# The stock kernel's package, e.g. linux-image-6.1.0-57-amd64-unsigned.
kernel_package() {
	local dep
	dep=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
	[ -n "$dep" ] || return 1
	echo "$dep-unsigned"
}

check() {
	command -v "$QEMU" >/dev/null || { echo "no qemu: $QEMU is not installed (Debian package qemu-system-x86)"; return 1; }
	# grep reads the whole list: with -q it could leave early, and the
	# SIGPIPE busybox then gets would fail the pipeline (pipefail).
	[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -x insmod >/dev/null ||
		{ echo "a static busybox is not installed (Debian package busybox-static)"; return 1; }
	[ -e /dev/net/tun ] || { echo "/dev/net/tun is missing (no tap for the guest's NIC)"; return 1; }
	[ "$(id -u)" = 0 ] || { echo "needs root (tap devices, namespaces)"; return 1; }
	return 0
}

if [ "${1:-}" = --check ]; then
	check
	exit $?
fi
why=$(check) || die "$why"

mkdir -p "$XH_VM_CACHE"
cd "$XH_VM_CACHE"
# Test runs in other work trees may prepare at the same time: one at a time.
exec 9>"$XH_VM_CACHE/.lock"
flock 9
pkg=$(kernel_package) || die "apt-cache knows no linux-image-amd64 (run apt-get update)"
ready="$XH_VM_CACHE/$pkg.ready"
if [ -f "$ready" ] && [ -f initramfs.cpio.gz ] && [ -f vmlinuz ] &&
   [ initramfs.cpio.gz -nt "$here/guest_init.sh" ] && [ initramfs.cpio.gz -nt "$0" ]; then
	echo "$XH_VM_CACHE"
	exit 0
fi

rm -f ./*.ready
if ! ls "$pkg"_*.deb >/dev/null 2>&1; then
	echo "vm/prepare: downloading $pkg into $XH_VM_CACHE" >&2
	rm -f linux-image-*.deb # an older kernel's package
	# apt's download sandbox user cannot write a root-only directory.
	apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2 ||
		die "apt-get download $pkg failed"
fi
deb=$(ls "$pkg"_*.deb | head -n 1)

rm -rf kernel initramfs
mkdir kernel
dpkg-deb -x "$deb" kernel
kver=$(ls kernel/lib/modules | head -n 1)
[ -n "$kver" ] && [ -f "kernel/boot/vmlinuz-$kver" ] || die "$deb holds no kernel image"
cp "kernel/boot/vmlinuz-$kver" vmlinuz.tmp && mv vmlinuz.tmp vmlinuz

# ---- initramfs: busybox, /init, the modules in load order ----------------
root=initramfs
mkdir -p $root/bin $root/dev $root/proc $root/sys $root/host $root/modules
cp /bin/busybox $root/bin/busybox
ln -s busybox $root/bin/sh
install -m 0755 "$here/guest_init.sh" $root/init

declare -A module_path=() loaded=()
while IFS= read -r ko; do
	module_path[$(basename "$ko" .ko)]=$ko
done < <(find kernel/lib/modules -name '*.ko')

order=()
add_module() { # name
	local name=$1 deps dep
	[ -n "${loaded[$name]:-}" ] && return 0
	[ -n "${module_path[$name]:-}" ] || die "module $name is not in $deb (built in?)"
	deps=$(tr '\0' '\n' < "${module_path[$name]}" | sed -n 's/^depends=//p' | head -n 1)
	for dep in ${deps//,/ }; do
		add_module "$dep"
	done
	loaded[$name]=1
	order+=("$name")
	cp "${module_path[$name]}" "$root/modules/$name.ko"
}
for m in $GUEST_MODULES; do
	add_module "$m"
done
printf '%s\n' "${order[@]}" > $root/modules/modules.order
echo "$kver" > $root/kernel-release

(cd $root && find . | /bin/busybox cpio -o -H newc 2>/dev/null) | gzip -1 > initramfs.cpio.gz.tmp
mv initramfs.cpio.gz.tmp initramfs.cpio.gz
rm -rf kernel $root
touch "$ready"
echo "vm/prepare: initramfs for kernel $kver, modules: ${order[*]}" >&2
echo "$XH_VM_CACHE"
