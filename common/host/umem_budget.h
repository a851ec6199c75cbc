/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Does the UMEM fit? Checked before anything is mapped, so a request too
 * large for the machine is refused with its numbers instead of ending in
 * the OOM killer (the UMEM is pinned: the kernel cannot reclaim or swap
 * it) or in an ENOBUFS from the last socket's UMEM registration.
 *
 * Three limits, each optional:
 *   MemAvailable   /proc/meminfo: what the kernel estimates it can give
 *                  without swapping (Documentation/filesystems/proc.rst)
 *   memory cgroup  the room left under this process's cgroup and every
 *                  ancestor: memory.max - memory.current (cgroup v2,
 *                  Documentation/admin-guide/cgroup-v2.rst) or
 *                  memory.limit_in_bytes - memory.usage_in_bytes (v1);
 *                  the UMEM's anonymous pages are charged there
 *   RLIMIT_MEMLOCK only without CAP_IPC_LOCK: xdp_umem_account_pages()
 *                  (net/xdp/xdp_umem.c) charges the UMEM's pages, and
 *                  nothing else, against it; the count is per user, so
 *                  what other processes of the user pin is not seen here
 *
 * The parsing and the decision are pure functions of their inputs (unit
 * tested in tests/unit/test_umem_budget.c); umem_read_limits() is the part
 * that reads the system. No library prints: callers get the message text.
 */
#ifndef XDP_HINTS_UMEM_BUDGET_H
#define XDP_HINTS_UMEM_BUDGET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

/* "No limit" for every field of struct umem_limits. */
#define UMEM_NO_LIMIT UINT64_MAX

struct umem_request {
	__u32 queues;       /* sockets, each with its own rings */
	__u32 umems;        /* 1 (--umem shared) or queues (per-queue); 0: queues */
	__u32 frames;       /* per UMEM */
	__u32 frame_size;   /* bytes */
	__u32 ring_entries; /* per socket and ring, at most: the frames one queue
			     * may own (per-queue: frames; 0: frames) */
};

struct umem_limits {
	__u64 mem_available; /* bytes, MemAvailable */
	__u64 cgroup_room;   /* bytes the tightest memory cgroup still allows */
	char cgroup_dir[PATH_MAX]; /* that cgroup's directory, "" when none */
	char cgroup_files[64];     /* "memory.max - memory.current" or the v1 names */
	__u64 memlock;       /* RLIMIT_MEMLOCK soft limit; UMEM_NO_LIMIT when
			      * unlimited or with CAP_IPC_LOCK */
};

enum umem_limit_kind {
	UMEM_FITS = 0,
	UMEM_OVER_MEM_AVAILABLE,
	UMEM_OVER_CGROUP,
	UMEM_OVER_MEMLOCK,
};

struct umem_verdict {
	enum umem_limit_kind over; /* UMEM_FITS or the tightest limit exceeded */
	__u64 requested;           /* bytes compared with that limit */
	__u64 allowed;             /* bytes that limit allows */
};

/* The UMEMs alone, frames x frame_size x umems, bytes: what is pinned. */
__u64 umem_pinned_bytes(const struct umem_request *req);
/*
 * What the kernel allocates per UMEM frame for each socket bound to that
 * UMEM, bytes: a buffer pool (net/xdp/xsk_buff_pool.c,
 * xp_create_and_assign_umem()) holds a struct xdp_buff_xsk for every
 * frame of the UMEM, whichever queue the socket is on. 128 bytes on
 * x86_64 with Linux 6.1 to 6.18; measured: 128 sockets on one UMEM of
 * 32768 frames (--umem shared) take 512 MiB of unreclaimable slab
 * (SUnreclaim), the same 128 queues with a UMEM of 256 frames each 4 MiB.
 * Not charged to RLIMIT_MEMLOCK; an estimate: the struct's size is the
 * kernel's.
 */
#define XSK_KERNEL_BYTES_PER_FRAME 128ULL

/*
 * The kernel's buffer descriptors of every socket, bytes: queues x frames
 * of its UMEM x XSK_KERNEL_BYTES_PER_FRAME. A shared UMEM multiplies its
 * whole frame count by the queues; per-queue UMEMs only their own.
 */
__u64 umem_kernel_bytes(const struct umem_request *req);

/*
 * What the receiver itself allocates per queue besides its UMEM, rings and
 * buffer descriptors, bytes: statistics, latency histograms, batch and
 * output buffers, the socket. Measured 115-140 KiB of resident memory per
 * queue (make bench, part queues), doubled: a memory cgroup also charges
 * the kernel's side of each socket, and a 128-queue run under a limit the
 * check passed without it was OOM-killed.
 */
#define RX_QUEUE_STATE_BYTES (256ULL << 10)

/*
 * UMEMs plus an upper bound for the rings of every socket (fill and
 * completion: 8 bytes per entry, RX and TX: 16, each at most ring_entries
 * entries) plus the kernel's buffer descriptors (umem_kernel_bytes()) plus
 * RX_QUEUE_STATE_BYTES per queue: bytes of memory the run's queues take.
 */
__u64 umem_total_bytes(const struct umem_request *req);

/*
 * Compare @req with @limits: pinned bytes with memlock, total bytes with
 * the cgroup room and MemAvailable. When several are exceeded, the verdict
 * names the one allowing least. Returns verdict->over.
 */
enum umem_limit_kind umem_budget_check(const struct umem_request *req,
				       const struct umem_limits *limits,
				       struct umem_verdict *verdict);

