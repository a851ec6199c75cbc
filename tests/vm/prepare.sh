#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Prepares a QEMU guest of the kernel matrix (tests/vm/): one of Debian's
# kernels and an initramfs of busybox plus the modules the guest needs,
# cached in $XH_VM_CACHE/KERNEL (default /var/cache/xdp-hints-vm, outside
# the source tree, so fresh clones share it).
#
#   tests/vm/prepare.sh [KERNEL]          prepare (idempotent); prints the
#                                         kernel's cache dir
#   tests/vm/prepare.sh --check           exit 0 if a guest can be booted,
#                                         else print why not on one line, exit 1
#   tests/vm/prepare.sh --list            the KERNEL names, one a line
#
# KERNEL (default deb12):
#   deb12      Debian 12 stock        bookworm          linux-image-amd64
#   deb13      Debian 13 stock        trixie            linux-image-amd64
#   deb13-bpo  Debian 13 backports    trixie-backports  linux-image-amd64
#   deb13-rt   Debian 13 PREEMPT_RT   trixie            linux-image-rt-amd64
#
# What it takes from outside: qemu-system-x86 and busybox-static (in
# `./configure --print-test-deps`, installed by CI), and the kernel's packages,
# fetched with `apt-get download` through a private apt configuration in
# $XH_VM_CACHE/apt/SUITE (its own sources list, lists and cache: the
# machine's apt state is not touched).  Its archive is the one the machine's
# own apt sources name for the machine's own release, read here at run time.
# The package: the kernel the metapackage depends on, its -unsigned variant
# where there is one (same kernel, no signature wrapper); where the image
# package is only a shell (7.x), the linux-binary-* (vmlinuz) and
# linux-modules-* packages it depends on, and linux-base-* (modules.builtin).
#
# The guest has no disk: the host's root file system is shared read-only
# over virtio-9p and the initramfs's /init (tests/vm/guest_init.sh) runs a
# command in a chroot of it.  Modules are loaded with insmod in the order
# written to modules.order here, each after the modules it depends on (read
# from the "depends=" field of the module's .modinfo section); modules that
# are built in (modules.builtin) are left out, compressed ones (.ko.xz,
# .ko.zst: 6.12 on) are decompressed here for busybox's insmod.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
XH_VM_CACHE=${XH_VM_CACHE:-/var/cache/xdp-hints-vm}
QEMU=${QEMU:-qemu-system-x86_64}   # another binary, or a missing one to see the skip
# Lists of the private apt configuration older than this are fetched again.
APT_LISTS_MAX_AGE_MIN=$((7 * 24 * 60))

# The drivers the guest uses; their dependencies are added.
GUEST_MODULES="virtio_pci virtio_net 9pnet_virtio 9p veth tun e1000e"
KERNELS="deb12 deb13 deb13-bpo deb13-rt"

die() { echo "vm/prepare: $*" >&2; exit 1; }

kernel_suite() { # kernel -> suite metapackage
	case "$1" in
	deb12) echo "bookworm linux-image-amd64" ;;
	deb13) echo "trixie linux-image-amd64" ;;
	deb13-bpo) echo "trixie-backports linux-image-amd64" ;;
	deb13-rt) echo "trixie linux-image-rt-amd64" ;;
	*) return 1 ;;
	esac
}

# The URI of the Debian archive the machine's apt sources name for the
# machine's own release (a "deb" entry with suite $VERSION_CODENAME; both
# the one-line and the deb822 formats).  Empty if there is none.
archive_uri() {
	local codename f
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || return 1
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk -v c="$codename" '$1 == "deb" {
			i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			if ($(i + 1) == c) { print $i; exit } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v c="$codename" '
			function flush() { if (deb && uri != "" && n) { print uri; found = 1 } deb = 0; uri = ""; n = 0 }
			/^[ \t]*$/ { flush(); if (found) exit; next }
			/^#/ { next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			tolower($1) == "uris:" { uri = $2 }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == c) n = 1 }
			tolower($1) == "enabled:" && tolower($2) == "no" { deb = 0 }
			END { if (!found) flush() }' "$f"
	done | head -n 1
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

case "${1:-}" in
--check) check; exit $? ;;
--list) echo "$KERNELS" | tr ' ' '\n'; exit 0 ;;
esac
kernel=${1:-deb12}
spec=$(kernel_suite "$kernel") || die "unknown kernel '$kernel' (one of: $KERNELS)"
read -r suite meta <<<"$spec"
why=$(check) || die "$why"

