// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The run's stop eventfd and its signal handlers (see run_stop.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "run_stop.h"

/* How long a stopped run may take to print and release what it holds. */
#define RUN_STOP_GRACE_S 1U

static struct run_stop *signalled_run;

static void eventfd_raise(int fd)
{
	uint64_t one = 1;
	ssize_t ret;

	/* Never blocks: the counter cannot reach its maximum this way. */
	ret = write(fd, &one, sizeof(one));
	(void)ret;
}

void run_stop_request(struct run_stop *s, enum run_stop_reason reason, int err)
{
	int running = RUN_RUNNING;

	/* err is read once every thread has been joined, or by the thread
	 * that wrote it: no ordering with the reason is needed. */
	if (atomic_compare_exchange_strong(&s->reason, &running, (int)reason))
		atomic_store_explicit(&s->err, err, memory_order_relaxed);
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
	alarm(RUN_STOP_GRACE_S);
	errno = saved_errno;
}

static void on_grace_over(int sig)
{
	int saved_errno = errno;

	(void)sig; /* also interrupts whatever the main thread blocks in */
	eventfd_raise(signalled_run->abandon_fd);
	errno = saved_errno;
}

int run_stop_init(struct run_stop *s)
{
	struct sigaction stop = { .sa_handler = on_stop_signal };
	struct sigaction grace = { .sa_handler = on_grace_over };
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	s->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->abandon_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->fd < 0 || s->abandon_fd < 0)
		return -errno;
	signalled_run = s;
	/* No SA_RESTART: a blocked open() or write() must return EINTR. */
	sigemptyset(&stop.sa_mask);
	sigemptyset(&grace.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &stop, NULL))
			return -errno;
	if (sigaction(SIGALRM, &grace, NULL) || signal(SIGPIPE, SIG_IGN) == SIG_ERR)
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