/*
 * One line (no newline) for a refusal: the request, its bytes in MiB, the
 * limit exceeded, its MiB, and how to fix it. @limits names the cgroup.
 */
void umem_budget_describe(const struct umem_request *req, const struct umem_limits *limits,
			  const struct umem_verdict *verdict, char *buf, size_t len);

/*
 * The default UMEM size: UMEM_SHARE_BUDGET bytes in all, shared out
 * across the bound queues, so a NIC with many queues does not pin 16 MiB
 * per queue. Each queue gets the largest power of two of frames its share
 * holds, at most UMEM_SHARE_FRAMES_MAX (the former fixed default) and at
 * least the caller's floor (enough for a full RX ring while one batch is
 * in the user's hands); a floor above the share makes the total exceed
 * the budget, and says so (UMEM_SHARE_FLOOR).
 */
#define UMEM_SHARE_BUDGET (64ULL << 20) /* bytes, all queues together */
#define UMEM_SHARE_FRAMES_MAX 4096U     /* per queue */

enum umem_share_reason {
	UMEM_SHARE_GIVEN = 0, /* -f/--frames given: taken as it is */
	UMEM_SHARE_SHARED,    /* the budget divided by the queues */
	UMEM_SHARE_CAPPED,    /* the share would be more than UMEM_SHARE_FRAMES_MAX */
	UMEM_SHARE_FLOOR,     /* the share would be less than the floor */
};

struct umem_share_request {
	__u32 queues;         /* queues bound, >= 1 */
	bool shared;          /* --umem shared: frames is the total */
	__u32 frames;         /* per queue (or the total, shared), 0: share the budget out */
	__u32 frame_size;     /* bytes, 0: 2048 when the MTU's frame fits, else 4096 */
	__u32 mtu;            /* bytes, of the interface */
	__u32 frame_headroom; /* bytes, xsk_umem_config.frame_headroom */
	__u32 min_frames;     /* per queue, a power of two: the floor */
};

struct umem_share {
	__u32 frames;      /* per queue, a power of two (shared: the total's even share) */
	__u32 total_frames; /* shared: frames in the one UMEM, a power of two; else 0 */
	__u32 frame_size;  /* 2048 or 4096 */
	enum umem_share_reason reason;
	bool frame_size_chosen; /* false: -F/--frame-size given */
};

/*
 * Decide frames per queue and frame size for @req (see above). Pure.
 * Shared: without -f/--frames the total is the largest power of two
 * <= queues x the per-queue share above (the same memory as per-queue
 * when the queue count is a power of two); with it, the total is -f and
 * the per-queue share (kept for a fall-back to per-queue UMEMs) the
 * largest power of two <= total / queues, at least the floor.
 */
void umem_share_out(const struct umem_share_request *req, struct umem_share *share);

/*
 * The start-up line's words on how the UMEM was sized (no newline), e.g.
 * "budget 64 MiB shared by 64 queues; -f/--frames to change".
 */
void umem_share_describe(const struct umem_share *share, __u32 queues, char *buf, size_t len);

/* MemAvailable of /proc/meminfo text, in bytes. -ENOENT when absent. */
int umem_parse_mem_available(const char *meminfo, __u64 *bytes);

/*
 * A cgroup limit or usage file's text: a decimal byte count, or "max"
 * (v2: no limit) giving UMEM_NO_LIMIT, as does v1's "no limit" (2^63
 * rounded down to a page). -EINVAL for anything else.
 */
int umem_parse_cgroup_value(const char *text, __u64 *bytes);

/*
 * This process's cgroup from /proc/self/cgroup text: the v2 line
 * ("0::/path") when @controller is NULL, else the v1 line whose controller
 * list holds @controller ("4:memory:/path"). -ENOENT when there is none.
 */
int umem_parse_proc_cgroup(const char *proc_cgroup, const char *controller,
			   char *path, size_t len);

/*
 * Where this process's cgroup @cgroup_path (from /proc/self/cgroup) lives,
 * from /proc/self/mountinfo text: the cgroup2 mount when @controller is
 * NULL, else the v1 mount whose options hold @controller. @dir gets the
 * cgroup's directory, @top the mount point (@len bytes each). -ENOENT when
 * no mount shows it.
 */
int umem_cgroup_dir(const char *mountinfo, const char *controller, const char *cgroup_path,
		    char *dir, char *top, size_t len);

/*
 * Walk from @leaf_dir up to @top_dir (inclusive; @leaf_dir must be under
 * it), reading @limit_file and @usage_file at each level; a level without
 * them (the root cgroup) sets no limit. *room gets the least limit - usage
 * (0 when usage is over), UMEM_NO_LIMIT when no level limits; @which gets
 * the directory of that level. 0 or negative errno.
 */
int umem_cgroup_room(const char *leaf_dir, const char *top_dir, const char *limit_file,
		     const char *usage_file, __u64 *room, char *which, size_t which_len);

/*
 * Read every limit of this process: /proc/meminfo, its memory cgroup
 * (v2 and v1 hierarchies, found through /proc/self/cgroup and
 * /proc/self/mountinfo, else, when 'ip netns exec' has hidden them,
 * through /proc/PID/root of our parent or of init) and RLIMIT_MEMLOCK
 * unless @has_ipc_lock. A limit
 * that cannot be read is UMEM_NO_LIMIT: these checks only spare the user
 * a worse failure later, they never stop a run on their own doubt.
 */
void umem_read_limits(bool has_ipc_lock, struct umem_limits *limits);

#endif
