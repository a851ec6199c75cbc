// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <bpf/btf.h>

#include "hint_program.h"
#include "log.h"
#include "netdev.h"
#include "xdp_attach.h"

/* ---- which RX-metadata kfuncs the running kernel has (its BTF) ----------- */

static const struct {
	const char *name;
	__u32 bit;
} rx_metadata_kfuncs[] = {
	{ "bpf_xdp_metadata_rx_timestamp", HINT_RX_META_TIMESTAMP }, /* 6.3 */
	{ "bpf_xdp_metadata_rx_hash", HINT_RX_META_HASH },           /* 6.3 */
	{ "bpf_xdp_metadata_rx_vlan_tag", HINT_RX_META_VLAN_TAG },   /* 6.8 */
};

__u32 hint_program_btf_kfuncs(const struct btf *btf)
{
	__u32 found = 0;

	for (size_t i = 0; i < sizeof(rx_metadata_kfuncs) / sizeof(rx_metadata_kfuncs[0]); i++)
		if (btf__find_by_name_kind(btf, rx_metadata_kfuncs[i].name, BTF_KIND_FUNC) > 0)
			found |= rx_metadata_kfuncs[i].bit;
	return found;
}

int hint_program_kernel_kfuncs(__u32 *kfuncs_out)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int err = libbpf_get_error(vmlinux);

	if (err)
		return err < 0 ? err : -err;
	*kfuncs_out = hint_program_btf_kfuncs(vmlinux);
	btf__free(vmlinux);
	return 0;
}

void hint_program_kernel_version(char *buf, size_t len)
{
	struct utsname uts;
	unsigned int major, minor;

	if (uname(&uts) || sscanf(uts.release, "%u.%u", &major, &minor) != 2)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%u.%u", major, minor);
}

/* ---- what the driver says it supports (netdev generic netlink family) ---- */

/*
 * Values from the kernel's uapi linux/netdev.h (6.3+), which Debian 12's
 * headers predate. Only the few used here.
 */
#define NETDEV_FAMILY_NAME "netdev"
#define NETDEV_FAMILY_VERSION 1
#define NETDEV_CMD_DEV_GET 1
#define NETDEV_A_DEV_IFINDEX 1
#define NETDEV_A_DEV_XDP_FEATURES 3
#define NETDEV_A_DEV_XDP_ZC_MAX_SEGS 4
#define NETDEV_A_DEV_XDP_RX_METADATA_FEATURES 5

#define NL_BUF_SIZE 4096

struct nl_message {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[64];
};

static void nl_put_attr(struct nl_message *msg, __u16 type, const void *data, __u16 len)
{
	struct nlattr *attr = (struct nlattr *)((char *)msg + NLMSG_ALIGN(msg->nlh.nlmsg_len));

	attr->nla_type = type;
	attr->nla_len = (__u16)(NLA_HDRLEN + len);
	memcpy((char *)attr + NLA_HDRLEN, data, len);
	msg->nlh.nlmsg_len = NLMSG_ALIGN(msg->nlh.nlmsg_len) + NLA_ALIGN(attr->nla_len);
}

/*
 * Send @msg, read the one reply into @buf. Returns the reply's length, or
 * the negative errno the kernel put in an NLMSG_ERROR.
 */
static int nl_transact(int fd, struct nl_message *msg, char *buf, size_t len)
{
	const struct nlmsghdr *reply = (const struct nlmsghdr *)buf;
	ssize_t got;

	if (send(fd, msg, msg->nlh.nlmsg_len, 0) < 0)
		return -errno;
	got = recv(fd, buf, len, 0);
	if (got < 0)
		return -errno;
	if (!NLMSG_OK(reply, (size_t)got))
		return -EBADMSG;
	if (reply->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(reply);

		return e->error ? e->error : -EBADMSG;
	}
	return (int)reply->nlmsg_len;
}

static const struct nlattr *genl_find_attr(const char *buf, int len, __u16 type)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const char *pos = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	const char *end = buf + len;

	while (pos + NLA_HDRLEN <= end) {
		const struct nlattr *attr = (const struct nlattr *)pos;

		if (attr->nla_len < NLA_HDRLEN || pos + attr->nla_len > end)
			break;
		if ((attr->nla_type & NLA_TYPE_MASK) == type)
			return attr;
		pos += NLA_ALIGN(attr->nla_len);
	}
	return NULL;
}

