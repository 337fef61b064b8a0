/* mcastcap.c: the capture threads: open with retries, dispatch, second boundaries, publication. */
/* SPDX-License-Identifier: ISC */
#include "mcast/mcastcap.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_packet.h>
#include <pcap/pcap.h>

#include "mcast/ifdrops.h"
#include "mcast/mcastpkt.h"

#define NS_PER_S 1000000000LL
/* Blocks of the TPACKET_V3 ring are retired by the kernel at least this often (ms). */
#define RING_TIMEOUT_MS 100
/* A second's sample waits this long past its boundary for packets still in an open block. */
#define BOUNDARY_GRACE_NS (250 * 1000000LL)
/* Open failures other than a missing or down interface are retried after 1, 2, 4, 8, 16 s. */
#define RETRY_MAX_S 16

struct capture {
	struct lw_mcast_capture *owner;
	size_t slot;
	char ifname[LW_IFNAME_MAX];
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;       /* guards p against pcap_breakloop from the stopping thread */
	pcap_t *p;                  /* NULL while closed */
	int fd;                     /* p's selectable fd, -1 while closed */
	int dlt;
	/* Counting since the interface of this ifindex was first opened. */
	uint32_t ifindex;
	struct timespec counter_start;
	struct lw_mcast_groups groups;
	struct lw_mcast_clock clock;
	uint64_t malformed;
	uint64_t drops;             /* ps_drop of every handle, summed */
	unsigned ps_drop;           /* the open handle's ps_drop at the last pcap_stats */
	struct lw_counter_total if_drops;
	/* State and retries. */
	enum lw_mcast_state state;
	char error[LW_ERROR_TEXT_MAX];
	char ring[64];              /* the open handle's ring, for the log */
	struct lw_mcast_summary summary;  /* under lock: the last publication's figures */
	unsigned backoff_s;         /* after an error: wait before the next open */
	int64_t retry_at_s;         /* CLOCK_MONOTONIC seconds */
};

struct lw_mcast_capture {
	struct lw_mcast_config cfg;
	struct lw_mcast_board *board;
	int rootfd;
	int stopfd;                 /* written once at stop, never drained: wakes every poll */
	int ioctl_fd;               /* SIOCGIFINDEX / SIOCGIFFLAGS, shared by the threads */
	atomic_bool stop;
	size_t n;
	struct capture caps[LW_CONFIG_MAX_MCAST_IFACES];
};

/* On Ethernet the tags may be in band or, as Linux delivers them, out of band: libpcap's
 * "vlan" covers both and shifts the offsets of what follows it. */
#define MCAST_F "(ip dst net 224.0.0.0/4 or ip6 dst net ff00::/8)"

const char *lw_mcast_filter(int dlt)
{
	if (dlt == LW_DLT_EN10MB)
		return MCAST_F " or (vlan and (" MCAST_F " or (vlan and " MCAST_F ")))";
	return MCAST_F;
}

static int64_t realtime_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * NS_PER_S + t.tv_nsec;
}

static int64_t monotonic_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static void set_state(struct capture *c, enum lw_mcast_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_state(struct capture *c, enum lw_mcast_state state, const char *fmt, ...)
{
	va_list ap;

	c->state = state;
	va_start(ap, fmt);
	vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
}

/* The interface's index (0 when it does not exist) and flags, by name. */
static unsigned if_index(const struct capture *c)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, c->ifname, sizeof(c->ifname));
	if (ioctl(c->owner->ioctl_fd, SIOCGIFINDEX, &ifr) != 0)
		return 0;
	return ifr.ifr_ifindex > 0 ? (unsigned)ifr.ifr_ifindex : 0;
}

static int if_flags(const struct capture *c, short *flags)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, c->ifname, sizeof(c->ifname));
	if (ioctl(c->owner->ioctl_fd, SIOCGIFFLAGS, &ifr) != 0)
		return -1;
	*flags = ifr.ifr_flags;
	return 0;
}

/* Adds what the open handle dropped since the last call (ps_drop is a wrapping u_int). */
static void take_pcap_stats(struct capture *c)
{
	struct pcap_stat st;

	if (c->p != NULL && pcap_stats(c->p, &st) == 0) {
		c->drops += (unsigned)(st.ps_drop - c->ps_drop);
		c->ps_drop = st.ps_drop;
	}
}

static void close_handle(struct capture *c)
{
	pcap_t *p = c->p;

	if (p == NULL)
		return;
	take_pcap_stats(c);
	pthread_mutex_lock(&c->lock);
	c->p = NULL;
	pthread_mutex_unlock(&c->lock);
	pcap_close(p);
	c->fd = -1;
}

