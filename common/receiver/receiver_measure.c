// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The measurement set-up around the receiver (see receiver_measure.h):
 * kept apart from the sockets and the program because none of it changes
 * what is received, only how quickly and where it is timed and logged.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "busy_poll.h"
#include "cpu_setup.h"
#include "log.h"
#include "capabilities.h"
#include "run_stop.h"
#include "receiver_capture.h"
#include "receiver_measure.h"
#include "write_all.h"

/* uname -v of a PREEMPT_RT kernel says so ("... SMP PREEMPT_RT ..."). */
static bool kernel_is_preempt_rt(void)
{
	struct utsname uts;

	return !uname(&uts) && strstr(uts.version, "PREEMPT_RT");
}

/* The SCHED_FIFO priority PREEMPT_RT gives threaded interrupt handlers,
 * which also run the NAPI softirq of their queue. */
#define RT_IRQ_THREAD_PRIORITY 50U

/*
 * A receiver that never sleeps (--spin, --busy-poll) at SCHED_FIFO
 * --priority at or above the interrupt threads' keeps them off its CPU on
 * a PREEMPT_RT kernel: the queues whose interrupts land there get no
 * frames (seen on 6.12-rt: 2 of 4 queues, depending on the boot).
 */
static void warn_rt_starvation(const struct rx_config *cfg)
{
	if ((!cfg->spin && !cfg->busy_poll) || cfg->priority < RT_IRQ_THREAD_PRIORITY ||
	    !kernel_is_preempt_rt())
		return;
	pr_warn("%s: %s with --priority %u on a PREEMPT_RT kernel: the receiver never sleeps, and the interrupt threads (SCHED_FIFO %u), which run NAPI, cannot preempt it; queues whose interrupts land on its CPU may get no frames (use --priority %u or lower)\n",
		cfg->ifname, cfg->busy_poll ? "--busy-poll" : "--spin", cfg->priority,
		RT_IRQ_THREAD_PRIORITY, RT_IRQ_THREAD_PRIORITY - 1);
}

static void warn_busy_poll_sysfs(const char *dev, __u32 priority)
{
	struct busy_poll_sysfs sysfs;

	busy_poll_read_sysfs(dev, &sysfs);
	if (sysfs.napi_defer_hard_irqs == 0 || sysfs.gro_flush_timeout == 0)
		pr_warn("%s: --busy-poll is ineffective while napi_defer_hard_irqs is %lld and gro_flush_timeout is %lld: the interrupt keeps running NAPI; set both, e.g. 'echo 2 > /sys/class/net/%s/napi_defer_hard_irqs; echo 200000 > /sys/class/net/%s/gro_flush_timeout'\n",
			dev, sysfs.napi_defer_hard_irqs, sysfs.gro_flush_timeout, dev, dev);
	else if (sysfs.napi_defer_hard_irqs < 0 || sysfs.gro_flush_timeout < 0)
		pr_warn("%s: cannot read napi_defer_hard_irqs/gro_flush_timeout in /sys/class/net/%s: busy polling may be ineffective\n",
			dev, dev);
	else if (priority && kernel_is_preempt_rt())
		pr_warn("%s: --busy-poll with --priority %u on a PREEMPT_RT kernel: while interrupts are deferred, NAPI runs from timer and softirq threads of low SCHED_FIFO priority, which the polling receiver keeps off its CPU; a queue the receiver has not received on yet may never get its frames (use --busy-poll without --priority, or napi_defer_hard_irqs 0)\n",
			dev, priority);
}

/* Before the sockets exist: the PM QoS request, the CSV file, and the
 * placement of the main thread when it is the one receiving. */
int receiver_setup_measurement(const struct rx_config *cfg, const struct rx_iface *iface,
			       struct rx_measure *m, struct run_stop *stop, struct rx_path *path)
{
	int err, hold;