static void genl_start(struct nl_message *msg, __u16 family, __u8 cmd, __u8 version)
{
	memset(msg, 0, sizeof(*msg));
	msg->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	msg->nlh.nlmsg_type = family;
	msg->nlh.nlmsg_flags = NLM_F_REQUEST;
	msg->genl.cmd = cmd;
	msg->genl.version = version;
}

/*
 * One u32/u64 attribute of @ifindex's netdev family "dev-get" reply into
 * *value_out. 0, or negative errno (-ENOENT: no netdev family, 6.3+, or
 * no such attribute in the reply).
 */
static int netdev_dev_get_attr(int ifindex, __u16 type, __u64 *value_out)
{
	char buf[NL_BUF_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct nlattr *attr;
	struct nl_message msg;
	__u32 index = (__u32)ifindex;
	__u64 value = 0;
	__u16 family;
	int fd, len;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;

	/* Generic netlink families get their ids at boot: ask the controller. */
	genl_start(&msg, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	nl_put_attr(&msg, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY_NAME, sizeof(NETDEV_FAMILY_NAME));
	len = nl_transact(fd, &msg, buf, sizeof(buf));
	if (len < 0)
		goto out;
	attr = genl_find_attr(buf, len, CTRL_ATTR_FAMILY_ID);
	if (!attr || attr->nla_len < NLA_HDRLEN + sizeof(family)) {
		len = -ENOENT;
		goto out;
	}
	memcpy(&family, (const char *)attr + NLA_HDRLEN, sizeof(family));

	genl_start(&msg, family, NETDEV_CMD_DEV_GET, NETDEV_FAMILY_VERSION);
	nl_put_attr(&msg, NETDEV_A_DEV_IFINDEX, &index, sizeof(index));
	len = nl_transact(fd, &msg, buf, sizeof(buf));
	if (len < 0)
		goto out;
	attr = genl_find_attr(buf, len, type);
	if (!attr || attr->nla_len < NLA_HDRLEN + sizeof(__u32)) {
		len = -ENOENT;
		goto out;
	}
	memcpy(&value, (const char *)attr + NLA_HDRLEN,
	       attr->nla_len >= NLA_HDRLEN + sizeof(value) ? sizeof(value) : sizeof(__u32));
	*value_out = value;
	len = 0;
out:
	close(fd);
	return len < 0 ? len : 0;
}

int hint_program_rx_metadata_features(int ifindex, __u32 *features_out)
{
	__u64 features;
	/* Kernels 6.3..6.7 answer without this attribute: "cannot say". */
	int err = netdev_dev_get_attr(ifindex, NETDEV_A_DEV_XDP_RX_METADATA_FEATURES, &features);

	if (!err)
		*features_out = (__u32)features;
	return err;
}

int netdev_xdp_features(int ifindex, __u64 *features_out, __u32 *zc_max_segs_out)
{
	__u64 segs;
	int err = netdev_dev_get_attr(ifindex, NETDEV_A_DEV_XDP_FEATURES, features_out);

	if (err)
		return err;
	/* Only drivers with zero-copy report it; 1 is the kernel's default. */
	*zc_max_segs_out = netdev_dev_get_attr(ifindex, NETDEV_A_DEV_XDP_ZC_MAX_SEGS, &segs) ?
				   1 : (__u32)segs;
	return 0;
}

/* ---- the decision ------------------------------------------------------------ */

static const char *software_layout_name(enum hint_policy layout, enum hint_clock clock)
{
	bool tai = clock == HINT_CLOCK_TAI;

	switch (layout) {
	case HINT_POLICY_RX_TIME:
		return tai ? "xdp_hints_rx_tai" : "xdp_hints_rx_time";
	case HINT_POLICY_MARK:
		return "xdp_hints_mark";
	case HINT_POLICY_ALTERNATE:
		return tai ? "xdp_hints_rx_tai+xdp_hints_mark" : "xdp_hints_rx_time+xdp_hints_mark";
	default:
		return "none";
	}
}

static void explain(struct hint_program *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void explain(struct hint_program *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->explanation, sizeof(out->explanation), fmt, ap);
	va_end(ap);
}

static void features_text(__u32 features, int features_err, char *buf, size_t len)
{
	if (features_err) {
		snprintf(buf, len, "features unknown");
		return;
	}
	if (!features) {
		snprintf(buf, len, "no RX-metadata kfuncs: valid_bits stay 0");
		return;
	}
	snprintf(buf, len, "%s%s%s", features & HINT_RX_META_TIMESTAMP ? "timestamp " : "",
		 features & HINT_RX_META_HASH ? "hash " : "",
		 features & HINT_RX_META_VLAN_TAG ? "vlan-tag " : "");
	/* Drop the trailing blank. */
	buf[strlen(buf) - 1] = '\0';
}

int hint_program_decide(const struct hint_program_request *req,
			enum hint_policy layout, __u32 features, int features_err,
			struct hint_program *out)
{
	const char *sw = software_layout_name(layout, req->clock);
	char driver[32];

	out->plan = HINT_PLAN_SOFTWARE;
	out->explanation[0] = '\0';
	switch (req->hw_hints) {
	case HW_HINTS_OFF:
		explain(out, "hint layout %s: --hw-hints off", sw);
		return 0;
	case HW_HINTS_ON:
		if (req->xdp_mode == XDP_MODE_GENERIC) {
			explain(out, "--hw-hints on: generic mode cannot call RX-metadata kfuncs (use --xdp-mode native or auto)");
			return -EINVAL;
		}
		if (layout != HINT_POLICY_RX_TIME) {
			explain(out, "--hw-hints on writes xdp_hints_rx_hw, which replaces rx-time: it conflicts with --layout %s",
				hint_policy_name(layout));
			return -EINVAL;
		}
		if (req->clock == HINT_CLOCK_TAI) {
			explain(out, "--hw-hints on writes xdp_hints_rx_hw, whose times are CLOCK_MONOTONIC: it conflicts with --clock tai");
			return -EINVAL;
		}
		out->plan = HINT_PLAN_DRIVER;
		return 0;
	case HW_HINTS_AUTO:
		break;
	default:
		explain(out, "--hw-hints: unknown choice %d", (int)req->hw_hints);
		return -EINVAL;
	}
	if (req->xdp_mode == XDP_MODE_GENERIC) {
		explain(out, "hint layout %s: generic mode cannot call RX-metadata kfuncs", sw);
		return 0;
	}
	if (layout != HINT_POLICY_RX_TIME) {
		explain(out, "hint layout %s: --layout %s: software hints", sw,
			hint_policy_name(layout));
		return 0;
	}
	if (req->clock == HINT_CLOCK_TAI) {
		explain(out, "hint layout %s: --clock tai (xdp_hints_rx_hw holds CLOCK_MONOTONIC times)",
			sw);
		return 0;
	}
	if (!features_err && !features) {
		netdev_driver_name(req->ifname, driver, sizeof(driver));
		explain(out, "hint layout %s: driver %s has no RX-metadata kfuncs (netdev xdp-rx-metadata-features: none)",
			sw, driver);
		return 0;
	}
	out->plan = HINT_PLAN_TRY_DRIVER;
	return 0;
}

/* ---- configuring and loading ---------------------------------------------------- */

int hint_program_configure(struct af_xdp_kern *skel, int ifindex, enum hint_program_plan plan)
{
	bool driver = plan != HINT_PLAN_SOFTWARE;
	int err;

	/* Only the program we attach goes into the kernel. */
	err = bpf_program__set_autoload(skel->progs.xdp_hints_redirect, !driver);
	if (!err)
		err = bpf_program__set_autoload(skel->progs.xdp_hints_redirect_hw, driver);
	if (err || !driver)
		return err;
	/*
	 * The verifier swaps the kfunc calls for this device's driver
	 * functions; without the flag an ifindex would mean "offload to the
	 * NIC", which is not what we want.
	 */
	bpf_program__set_ifindex(skel->progs.xdp_hints_redirect_hw, (__u32)ifindex);
	return bpf_program__set_flags(skel->progs.xdp_hints_redirect_hw,
				      bpf_program__flags(skel->progs.xdp_hints_redirect_hw) |
				      BPF_F_XDP_DEV_BOUND_ONLY);
}

/*
 * Multi-buffer frames reach an XDP program only if it says it can handle
 * them (BPF_F_XDP_HAS_FRAGS, what SEC("xdp.frags") sets): the same
 * program, one flag, so there is no second copy of it in the object.
 */
static int set_frags(struct bpf_program *prog, bool frags)
{
	__u32 flags = bpf_program__flags(prog);

	flags = frags ? flags | BPF_F_XDP_HAS_FRAGS : flags & ~(__u32)BPF_F_XDP_HAS_FRAGS;
	return bpf_program__set_flags(prog, flags);
}

int hint_program_has_tai_helper(void)
{
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_tai_ns, NULL);
}

/*
 * A fresh copy of @old's configuration: rodata and map sizes are what the
 * caller may set between open and load.
 */
static int reopen(struct af_xdp_kern **skel)
{
	struct af_xdp_kern *old = *skel, *fresh = af_xdp_kern__open();
	struct bpf_map *old_map, *new_map;
	int err = 0;

	if (!fresh)
		return errno ? -errno : -ENOMEM;
	*fresh->rodata = *old->rodata;
	new_map = bpf_object__next_map(fresh->obj, NULL);
	bpf_object__for_each_map(old_map, old->obj) {
		if (!new_map || strcmp(bpf_map__name(old_map), bpf_map__name(new_map))) {
			err = -EINVAL;
			break;
		}
		if (!bpf_map__is_internal(old_map))
			err = bpf_map__set_max_entries(new_map, bpf_map__max_entries(old_map));
		if (err)
			break;
		new_map = bpf_object__next_map(fresh->obj, new_map);
	}
	if (err) {
		af_xdp_kern__destroy(fresh);
		return err;
	}
	af_xdp_kern__destroy(old);
	*skel = fresh;
	return 0;
}

static const char *load_error_cause(int err)
{
	switch (err) {
	case -EOPNOTSUPP:
		return " (the driver has no native XDP, so no device-bound program)";
	case -EINVAL:
		return " (the kernel accepts RX-metadata kfuncs only in a program bound to a native-XDP device)";
	default:
		return "";
	}
}

static int load_driver_program(struct af_xdp_kern *skel, const struct hint_program_request *req,
			       __u32 features, int features_err, struct hint_program *out)
{
	char driver[32], support[96];
	int err;

	err = hint_program_configure(skel, req->ifindex, out->plan);
	if (!err)
		err = set_frags(skel->progs.xdp_hints_redirect_hw, req->frags);
	if (!err) {
		log_kernel_reason_clear();
		err = af_xdp_kern__load(skel);
	}
	if (err)
		return err;
	netdev_driver_name(req->ifname, driver, sizeof(driver));
	features_text(features, features_err, support, sizeof(support));
	out->prog = skel->progs.xdp_hints_redirect_hw;
	out->driver_metadata = true;
	out->attach_mode = XDP_MODE_NATIVE;
	/* Device-bound means native mode; the driver's kfuncs follow it. */
	explain(out, "hint layout xdp_hints_rx_hw: device-bound to %s (%s: %s)",
		req->ifname, driver, support);
	return 0;
}

/*
 * Kernels before 6.3 have no RX-metadata kfuncs: say that, not a load
 * error that seems to blame the device. Known from the kernel's BTF, not
 * its version number (distributions backport). Returns 1 when the kernel
 * has none (out->explanation says so), 0 when it has some or cannot tell.
 */
static int kernel_lacks_kfuncs(const struct hint_program_request *req,
			       enum hint_policy layout, struct hint_program *out)
{
	hint_kfuncs_query_fn query = req->kfuncs_query ? req->kfuncs_query
							: hint_program_kernel_kfuncs;
	char version[32];
	__u32 kfuncs = 0;

	if (query(&kfuncs) || kfuncs)
		return 0;
	hint_program_kernel_version(version, sizeof(version));
	if (out->plan == HINT_PLAN_DRIVER)
		explain(out, "--hw-hints on: kernel %s has no XDP RX-metadata kfuncs (6.3+)", version);
	else
		explain(out, "hint layout %s: kernel %s has no XDP RX-metadata kfuncs (6.3+)",
			software_layout_name(layout, req->clock), version);
	return 1;
}

/*
 * --hw-hints auto with --xdp-mode auto: the device-bound program attaches
 * in native mode only, and a driver may refuse that for reasons of its own
 * (veth: peer TX queues, MTU). Try it now, while a fallback is still
 * cheap; the software program in generic mode works everywhere. 0 when
 * native attach works or cannot be tested (something else is attached,
 * permissions), 1 when it was refused: out->explanation then says why.
 */
static int native_attach_refused(const struct hint_program_request *req,
				 enum hint_policy layout, struct hint_program *out)
{
	char reason[XDP_ATTACH_REASON_LEN], cause[XDP_ATTACH_REASON_LEN + 64], fix[192];
	int err;

	if (req->xdp_mode != XDP_MODE_AUTO || req->hw_hints != HW_HINTS_AUTO)
		return 0;
	err = xdp_attach_probe(out->prog, req->ifindex, XDP_MODE_NATIVE, reason);
	if (!err || err == -EBUSY || err == -EEXIST || err == -EPERM || err == -EACCES)
		return 0;
	out->native_attach_err = err;
	xdp_attach_fix(reason, err, fix, sizeof(fix), req->ifname);
	explain(out, "hint layout %s in generic mode: native XDP attach on %s refused: %s%s%s",
		software_layout_name(layout, req->clock), req->ifname,
		log_error_text(err, reason, cause, sizeof(cause)),
		fix[0] ? "; to get driver metadata: " : "", fix);
	return 1;
}

int hint_program_load(struct af_xdp_kern **skel, const struct hint_program_request *req,
		      struct hint_program *out)
{
	enum hint_policy layout = (*skel)->rodata->hint_policy;
	char driver[32], cause[LOG_KERNEL_REASON_LEN + 64];
	char fallback[sizeof(out->explanation)] = "";
	hint_features_query_fn query;
	int features_err, err;
	__u32 features = 0;

	out->prog = NULL;
	out->driver_metadata = false;
	out->attach_mode = req->xdp_mode;
	out->driver_load_err = 0;
	if (req->clock == HINT_CLOCK_TAI) {
		err = hint_program_has_tai_helper();
		if (err <= 0) {
			struct utsname uts;

			if (uname(&uts))
				snprintf(uts.release, sizeof(uts.release), "?");
			if (!err)
				explain(out, "--clock tai: kernel %s has no bpf_ktime_get_tai_ns() for XDP (Linux 6.1+): use --clock monotonic",
					uts.release);
			else
				explain(out, "--clock tai: probing the kernel for bpf_ktime_get_tai_ns(): %s",
					strerror(-err));
			return err ? err : -EOPNOTSUPP;
		}
	}
	out->native_attach_err = 0;
	query = req->features_query ? req->features_query : hint_program_rx_metadata_features;
	features_err = req->hw_hints == HW_HINTS_OFF ? -ENOENT : query(req->ifindex, &features);
	err = hint_program_decide(req, layout, features, features_err, out);
	if (err)
		return err;
	if (out->plan != HINT_PLAN_SOFTWARE && kernel_lacks_kfuncs(req, layout, out)) {
		if (out->plan == HINT_PLAN_DRIVER)
			return -EOPNOTSUPP;
		out->plan = HINT_PLAN_SOFTWARE;
	}

	if (out->plan != HINT_PLAN_SOFTWARE) {
		err = load_driver_program(*skel, req, features, features_err, out);
		if (!err && !native_attach_refused(req, layout, out))
			return 0;
		netdev_driver_name(req->ifname, driver, sizeof(driver));
		if (err) {
			out->driver_load_err = err;
			log_error_text(err, log_kernel_reason(), cause, sizeof(cause));
			/* Permission trouble would hit the software program just the same. */
			if (out->plan == HINT_PLAN_DRIVER || err == -EPERM || err == -EACCES) {
				explain(out, "loading xdp_hints_redirect_hw device-bound to %s (driver %s): %s%s",
					req->ifname, driver, cause, load_error_cause(err));
				return err;
			}
			explain(out, "hint layout %s: %s (driver %s) cannot run the RX-metadata program (load failed: %s), falling back",
				software_layout_name(layout, req->clock), req->ifname, driver, cause);
		} else {
			/* Native attach refused: software program, generic mode. */
			out->attach_mode = XDP_MODE_GENERIC;
			out->prog = NULL;
			out->driver_metadata = false;
		}
		snprintf(fallback, sizeof(fallback), "%s", out->explanation);
		err = reopen(skel);
		if (err) {
			explain(out, "re-opening the BPF object after xdp_hints_redirect_hw failed: %s",
				strerror(-err));
			return err;
		}
		out->plan = HINT_PLAN_SOFTWARE;
	}

	err = hint_program_configure(*skel, req->ifindex, HINT_PLAN_SOFTWARE);
	if (!err)
		err = set_frags((*skel)->progs.xdp_hints_redirect, req->frags);
	if (!err) {
		log_kernel_reason_clear();
		err = af_xdp_kern__load(*skel);
	}
	if (err) {
		explain(out, "loading xdp_hints_redirect: %s",
			log_error_text(err, log_kernel_reason(), cause, sizeof(cause)));
		return err;
	}
	if (fallback[0])
		snprintf(out->explanation, sizeof(out->explanation), "%s", fallback);
	out->prog = (*skel)->progs.xdp_hints_redirect;
	return 0;
}
