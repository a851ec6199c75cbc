/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one way a run of af_xdp_user ends. Whoever decides that the run is
 * over (a stop signal, --count, --duration, the TX thread when its cycles
 * are done, a fatal error in any thread) calls run_stop_request(). That
 * writes an eventfd that sits in every poll set of every thread and is
 * never read, so it stays readable: a thread asleep in poll() wakes, a
 * thread about to sleep does not, and a thread that spins sees the
 * atomic reason on its next round. The first request's reason and error
 * are kept; later ones change nothing.
 *
 * Stop signals (SIGINT, SIGTERM, SIGHUP) are delivered to the main
 * thread only: every other thread is created with them blocked
 * (thread_attr_init() in cpu_setup.h). Their handler is installed
 * without SA_RESTART, so a main thread blocked in open() of a FIFO or in
 * write() to a full pipe returns EINTR at once. One second after the
 * first stop signal the run is "abandoned": a second eventfd becomes
 * readable, every output wait gives up on it, and what is left is
 * released. A second stop signal ends the process at once (_exit; the
 * kernel releases the bpf_link and the sockets with the process).
 *
 * Every other stop (--count, --duration, the TX thread, an error) starts
 * the same one-second grace, so an output nobody reads cannot keep a
 * finished run alive; and --duration is a timer too (SIGALRM, through
 * run_stop_set_deadline()), so it ends the run even while the main
 * thread waits for such an output, or for a FIFO's reader.
 */
#ifndef XDP_HINTS_RUN_STOP_H
#define XDP_HINTS_RUN_STOP_H

#include <stdatomic.h>
#include <stdbool.h>

enum run_stop_reason {
	RUN_RUNNING = 0,
	RUN_STOP_SIGNAL,    /* SIGINT, SIGTERM or SIGHUP */
	RUN_STOP_COUNT,     /* --count packets received */
	RUN_STOP_DURATION,  /* --duration over */
	RUN_STOP_TX_DONE,   /* --tx: every cycle sent */
	RUN_STOP_ERROR,     /* see run_stop.err */
};

struct run_stop {
	int fd;             /* eventfd: readable once a stop was requested */
	int abandon_fd;     /* eventfd: readable once output must give up */
	atomic_int reason;  /* enum run_stop_reason */
	atomic_int err;     /* negative errno with RUN_STOP_ERROR */
	atomic_int signal;  /* the stop signal's number, with RUN_STOP_SIGNAL */
	_Atomic unsigned long long grace_start_ns; /* CLOCK_MONOTONIC of the stop */
};

#define RUN_STOP_INIT { .fd = -1, .abandon_fd = -1 }

/*
 * Create the eventfds and install the signal handlers for @s (one run per
 * process: the handlers reach @s through a static pointer). SIGPIPE is
 * ignored, so a write to a closed pipe fails with EPIPE and is reported
 * like any other output error. Returns 0 or negative errno.
 */
int run_stop_init(struct run_stop *s);
void run_stop_close(struct run_stop *s);

/* Async-signal-safe and thread-safe. @err: negative errno or 0. */
void run_stop_request(struct run_stop *s, enum run_stop_reason reason, int err);

static inline bool run_stop_requested(const struct run_stop *s)
{
	return atomic_load_explicit(&s->reason, memory_order_relaxed) != RUN_RUNNING;
}

static inline enum run_stop_reason run_stop_reason(const struct run_stop *s)
{
	return (enum run_stop_reason)atomic_load_explicit(&s->reason, memory_order_acquire);
}

/*
 * Request the stop (RUN_STOP_DURATION) @after_ns from now, from a timer
 * (ITIMER_REAL, SIGALRM), even while the main thread is blocked; 0
 * disarms it. Once the stop is requested the timer times the grace and
 * this does nothing. Returns 0 or negative errno (setitimer()).
 */
int run_stop_set_deadline(struct run_stop *s, unsigned long long after_ns);

/* Let SIGALRM (the deadline, the grace) interrupt blocking calls with
 * EINTR (true), or restart them (false, the default). 0 or negative errno. */
int run_stop_alarm_interrupts(bool interrupts);

/* Has the one-second grace after a stop signal run out? */
bool run_stop_abandoned(const struct run_stop *s);

const char *run_stop_reason_name(enum run_stop_reason reason);

#endif
