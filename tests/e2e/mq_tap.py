#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Multi-queue tap for tests/e2e/queue_set.sh.

   mq_tap.py DEV N

Creates tap DEV with N queues attached (TUNSETIFF with IFF_MULTI_QUEUE on
N descriptors; the kernel sets real_num_rx_queues to the queues attached,
drivers/net/tun.c tun_attach), prints "attached", then reads commands
from stdin until "quit" or end of input:

   send Q COUNT   write COUNT UDP frames to queue Q's descriptor (they
                  arrive on RX queue Q), then print "sent COUNT"

The frames go to the tap's own MAC, 10.77.0.2:10000 -> 10.77.0.1:9000.
The device disappears with this process.  Errors: one line, exit 1.
"""
import fcntl
import os
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFF_MULTI_QUEUE = 0x0100


def checksum(data):
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def udp_frame(dst_mac):
    payload = bytes(64)
    udp = struct.pack("!HHHH", 10000, 9000, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                     bytes([10, 77, 0, 2]), bytes([10, 77, 0, 1]))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return dst_mac + bytes.fromhex("027868000009") + b"\x08\x00" + ip + udp


def main():
    dev, queues = sys.argv[1], int(sys.argv[2])
    fds = []
    try:
        for _ in range(queues):
            fd = os.open("/dev/net/tun", os.O_RDWR)
            ifr = struct.pack("16sH22x", dev.encode(), IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE)
            fcntl.ioctl(fd, TUNSETIFF, ifr)
            fds.append(fd)
        with open("/sys/class/net/%s/address" % dev) as f:
            mac = bytes.fromhex(f.read().strip().replace(":", ""))
    except OSError as e:
        print("%s: cannot create a %d-queue tap: %s" % (dev, queues, e.strerror), flush=True)
        return 1
    print("attached", flush=True)
    frame = udp_frame(mac)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "send":
            queue, count = int(words[1]), int(words[2])
            for _ in range(count):
                os.write(fds[queue], frame)
            print("sent %d" % count, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