/* A failed open other than a missing or down interface: wait longer each time. */
static void retry_later(struct capture *c)
{
	c->backoff_s = c->backoff_s == 0 ? 1 : c->backoff_s * 2;
	if (c->backoff_s > RETRY_MAX_S)
		c->backoff_s = RETRY_MAX_S;
	c->retry_at_s = monotonic_s() + c->backoff_s;
}

/* A new interface behind the name (or the first seen): its own counters from now. */
static void restart_counting(struct capture *c, unsigned ifindex)
{
	int64_t now = realtime_ns();
	uint64_t reading = 0;
	struct lw_error err;

	c->ifindex = ifindex;
	c->counter_start.tv_sec = (time_t)(now / NS_PER_S);
	c->counter_start.tv_nsec = (long)(now % NS_PER_S);
	lw_mcast_groups_reset(&c->groups);
	lw_mcast_clock_start(&c->clock, floor_div(now, NS_PER_S));
	c->malformed = 0;
	c->drops = 0;
	(void)lw_if_drops_read(c->owner->rootfd, c->ifname, &reading, &err);
	lw_counter_total_start(&c->if_drops, reading);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)(void *)user;
	struct lw_mcast_pkt pkt;
	struct lw_error err;

	/* The sample of a boundary is taken before the first packet stamped at or after it. */
	if ((int64_t)h->ts.tv_sec >= c->clock.next)
		lw_mcast_clock_advance(&c->clock, &c->groups, (int64_t)h->ts.tv_sec);
	if (lw_mcast_pkt_parse(c->dlt, bytes, h->caplen, h->len, &pkt, &err) == 1)
		lw_mcast_groups_add(&c->groups, &pkt,
				    (uint64_t)h->ts.tv_sec * NS_PER_S + (uint64_t)h->ts.tv_usec * 1000u);
	else
		c->malformed++;
}

/* pcap_activate's failures: a missing or down interface is waited for, the rest retried. */
static void activate_failed(struct capture *c, pcap_t *p, int rc)
{
	const char *why = rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc);

	if (rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_IFACE_NOT_UP) {
		set_state(c, LW_MCAST_DOWN, "%s", rc == PCAP_ERROR_IFACE_NOT_UP ?
			  "interface is down" : "no such interface");
	} else {
		/* pcap_geterr gives the detail (which call, errno) where there is one. */
		const char *detail = pcap_geterr(p);

		/* A packet socket needs CAP_NET_RAW (packet_create(), net/packet/af_packet.c). */
		set_state(c, LW_MCAST_ERROR, "%s%s%s%s", why,
			  detail[0] != '\0' && strcmp(detail, why) != 0 ? ": " : "",
			  detail[0] != '\0' && strcmp(detail, why) != 0 ? detail : "",
			  rc == PCAP_ERROR_PERM_DENIED ? " (needs CAP_NET_RAW)" : "");
		retry_later(c);
	}
}