	if (cfg->cpu_dma_latency_set) {
		m->dma_latency_fd = cpu_dma_latency_hold(cfg->cpu_dma_latency_us);
		if (m->dma_latency_fd < 0) {
			err = m->dma_latency_fd;
			m->dma_latency_fd = -1;
			pr_err("--cpu-dma-latency: cannot hold %s: %s%s\n", CPU_DMA_LATENCY_PATH,
			       strerror(-err), err == -ENOENT ?
			       " (kernel without PM QoS support?)" : permission_hint(err));
			return err;
		}
		pr_info("%s: holding a CPU wakeup latency limit of %u us until exit\n",
			CPU_DMA_LATENCY_PATH, cfg->cpu_dma_latency_us);
	}
	if (cfg->csv_path) {
		bool waiting = receiver_output_wait_begin(cfg, stop, "--csv", cfg->csv_path, &hold);

		err = csv_file_open(&m->csv, cfg->csv_path, stop->abandon_fd);
		if (receiver_output_wait_end(stop, "--csv", cfg->csv_path, waiting, hold, err))
			return err; /* a stop while waiting for a FIFO's reader */
		if (err) {
			pr_err("--csv %s: cannot create the file: %s\n", cfg->csv_path,
			       output_open_strerror(err));
			return err;
		}
	}
	err = receiver_open_capture(cfg, iface, &m->pcapng, stop, path);
	if (err)
		return err;
	if (cfg->busy_poll)
		warn_busy_poll_sysfs(cfg->ifname, cfg->priority);
	warn_rt_starvation(cfg);
	/* Before the main thread is pinned: the threads that are not pinned
	 * get the CPUs the process started with. */
	err = cpu_save_start_affinity();
	if (err) {
		pr_err("reading this process's CPU affinity: %s\n", strerror(-err));
		return err;
	}
	if (cfg->threads)
		return 0; /* each receive thread is placed at its creation */
	if (cfg->cpu >= 0) {
		err = cpu_pin_self(cfg->cpu);
		if (err) {
			pr_err("--cpu %d: cannot pin the receiving thread: %s\n", cfg->cpu,
			       strerror(-err));
			return err;
		}
	}
	if (cfg->priority) {
		err = cpu_fifo_self(cfg->priority);
		if (err) {
			pr_err("--priority %u: cannot switch to SCHED_FIFO: %s%s\n", cfg->priority,
			       strerror(-err), err == -EPERM ?
			       " (needs root or CAP_SYS_NICE, and RLIMIT_RTPRIO/cgroup RT budget)" : "");
			return err;
		}
	}
	return 0;
}

int receiver_enable_busy_poll(const struct rx_config *cfg, const struct rx_queue_set *qs)
{
	const char *failed = "";
	int err;

	if (!cfg->busy_poll)
		return 0;
	for (size_t i = 0; i < qs->n_open; i++) {
		err = busy_poll_enable(rx_queue_fd(&qs->queue[i]), cfg->busy_poll_usec,
				       RX_BATCH, &failed);
		if (err) {
			pr_err("%s queue %u: setting %s on the AF_XDP socket: %s%s\n",
			       cfg->ifname, qs->queue[i].xsk.queue_id, failed, strerror(-err),
			       err == -ENOPROTOOPT ? " (kernel older than 5.11?)" : permission_hint(err));
			return err;
		}
	}
	pr_info("busy polling: SO_PREFER_BUSY_POLL, SO_BUSY_POLL %u us, SO_BUSY_POLL_BUDGET %u\n",
		cfg->busy_poll_usec, RX_BATCH);
	return 0;
}

/* Closing the fd withdraws the PM QoS request. The CSV file is normally
 * closed by receiver_exit_status(), which reports its write errors; here
 * only after a failed set-up. */
void receiver_release_measurement(struct rx_measure *m)
{
	csv_file_close(&m->csv);
	receiver_close_capture(&m->pcapng);

	if (m->dma_latency_fd >= 0) {
		close(m->dma_latency_fd);
		m->dma_latency_fd = -1;
		pr_debug("%s: latency limit released\n", CPU_DMA_LATENCY_PATH);
	}
}
