// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The --metrics HTTP endpoint (see metrics_server.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "cpu_setup.h"
#include "log.h"
#include "metrics_server.h"
#include "rx_stats.h"

#define CONTENT_TYPE_TEXT "text/plain; version=0.0.4; charset=utf-8"
#define CONTENT_TYPE_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"
/*
 * Scrapes are answered whatever other clients do. A client that sends its
 * request one byte at a time resets libmicrohttpd's inactivity timeout
 * (CONNECTION_TIMEOUT_S) with every byte, so that timeout alone lets a few
 * slow clients hold every connection slot for as long as they like. Every
 * connection therefore has REQUEST_DEADLINE_S from its start, or from the
 * end of its previous request (keep-alive), to send a request and read the
 * answer; past it the socket is shut down and libmicrohttpd closes it. A
 * scraper on the host or the LAN needs milliseconds for both (the text is
 * some 100 KB). MAX_CONNECTIONS (about 32 KiB each, libmicrohttpd's
 * default memory per connection) leaves room for a scraper beside dozens
 * of slow clients; beyond that a new connection waits in the listen
 * backlog (LISTEN_BACKLOG) for at most one deadline. No per-address limit
 * (MHD_OPTION_PER_IP_CONNECTION_LIMIT): the scraper may share its address
 * with the slow clients (the same host, a NAT, a proxy) and would be the
 * one refused; the deadline bounds what any client can hold.
 */
#define MAX_CONNECTIONS 64U
#define LISTEN_BACKLOG 128
#define CONNECTION_TIMEOUT_S 10U
#define REQUEST_DEADLINE_S 5U

/* One open connection, from libmicrohttpd's "started" to its "closed"
 * notification; only the server thread touches the list. */
struct metrics_conn {
	struct metrics_conn *prev, *next;
	int fd;              /* libmicrohttpd's socket: shut down, never closed here */
	uint64_t deadline_ns; /* CLOCK_MONOTONIC; UINT64_MAX once shut down */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool wants_openmetrics(struct MHD_Connection *conn)
{
	const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_ACCEPT);

	return accept && strstr(accept, "application/openmetrics-text");
}

/* The published copy as text; NULL when out of memory. */
static char *format_metrics(struct metrics_server *m, enum metrics_format format,
			    size_t *len)
{
	const struct queue_rx_stats *stats[m->n_queues ? m->n_queues : 1];
	struct cpu_time process;
	char *text = NULL;
	FILE *mem = open_memstream(&text, len);
	int err;

	if (!mem)
		return NULL;
	for (size_t i = 0; i < m->n_queues; i++)
		stats[i] = &m->published[i];
	pthread_mutex_lock(&m->lock);
	if (!cpu_time_process(&process))
		m->cpu.process_ns = process.user_ns + process.system_ns;
	err = metrics_text_write(mem, format, &m->run, m->dec, stats, m->n_queues, &m->cpu);
	pthread_mutex_unlock(&m->lock);
	if (fclose(mem) || err) {
		free(text);
		return NULL;
	}
	return text;
}

static enum MHD_Result respond_text(struct MHD_Connection *conn, unsigned int status,
				    const char *text)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), (void *)text,
								    MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	/* RFC 9110 15.5.6: a 405 lists the methods the resource supports. */
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result handle_request(void *cls, struct MHD_Connection *conn, const char *url,
				      const char *method, const char *version,
				      const char *upload_data, size_t *upload_data_size,
				      void **req_cls)
{
	struct metrics_server *m = cls;
	enum metrics_format format;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = 0;
	char *text;

	(void)version;
	(void)upload_data;
	/* A GET has no body: libmicrohttpd's first call, with the headers, is
	 * the time to answer, so no per-request state (req_cls) is needed. */
	(void)req_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return respond_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET /metrics only\n");
	if (*upload_data_size)
		return MHD_NO; /* a GET with a body */
	if (strcmp(url, "/metrics"))
		return respond_text(conn, MHD_HTTP_NOT_FOUND,
				    "af_xdp_user serves its metrics at /metrics\n");
	format = wants_openmetrics(conn) ? METRICS_OPENMETRICS : METRICS_PROMETHEUS_TEXT;
	text = format_metrics(m, format, &len);
	if (!text)
		return respond_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				format == METRICS_OPENMETRICS ? CONTENT_TYPE_OPENMETRICS :
				CONTENT_TYPE_TEXT);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[256];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	pr_debug("--metrics: libmicrohttpd: %s", line);
}