/* Everything after activation that can fail: link type, filter, direction, non-blocking. */
static int configure_handle(struct capture *c, pcap_t *p)
{
	static const pcap_direction_t dirs[] = { [LW_MCAST_DIR_IN] = PCAP_D_IN,
						 [LW_MCAST_DIR_OUT] = PCAP_D_OUT,
						 [LW_MCAST_DIR_INOUT] = PCAP_D_INOUT };
	struct bpf_program prog;
	char errbuf[PCAP_ERRBUF_SIZE];
	int dlt = pcap_datalink(p);

	if (dlt != LW_DLT_EN10MB && dlt != LW_DLT_LINUX_SLL && dlt != LW_DLT_LINUX_SLL2 &&
	    dlt != LW_DLT_RAW) {
		set_state(c, LW_MCAST_ERROR, "link type %s (%d) is not supported",
			  pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?", dlt);
		return -1;
	}
	if (pcap_compile(p, &prog, lw_mcast_filter(dlt), 1, PCAP_NETMASK_UNKNOWN) != 0) {
		set_state(c, LW_MCAST_ERROR, "filter: %s", pcap_geterr(p));
		return -1;
	}
	if (pcap_setfilter(p, &prog) != 0) {
		pcap_freecode(&prog);
		set_state(c, LW_MCAST_ERROR, "kernel filter: %s", pcap_geterr(p));
		return -1;
	}
	pcap_freecode(&prog);
	if (pcap_setdirection(p, dirs[c->owner->cfg.direction]) != 0) {
		set_state(c, LW_MCAST_ERROR, "direction: %s", pcap_geterr(p));
		return -1;
	}
	if (pcap_setnonblock(p, 1, errbuf) != 0) {
		set_state(c, LW_MCAST_ERROR, "non-blocking mode: %s", errbuf);
		return -1;
	}
	c->dlt = dlt;
	return 0;
}

/* What the kernel gave: TPACKET_V3 unless libpcap had to fall back (an old kernel). */
static void describe_ring(struct capture *c)
{
	int version = -1;
	socklen_t len = sizeof(version);

	if (getsockopt(c->fd, SOL_PACKET, PACKET_VERSION, &version, &len) != 0)
		version = -1;
	snprintf(c->ring, sizeof(c->ring), "%s ring of %u bytes, snaplen %u",
		 version == TPACKET_V3 ? "TPACKET_V3" : version == TPACKET_V2 ? "TPACKET_V2" :
		 version == TPACKET_V1 ? "TPACKET_V1" : "packet", c->owner->cfg.buffer_bytes,
		 c->owner->cfg.snaplen);
}

/* One open attempt when due; the state says what came of it. */
static void try_open(struct capture *c)
{
	const struct lw_mcast_config *cfg = &c->owner->cfg;
	char errbuf[PCAP_ERRBUF_SIZE];
	unsigned ifindex = if_index(c);
	short flags;
	pcap_t *p;
	int rc;

	if (ifindex == 0 || if_flags(c, &flags) != 0) {
		set_state(c, LW_MCAST_DOWN, "no such interface");
		return;
	}
	/* The row is the interface as last seen, opened or not (down, no CAP_NET_RAW...). */
	if (ifindex != c->ifindex)
		restart_counting(c, ifindex);
	if (!(flags & IFF_UP)) {
		set_state(c, LW_MCAST_DOWN, "interface is down");
		return;
	}
	if (c->state == LW_MCAST_ERROR && monotonic_s() < c->retry_at_s)
		return;
	errbuf[0] = '\0';
	p = pcap_create(c->ifname, errbuf);
	if (p == NULL) {
		set_state(c, LW_MCAST_ERROR, "pcap_create: %s", errbuf);
		retry_later(c);
		return;
	}
	/* Headers only, a ring the size asked for, blocks retired every RING_TIMEOUT_MS: with
	 * immediate mode off libpcap uses TPACKET_V3. Not promiscuous: capturing must not change
	 * what the host receives. */
	pcap_set_snaplen(p, (int)cfg->snaplen);
	pcap_set_buffer_size(p, (int)cfg->buffer_bytes);
	pcap_set_timeout(p, RING_TIMEOUT_MS);
	pcap_set_immediate_mode(p, 0);
	pcap_set_promisc(p, 0);
	rc = pcap_activate(p);
	if (rc < 0) {
		activate_failed(c, p, rc);
		pcap_close(p);
		return;
	}
	if (configure_handle(c, p) != 0) {
		retry_later(c);
		pcap_close(p);
		return;
	}
	/* The name may have moved to a new interface between the two lookups: take the newer. */
	ifindex = if_index(c);
	if (ifindex != c->ifindex)
		restart_counting(c, ifindex);
	pthread_mutex_lock(&c->lock);
	c->p = p;
	pthread_mutex_unlock(&c->lock);
	c->fd = pcap_get_selectable_fd(p);
	describe_ring(c);
	c->ps_drop = 0;
	c->backoff_s = 0;
	set_state(c, LW_MCAST_RUNNING, "%s", "");
}

/*
 * The handle is bound to an interface that is gone (ifindex 0: deleted; another: re-created
 * under the same name): close it, and open the new one at once if there is one.
 */
static void interface_gone(struct capture *c, unsigned ifindex)
{
	close_handle(c);
	if (ifindex == 0) {
		set_state(c, LW_MCAST_DOWN, "no such interface");
		return;
	}
	set_state(c, LW_MCAST_DOWN, "interface re-created");
	try_open(c);
}

/* pcap_dispatch failed: the interface went away, or something else broke the handle. */
static void handle_failed(struct capture *c, const char *why)
{
	char text[LW_ERROR_TEXT_MAX];
	unsigned ifindex = if_index(c);

	if (ifindex != c->ifindex) {
		interface_gone(c, ifindex);
		return;
	}
	snprintf(text, sizeof(text), "%s", why);  /* pcap_geterr's buffer goes with the handle */
	close_handle(c);
	set_state(c, LW_MCAST_ERROR, "capture failed: %s", text);
	retry_later(c);
}

static void dispatch(struct capture *c, short revents)
{
	int n = pcap_dispatch(c->p, -1, on_packet, (u_char *)(void *)c);

	if (n == PCAP_ERROR) {
		handle_failed(c, pcap_geterr(c->p));
	} else if (n == 0 && (revents & (POLLERR | POLLHUP))) {
		/* The interface went down (ENETDOWN): read the error so poll stops reporting it;
		 * the handle delivers again once the interface is up. */
		int e;
		socklen_t len = sizeof(e);

		(void)getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len);
	}
}