mkdir -p "$XH_VM_CACHE/debs" "$XH_VM_CACHE/$kernel"
# Test runs in other work trees may prepare at the same time: one at a time.
exec 9>"$XH_VM_CACHE/.lock"
flock 9

# ---- the private apt configuration of $suite --------------------------------
apt_dir=$XH_VM_CACHE/apt/$suite
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=$apt_dir/none"
	-o "Dir::Etc::preferencesparts=$apt_dir/none" -o "Dir::State=$apt_dir/state"
	-o "Dir::State::status=$apt_dir/state/status" -o "Dir::Cache=$apt_dir/cache"
	-o APT::Sandbox::User=root -o Debug::NoLocking=1 -q)
apt_update() {
	local uri
	uri=$(archive_uri) || true
	[ -n "$uri" ] || die "the machine's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d/) name no Debian archive for its release"
	mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/none"
	touch "$apt_dir/state/status"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" >"$apt_dir/sources.list"
	echo "vm/prepare: apt-get update of $suite from $uri (private lists in $apt_dir)" >&2
	apt-get "${apt_opts[@]}" update >&2 || die "apt-get update of $suite from $uri failed"
	touch "$apt_dir/updated"
}
ready="$XH_VM_CACHE/$kernel/ready"
# The scripts the guest is built from, by content (not time: every fresh
# clone's files are new, and clones share the cache).
scripts_sum=$(cat "$here/guest_init.sh" "$0" | md5sum | cut -d' ' -f1)
built() { # the guest of $kernel is built, by these scripts
	[ -f "$ready" ] && [ -f "$XH_VM_CACHE/$kernel/initramfs.cpio.gz" ] && [ -f "$XH_VM_CACHE/$kernel/vmlinuz" ] &&
		[ "$(sed -n 2p "$ready")" = "$scripts_sum" ]
}
if [ ! -f "$apt_dir/updated" ] || [ -n "$(find "$apt_dir/updated" -mmin +$APT_LISTS_MAX_AGE_MIN)" ]; then
	apt_update
elif built && [ "$ready" -nt "$apt_dir/updated" ]; then
	# Built from these lists: nothing to ask apt.
	echo "$XH_VM_CACHE/$kernel"
	exit 0
fi

depends_of() { # package: its Depends, one a line, versions and alternatives dropped
	apt-cache "${apt_opts[@]}" show --no-all-versions "$1" 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n 1 | tr ',' '\n' | sed 's/^ *//; s/[ (|].*//'
}
# The packages that hold the kernel: one (-unsigned or not) or three (7.x:
# linux-base-*, linux-binary-* and linux-modules-*).
kernel_packages() {
	local image d
	image=$(depends_of "$meta" | grep -E '^linux-image-[0-9]' | head -n 1)
	[ -n "$image" ] || return 1
	if apt-cache "${apt_opts[@]}" show --no-all-versions "$image-unsigned" >/dev/null 2>&1; then
		echo "$image-unsigned"
		return 0
	fi
	d=$(depends_of "$image" | grep -E '^linux-(base|binary|modules)-[0-9]')
	[ -n "$d" ] || { echo "$image"; return 0; }
	echo "$d"
}
pkgs=$(kernel_packages) || die "the $suite lists know no $meta"
id=$(echo $pkgs | tr ' ' '+')
cd "$XH_VM_CACHE/$kernel"
if built && [ "$(sed -n 1p "$ready")" = "$id" ]; then
	touch "$ready"
	echo "$XH_VM_CACHE/$kernel"
	exit 0