/* libmicrohttpd's connection notifications: keep the open connections and
 * their deadlines. Without memory a connection simply has no deadline. */
static void notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			      enum MHD_ConnectionNotificationCode toe)
{
	struct metrics_server *m = cls;
	struct metrics_conn *c = *socket_context;
	const union MHD_ConnectionInfo *info;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		c = info ? calloc(1, sizeof(*c)) : NULL;
		if (!c)
			return;
		c->fd = info->connect_fd;
		c->deadline_ns = now_ns() + REQUEST_DEADLINE_S * 1000000000ULL;
		c->next = m->conns;
		if (c->next)
			c->next->prev = c;
		m->conns = c;
		*socket_context = c;
		return;
	}
	if (!c)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		m->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
	*socket_context = NULL;
}

/* A request answered (or given up): a kept-alive connection has a new
 * deadline for its next one. */
static void request_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			      enum MHD_RequestTerminationCode toe)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct metrics_conn *c = info ? info->socket_context : NULL;

	(void)cls;
	(void)req_cls;
	(void)toe;
	if (c && c->deadline_ns != UINT64_MAX)
		c->deadline_ns = now_ns() + REQUEST_DEADLINE_S * 1000000000ULL;
}

/*
 * Shut down the sockets of connections past their deadline (libmicrohttpd
 * then reads end-of-file and closes them at its next run). Returns the ms
 * until the next deadline, at most @cap_ms.
 */
static int enforce_deadlines(struct metrics_server *m, int cap_ms)
{
	uint64_t now = now_ns();
	int wait_ms = cap_ms;

	for (struct metrics_conn *c = m->conns; c; c = c->next) {
		if (c->deadline_ns == UINT64_MAX)
			continue;
		if (c->deadline_ns <= now) {
			shutdown(c->fd, SHUT_RDWR);
			c->deadline_ns = UINT64_MAX;
			wait_ms = 0; /* let libmicrohttpd see it now */
			continue;
		}
		if ((c->deadline_ns - now) / 1000000ULL + 1 < (uint64_t)wait_ms)
			wait_ms = (int)((c->deadline_ns - now) / 1000000ULL + 1);
	}
	return wait_ms;
}

/*
 * libmicrohttpd in its "external polling" mode with epoll: we wait on its
 * epoll fd beside the run's stop eventfd, so the stop ends the thread the
 * same way it ends every other one.
 */
static void *serve(void *arg)
{
	struct metrics_server *m = arg;
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(m->daemon,
							       MHD_DAEMON_INFO_EPOLL_FD);
	struct pollfd fds[2] = {
		{ .fd = info ? info->epoll_fd : -1, .events = POLLIN },
		{ .fd = m->stop_fd, .events = POLLIN },
	};

	for (;;) {
		MHD_UNSIGNED_LONG_LONG timeout_ms;
		int timeout = 1000;

		if (MHD_get_timeout(m->daemon, &timeout_ms) == MHD_YES && timeout_ms < 1000)
			timeout = (int)timeout_ms;
		timeout = enforce_deadlines(m, timeout);
		if (poll(fds, 2, timeout) < 0 && errno != EINTR) {
			pr_warn("--metrics: poll: %s: the endpoint stops serving\n", strerror(errno));
			break;
		}
		if (fds[1].revents)
			break;
		MHD_run(m->daemon);
	}
	return NULL;
}