/* Once a second: the handle's drops, the interface's flags, index and drops. */
static void check_interface(struct capture *c)
{
	uint64_t reading;
	struct lw_error err;
	short flags;
	unsigned ifindex;

	if (c->p == NULL) {
		try_open(c);
	} else {
		take_pcap_stats(c);
		ifindex = if_index(c);
		if (ifindex != c->ifindex || if_flags(c, &flags) != 0)
			interface_gone(c, ifindex);
		else if (!(flags & IFF_UP))
			set_state(c, LW_MCAST_DOWN, "interface is down");
		else
			set_state(c, LW_MCAST_RUNNING, "%s", "");
	}
	/* Only the interface the counters belong to (not a namesake, not one that is gone). */
	if (c->ifindex != 0 && c->ifindex == if_index(c) &&
	    lw_if_drops_read(c->owner->rootfd, c->ifname, &reading, &err) == 0)
		lw_counter_total_add(&c->if_drops, reading);
}

static void publish(struct capture *c)
{
	struct lw_mcast_if_snap *s = calloc(1, sizeof(*s));

	/* Out of memory: no publication this second; the agent keeps serving the last one. */
	if (s == NULL || lw_mcast_snapshot_init(&s->traffic, c->groups.n) != 0) {
		free(s);
		return;
	}
	memcpy(s->ifname, c->ifname, sizeof(s->ifname));
	s->ifindex = c->ifindex;
	s->state = c->state;
	memcpy(s->last_error, c->error, sizeof(s->last_error));
	memcpy(s->ring, c->ring, sizeof(s->ring));
	s->counter_start = c->counter_start;
	s->pcap_drops = c->drops;
	s->if_drops = c->if_drops.total;
	s->malformed = c->malformed;
	lw_mcast_groups_snapshot(&c->groups, &s->traffic);
	pthread_mutex_lock(&c->lock);
	memcpy(c->summary.ifname, c->ifname, sizeof(c->summary.ifname));
	c->summary.ifindex = c->ifindex;
	c->summary.state = c->state;
	c->summary.packets = s->traffic.packets;
	c->summary.octets = s->traffic.octets;
	c->summary.pps10 = lw_mcast_rate_pps(&s->traffic.rate10);
	c->summary.bps10 = lw_mcast_rate_bps(&s->traffic.rate10);
	pthread_mutex_unlock(&c->lock);
	lw_mcast_board_publish(c->owner->board, c->slot, s);
}

static void *capture_main(void *arg)
{
	struct capture *c = arg;
	struct lw_mcast_capture *owner = c->owner;
	int64_t now = realtime_ns();
	/* The publication of boundary B is due at B + grace: its sample is complete then. */
	int64_t due = (floor_div(now, NS_PER_S) + 1) * NS_PER_S + BOUNDARY_GRACE_NS;

	try_open(c);
	publish(c);
	while (!atomic_load(&owner->stop)) {
		struct pollfd pfd[2] = { { .fd = owner->stopfd, .events = POLLIN },
					 { .fd = c->fd, .events = POLLIN } };
		int64_t wait_ms;

		now = realtime_ns();
		/* A wall clock stepped back would push the deadline away: never wait past 1 s. */
		if (due - now > NS_PER_S + BOUNDARY_GRACE_NS)
			due = (floor_div(now, NS_PER_S) + 1) * NS_PER_S + BOUNDARY_GRACE_NS;
		wait_ms = due > now ? (due - now + 999999) / 1000000 : 0;
		if (poll(pfd, c->fd >= 0 ? 2 : 1, (int)wait_ms) < 0 && errno != EINTR)
			break;
		if (atomic_load(&owner->stop))
			break;
		if (c->fd >= 0 && pfd[1].revents != 0)
			dispatch(c, pfd[1].revents);
		now = realtime_ns();
		if (now < due)
			continue;
		lw_mcast_clock_advance(&c->clock, &c->groups,
				       floor_div(now - BOUNDARY_GRACE_NS, NS_PER_S));
		check_interface(c);
		publish(c);
		due = (floor_div(now - BOUNDARY_GRACE_NS, NS_PER_S) + 1) * NS_PER_S +
		      BOUNDARY_GRACE_NS;
	}
	close_handle(c);
	return NULL;
}