fi

rm -f "$ready"
debs=()
for pkg in $pkgs; do
	if ! ls "$XH_VM_CACHE/debs/$pkg"_*.deb >/dev/null 2>&1; then
		echo "vm/prepare: downloading $pkg into $XH_VM_CACHE/debs" >&2
		(cd "$XH_VM_CACHE/debs" && apt-get "${apt_opts[@]}" download "$pkg" >&2) ||
			die "apt-get download $pkg failed"
	fi
	debs+=("$(ls "$XH_VM_CACHE/debs/$pkg"_*.deb | head -n 1)")
done

rm -rf kernel initramfs
mkdir kernel
for deb in "${debs[@]}"; do
	dpkg-deb -x "$deb" kernel
done
# Merged /usr (6.12 on): the modules are under usr/lib/modules.
moddir=kernel/lib/modules
[ -d kernel/usr/lib/modules ] && moddir=kernel/usr/lib/modules
kver=$(ls "$moddir" | head -n 1)
[ -n "$kver" ] || die "${debs[*]} hold no modules"
image=""
for f in "kernel/boot/vmlinuz-$kver" "$moddir/$kver/vmlinuz"; do
	[ -f "$f" ] && image=$f
done
[ -n "$image" ] || die "${debs[*]} hold no kernel image"
cp "$image" vmlinuz.tmp && mv vmlinuz.tmp vmlinuz

# ---- initramfs: busybox, /init, the modules in load order ----------------
root=initramfs
mkdir -p $root/bin $root/dev $root/proc $root/sys $root/host $root/modules
cp /bin/busybox $root/bin/busybox
ln -s busybox $root/bin/sh
install -m 0755 "$here/guest_init.sh" $root/init

declare -A module_path=() loaded=() builtin=()
while IFS= read -r ko; do
	name=$(basename "$ko")
	module_path[${name%%.ko*}]=$ko
done < <(find "$moddir/$kver" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst')
if [ -f "$moddir/$kver/modules.builtin" ]; then
	while IFS= read -r m; do
		m=$(basename "$m" .ko)
		builtin[$m]=1
		builtin[${m//-/_}]=1
	done <"$moddir/$kver/modules.builtin"
fi

module_file() { # path: the uncompressed module on stdout
	case "$1" in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*) cat "$1" ;;
	esac
}

order=()
add_module() { # name
	local name=$1 deps dep
	[ -n "${loaded[$name]:-}" ] && return 0
	if [ -z "${module_path[$name]:-}" ]; then
		[ -n "${builtin[$name]:-}" ] && { loaded[$name]=1; return 0; }
		die "module $name is neither in ${debs[*]} nor built in"
	fi
	module_file "${module_path[$name]}" >"$root/modules/$name.ko"
	deps=$(tr '\0' '\n' <"$root/modules/$name.ko" | sed -n 's/^depends=//p' | head -n 1)
	for dep in ${deps//,/ }; do
		add_module "$dep"
	done
	loaded[$name]=1
	order+=("$name")
}
for m in $GUEST_MODULES; do
	add_module "$m"
done
printf '%s\n' "${order[@]}" > $root/modules/modules.order
echo "$kver" > $root/kernel-release

(cd $root && find . | /bin/busybox cpio -o -H newc 2>/dev/null) | gzip -1 > initramfs.cpio.gz.tmp
mv initramfs.cpio.gz.tmp initramfs.cpio.gz
rm -rf kernel $root
printf '%s\n%s\n' "$id" "$scripts_sum" >"$ready"
echo "vm/prepare: $kernel: initramfs for kernel $kver, modules: ${order[*]}" >&2
echo "$XH_VM_CACHE/$kernel"