static int open_listener(const struct metrics_listen *listen_at, const char **failed)
{
	int one = 1, fd, err;

	fd = socket(listen_at->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		*failed = "socket";
		return -errno;
	}
	/* A restart must not wait for the last run's TIME_WAIT connections. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&listen_at->addr, listen_at->len)) {
		*failed = "bind";
		goto fail;
	}
	if (listen(fd, LISTEN_BACKLOG)) {
		*failed = "listen";
		goto fail;
	}
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

int metrics_server_start(struct metrics_server *m, const struct metrics_listen *listen_at,
			 int stop_fd, const struct metrics_run *run,
			 const struct hint_decoder *dec, const __u32 *queue_ids,
			 size_t n_queues, const char **failed)
{
	char placement[160];
	pthread_attr_t attr;
	int err;

	m->stop_fd = stop_fd;
	m->run = *run;
	m->dec = dec;
	*failed = "memory";
	m->published = calloc(n_queues ? n_queues : 1, sizeof(*m->published));
	if (!m->published)
		return -ENOMEM;
	for (size_t i = 0; i < n_queues; i++) {
		err = queue_rx_stats_init(&m->published[i], queue_ids[i], dec->n_layouts);
		if (err)
			return err;
		m->n_queues = i + 1;
	}
	pthread_mutex_init(&m->lock, NULL);
	m->lock_ready = true;
	m->listen_fd = open_listener(listen_at, failed);
	if (m->listen_fd < 0) {
		err = m->listen_fd;
		m->listen_fd = -1;
		return err;
	}
	m->daemon = MHD_start_daemon(MHD_USE_EPOLL |
				     (listen_at->addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				     0, NULL, NULL, handle_request, m,
				     MHD_OPTION_LISTEN_SOCKET, m->listen_fd,
				     MHD_OPTION_CONNECTION_LIMIT, MAX_CONNECTIONS,
				     MHD_OPTION_CONNECTION_TIMEOUT, CONNECTION_TIMEOUT_S,
				     MHD_OPTION_NOTIFY_CONNECTION, notify_connection, m,
				     MHD_OPTION_NOTIFY_COMPLETED, request_completed, m,
				     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				     MHD_OPTION_END);
	if (!m->daemon) {
		*failed = "libmicrohttpd";
		return errno ? -errno : -EIO;
	}
	/* The daemon owns the listening socket now: MHD_stop_daemon() closes it. */
	m->listen_fd = -1;
	err = thread_attr_init(&attr, -1, 0, placement, sizeof(placement));
	if (!err) {
		err = -pthread_create(&m->thread, &attr, serve, m);
		pthread_attr_destroy(&attr);
	}
	if (err) {
		*failed = "thread";
		return err;
	}
	m->thread_started = true;
	return 0;
}

int metrics_server_publish(struct metrics_server *m, const struct queue_rx_stats *const *stats,
			   size_t n_queues, const struct cpu_time *receiver_cpu)
{
	if (!m->lock_ready || !m->daemon)
		return 0;
	if (pthread_mutex_trylock(&m->lock))
		return -EBUSY;
	for (size_t i = 0; i < n_queues && i < m->n_queues; i++) {
		/* --tx-stamps: the copy takes their histograms once it has
		 * room for them (made here, outside any scrape). */
		if (stats[i]->tx && !m->published[i].tx)
			queue_rx_stats_enable_tx_stamps(&m->published[i]);
		queue_rx_stats_copy(&m->published[i], stats[i]);
		/* The copy takes the kernel's counters too: they are plain fields. */
	}
	m->cpu.has_receiver = receiver_cpu != NULL;
	if (receiver_cpu) {
		m->cpu.receiver_user_ns = receiver_cpu->user_ns;
		m->cpu.receiver_system_ns = receiver_cpu->system_ns;
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

void metrics_server_stop(struct metrics_server *m)
{
	if (m->thread_started)
		pthread_join(m->thread, NULL);
	m->thread_started = false;
	if (m->daemon)
		MHD_stop_daemon(m->daemon);
	m->daemon = NULL;
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	m->listen_fd = -1;
	for (size_t i = 0; i < m->n_queues; i++)
		queue_rx_stats_free(&m->published[i]);
	free(m->published);
	m->published = NULL;
	m->n_queues = 0;
	if (m->lock_ready)
		pthread_mutex_destroy(&m->lock);
	m->lock_ready = false;
}
