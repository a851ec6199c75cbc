#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Send hand-built control and data frames on an interface (AF_PACKET).

    raw_frames.py [--gap-us N] DEV DST_MAC KIND[+KIND...] COUNT [TPID,TPID,...]

KIND is one of the names in FRAMES below; the optional TPID list puts
VLAN tags in front of the type (outermost first), e.g. 88a8,8100 for QinQ.
Several kinds joined by '+' send COUNT frames in all, as many of each, in
an order shuffled with a fixed seed (the same on every run): a mix with no
period, so no frame kind keeps to a subset of the receiver's buffers.
--gap-us N waits N microseconds after each frame (default 0), so that a
receiver with a small ring drops none.
Used by control_traffic.sh to check what the XDP program leaves to the
kernel, and by foreign_unstamped.sh; xdp_hints_traffic builds only UDP,
raw-ethertype (no chosen payload), ARP and runt frames.  Prints nothing;
exits 1 with one line on a bad argument.
"""
import random
import socket
import struct
import sys
import time

SRC_MAC = bytes.fromhex("027868000002")
IP4_SRC = bytes([10, 77, 0, 2])
IP4_DST = bytes([10, 77, 0, 1])
LL6_SRC = bytes.fromhex("fe800000000000000078 68ff fe000002".replace(" ", ""))
ALL_NODES6 = bytes.fromhex("ff020000000000000000000000000001")
MLDV2_ROUTERS = bytes.fromhex("ff020000000000000000000000000016")

IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_FRAGMENT = 0, 60, 44
IPPROTO_ICMPV6, IPPROTO_UDP, IPPROTO_IGMP = 58, 17, 2


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def ipv4(proto, payload, frag_off=0):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, frag_off, 64, proto,
                         0, IP4_SRC, IP4_DST)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return 0x0800, header + payload


def udp(dport, length=32, payload=b""):
    payload += bytes(length - len(payload))
    return struct.pack("!HHHH", 10000, dport, 8 + len(payload), 0) + payload


# headers/tx_stamp.h: magic "XHTS", version, clock, reserved, seq, send_ns.
def tx_stamp(version=1, clock=1, length=24):
    return (b"XHTS" + struct.pack("!BBHQQ", version, clock, 0, 0, 1))[:length]


def hop_by_hop(next_header):
    # Router alert (MLD), then PadN to 8 bytes.
    return bytes([next_header, 0, 5, 2, 0, 0, 1, 0])


def dest_options(next_header):
    return bytes([next_header, 0, 1, 4, 0, 0, 0, 0])


def ipv6(next_header, payload, dst=ALL_NODES6, hop_limit=255):
    header = struct.pack("!IHBB16s16s", 6 << 28, len(payload), next_header, hop_limit,
                         LL6_SRC, dst)
    return 0x86DD, header + payload


def icmpv6(icmp_type, body=bytes(20)):
    return struct.pack("!BBH", icmp_type, 0, 0) + body


FRAMES = {
    # Always the kernel's.
    "arp": lambda: (0x0806, bytes.fromhex("0001080006040001") + SRC_MAC + IP4_SRC +
                    bytes(6) + IP4_DST),
    "rs": lambda: ipv6(IPPROTO_ICMPV6, icmpv6(133)),
    "ns": lambda: ipv6(IPPROTO_ICMPV6, icmpv6(135)),
    "na": lambda: ipv6(IPPROTO_ICMPV6, icmpv6(136)),
    "mld-query": lambda: ipv6(IPPROTO_HOPOPTS, hop_by_hop(IPPROTO_ICMPV6) + icmpv6(130),
                              hop_limit=1),
    "mld-report": lambda: ipv6(IPPROTO_HOPOPTS, hop_by_hop(IPPROTO_ICMPV6) + icmpv6(143),
                               dst=MLDV2_ROUTERS, hop_limit=1),
    "ns-ext": lambda: ipv6(IPPROTO_HOPOPTS, hop_by_hop(IPPROTO_DSTOPTS) +
                           dest_options(IPPROTO_ICMPV6) + icmpv6(135)),
    "igmp": lambda: ipv4(IPPROTO_IGMP, bytes.fromhex("1600000000e0000001")[:8]),
    "stp": lambda: (38, bytes.fromhex("424203") + bytes(35)),
    # The kernel's unless the filter names them.
    "dhcp": lambda: ipv4(IPPROTO_UDP, udp(67)),
    "dhcpv6": lambda: ipv6(IPPROTO_UDP, udp(547)),
    "ptp-udp": lambda: ipv4(IPPROTO_UDP, udp(319)),
    "ptp-l2": lambda: (0x88F7, bytes(44)),
    "lldp": lambda: (0x88CC, bytes(46)),
    "lacp": lambda: (0x8809, bytes([1]) + bytes(45)),
    # Data: UDP to port 9000, plain and behind IPv6 extension headers.
    "udp": lambda: ipv4(IPPROTO_UDP, udp(9000)),
    "udp6-ext": lambda: ipv6(IPPROTO_HOPOPTS, hop_by_hop(IPPROTO_DSTOPTS) +
                             dest_options(IPPROTO_UDP) + udp(9000)),
    "udp-first-fragment": lambda: ipv4(IPPROTO_UDP, udp(9000), frag_off=0x2000),
    # A send stamp (xdp_hints_traffic --stamp-tx) a receiver cannot read: a
    # later version, or cut short (the frame ends 10 bytes into it).
    "stamp-next-version": lambda: ipv4(IPPROTO_UDP, udp(9000, payload=tx_stamp(version=2))),
    "stamp-cut": lambda: ipv4(IPPROTO_UDP, udp(9000, length=10, payload=tx_stamp(length=10))),
    # tests/bpf/stale_btf_id.c: ethertype 0x88b5 (IEEE local experimental),
    # a hint in front when the first payload byte is 'H', nothing otherwise.
    "stale-hint": lambda: (0x88B5, b"H" + bytes(45)),
    "stale-none": lambda: (0x88B5, b"N" + bytes(45)),
}


def frame(dst_mac, kind, tpids):
    ethertype, payload = FRAMES[kind]()
    tags = b"".join(struct.pack("!HH", tpid, 100 + i) for i, tpid in enumerate(tpids))
    data = dst_mac + SRC_MAC + tags + struct.pack("!H", ethertype) + payload
    return data + bytes(max(0, 60 - len(data)))


def usage(why):
    sys.exit(f"raw_frames.py: {why}; usage: [--gap-us N] DEV DST_MAC KIND[+KIND...] COUNT "
             f"[TPID,...]; KIND one of {', '.join(FRAMES)}")


def main(argv):
    gap_us = 0
    if len(argv) > 2 and argv[1] == "--gap-us":
        if not argv[2].isdigit():
            usage(f"--gap-us {argv[2]}: not a number of microseconds")
        gap_us = int(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) not in (5, 6):
        usage("wrong number of arguments")
    kinds = argv[3].split("+")
    for kind in kinds:
        if kind not in FRAMES:
            usage(f"unknown KIND '{kind}'")
    if not argv[4].isdigit() or int(argv[4]) % len(kinds):
        usage(f"COUNT {argv[4]}: not a multiple of the number of kinds ({len(kinds)})")
    dev, dst_mac, count = argv[1], bytes.fromhex(argv[2].replace(":", "")), int(argv[4])
    tpids = [int(t, 16) for t in argv[5].split(",")] if len(argv) == 6 and argv[5] else []
    datas = [frame(dst_mac, kind, tpids) for kind in kinds]
    order = [i % len(kinds) for i in range(count)]
    if len(kinds) > 1:
        random.Random(count).shuffle(order)
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sock:
        sock.bind((dev, 0))
        for i in order:
            sock.send(datas[i])
            if gap_us:
                time.sleep(gap_us / 1e6)


if __name__ == "__main__":
    main(sys.argv)
