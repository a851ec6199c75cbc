// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The run's stop eventfd and its signal handlers (see run_stop.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/time.h>

#include "run_stop.h"

/* How long a stopped run may take to print and release what it holds. */
#define RUN_STOP_GRACE_S 1U
/* SIGALRM comes no earlier than asked; this only absorbs rounding. */
#define RUN_STOP_GRACE_SLACK_NS 10000000ULL

static struct run_stop *signalled_run;

static void eventfd_raise(int fd)
{
	uint64_t one = 1;
	ssize_t ret;

	/* Never blocks: the counter cannot reach its maximum this way. */
	ret = write(fd, &one, sizeof(one));
	(void)ret;
}

/* CLOCK_MONOTONIC ns; async-signal-safe (clock_gettime is). */
static uint64_t stop_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void run_stop_request(struct run_stop *s, enum run_stop_reason reason, int err)
{
	int running = RUN_RUNNING;

	/* err is read once every thread has been joined, or by the thread
	 * that wrote it: no ordering with the reason is needed. */
	if (atomic_compare_exchange_strong(&s->reason, &running, (int)reason)) {
		atomic_store_explicit(&s->err, err, memory_order_relaxed);
		/* Whatever the reason: the grace starts now. SIGALRM goes to
		 * the main thread (the others block it), whichever thread
		 * asks; it replaces a --duration timer not yet run out. */
		if (signalled_run == s) {
			atomic_store(&s->grace_start_ns, stop_now_ns());
			alarm(RUN_STOP_GRACE_S);
		}
	}
	if (s->fd >= 0)
		eventfd_raise(s->fd);
}

static void on_stop_signal(int sig)
{
	struct run_stop *s = signalled_run;
	int saved_errno = errno;

	if (atomic_load(&s->signal))
		_exit(128 + sig); /* the second one: at once */
	atomic_store(&s->signal, sig);
	run_stop_request(s, RUN_STOP_SIGNAL, 0);
	errno = saved_errno;
}

/*
 * SIGALRM: before the stop, the --duration timer (run_stop_set_deadline())
 * ran out: that is the stop. After it, the grace is over: output gives up.
 * A deadline signal that was already on its way when another stop came
 * is told apart by the time (the grace is never cut short by it).
 */
static void on_alarm(int sig)
{
	struct run_stop *s = signalled_run;
	int saved_errno = errno;

	(void)sig; /* also interrupts whatever the main thread blocks in */
	if (!run_stop_requested(s))
		run_stop_request(s, RUN_STOP_DURATION, 0);
	else if (stop_now_ns() - atomic_load(&s->grace_start_ns) + RUN_STOP_GRACE_SLACK_NS >=
		 RUN_STOP_GRACE_S * 1000000000ULL)
		eventfd_raise(s->abandon_fd);
	errno = saved_errno;
}

/*
 * SIGALRM restarts what it interrupts (SA_RESTART), so the grace that now
 * follows every stop cannot fail a netlink call or a read of the teardown
 * with EINTR; poll() is never restarted, so every output wait still sees
 * it. Only a wait that must end at the deadline (open() of a FIFO) asks
 * for EINTR, for as long as it waits.
 */
static int alarm_handler(bool interrupts)
{
	struct sigaction a = {
		.sa_handler = on_alarm,
		.sa_flags = interrupts ? 0 : SA_RESTART,
	};

	sigemptyset(&a.sa_mask);
	return sigaction(SIGALRM, &a, NULL) ? -errno : 0;
}

int run_stop_alarm_interrupts(bool interrupts)
{
	return alarm_handler(interrupts);
}

int run_stop_set_deadline(struct run_stop *s, unsigned long long after_ns)
{
	struct itimerval it = {
		.it_value = {
			.tv_sec = (time_t)(after_ns / 1000000000ULL),
			.tv_usec = (suseconds_t)(after_ns % 1000000000ULL / 1000ULL),
		},
	};

	/* A 0 would disarm it: the shortest timer instead. */
	if (after_ns && !it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1;
	/* After the stop ITIMER_REAL times the grace: leave it alone. */
	if (signalled_run != s || run_stop_requested(s))
		return 0;
	return setitimer(ITIMER_REAL, &it, NULL) ? -errno : 0;
}

int run_stop_init(struct run_stop *s)
{
	struct sigaction stop = { .sa_handler = on_stop_signal };
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	s->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->abandon_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->fd < 0 || s->abandon_fd < 0)
		return -errno;
	signalled_run = s;
	/* No SA_RESTART: a blocked open() or write() must return EINTR. */
	sigemptyset(&stop.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &stop, NULL))
			return -errno;
	if (alarm_handler(false) || signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return -errno;
	return 0;
}

void run_stop_close(struct run_stop *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->abandon_fd >= 0)
		close(s->abandon_fd);
	s->fd = -1;
	s->abandon_fd = -1;
}

bool run_stop_abandoned(const struct run_stop *s)
{
	struct pollfd p = { .fd = s->abandon_fd, .events = POLLIN };

	return s->abandon_fd >= 0 && poll(&p, 1, 0) == 1;
}

const char *run_stop_reason_name(enum run_stop_reason reason)
{
	switch (reason) {
	case RUN_RUNNING: return "running";
	case RUN_STOP_SIGNAL: return "signal";
	case RUN_STOP_COUNT: return "count";
	case RUN_STOP_DURATION: return "duration";
	case RUN_STOP_TX_DONE: return "tx-done";
	case RUN_STOP_ERROR: return "error";
	}
	return "unknown";
}