static void free_capture(struct lw_mcast_capture *mc)
{
	for (size_t i = 0; i < mc->n; i++) {
		lw_mcast_groups_free(&mc->caps[i].groups);
		pthread_mutex_destroy(&mc->caps[i].lock);
	}
	if (mc->stopfd >= 0)
		close(mc->stopfd);
	if (mc->ioctl_fd >= 0)
		close(mc->ioctl_fd);
	if (mc->rootfd >= 0)
		close(mc->rootfd);
	free(mc);
}

int lw_mcast_capture_start(struct lw_mcast_capture **out, const struct lw_mcast_config *cfg,
			   int rootfd, struct lw_mcast_board *board, struct lw_error *err)
{
	struct lw_mcast_capture *mc;

	*out = NULL;
	if (cfg->ninterfaces == 0)
		return 0;
	if (cfg->ninterfaces > board->n)
		return lw_error_set(err, EINVAL, "mcast: %zu interfaces, board of %zu",
				    cfg->ninterfaces, board->n);
	mc = calloc(1, sizeof(*mc));
	if (mc == NULL)
		return lw_error_set(err, ENOMEM, "mcast: out of memory");
	mc->cfg = *cfg;
	mc->board = board;
	mc->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	mc->ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	mc->rootfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	atomic_init(&mc->stop, false);
	if (mc->stopfd < 0 || mc->ioctl_fd < 0 || mc->rootfd < 0) {
		int e = errno;

		free_capture(mc);
		return lw_error_set(err, e, "mcast: %s", strerror(e));
	}
	for (size_t i = 0; i < cfg->ninterfaces; i++) {
		struct capture *c = &mc->caps[i];

		c->owner = mc;
		c->slot = i;
		c->fd = -1;
		memcpy(c->ifname, cfg->interfaces[i], sizeof(c->ifname));
		c->ifname[sizeof(c->ifname) - 1] = '\0';
		pthread_mutex_init(&c->lock, NULL);
		mc->n = i + 1;
		if (lw_mcast_groups_init(&c->groups, cfg->max_groups) != 0) {
			free_capture(mc);
			return lw_error_set(err, ENOMEM, "mcast: no memory for %u groups on %s",
					    cfg->max_groups, cfg->interfaces[i]);
		}
		set_state(c, LW_MCAST_DOWN, "not opened yet");
		lw_mcast_clock_start(&c->clock, floor_div(realtime_ns(), NS_PER_S));
	}
	for (size_t i = 0; i < mc->n; i++) {
		char name[16];
		int rc = pthread_create(&mc->caps[i].thread, NULL, capture_main, &mc->caps[i]);

		if (rc != 0) {
			lw_mcast_capture_stop(mc);
			return lw_error_set(err, rc, "mcast: pthread_create: %s", strerror(rc));
		}
		mc->caps[i].started = true;
		/* "mc:eth0" in top -H and /proc/PID/task/TID/comm (15 characters at most). */
		snprintf(name, sizeof(name), "mc:%.12s", mc->caps[i].ifname);
		(void)pthread_setname_np(mc->caps[i].thread, name);
	}
	*out = mc;
	return 0;
}

size_t lw_mcast_capture_summaries(struct lw_mcast_capture *mc, struct lw_mcast_summary *out,
				  size_t cap)
{
	size_t n = 0;

	if (mc == NULL)
		return 0;
	for (size_t i = 0; i < mc->n && n < cap; i++) {
		pthread_mutex_lock(&mc->caps[i].lock);
		out[n++] = mc->caps[i].summary;
		pthread_mutex_unlock(&mc->caps[i].lock);
	}
	return n;
}

void lw_mcast_capture_stop(struct lw_mcast_capture *mc)
{
	uint64_t one = 1;

	if (mc == NULL)
		return;
	atomic_store(&mc->stop, true);
	if (write(mc->stopfd, &one, sizeof(one)) < 0) {
		/* EAGAIN: already written; every poll sees the fd readable either way. */
	}
	for (size_t i = 0; i < mc->n; i++) {
		struct capture *c = &mc->caps[i];

		/* Ends a pcap_dispatch that is going through a full ring. */
		pthread_mutex_lock(&c->lock);
		if (c->p != NULL)
			pcap_breakloop(c->p);
		pthread_mutex_unlock(&c->lock);
	}
	for (size_t i = 0; i < mc->n; i++)
		if (mc->caps[i].started)
			pthread_join(mc->caps[i].thread, NULL);
	free_capture(mc);
}
