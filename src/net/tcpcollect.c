/* tcpcollect.c: the NETLINK_SOCK_DIAG collector: dumps through the tally into a lw_tcp_table. */
/* SPDX-License-Identifier: ISC */
#include "net/tcpcollect.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "cycle/collector.h"

/* The kernel fills dump skbs up to 32 KiB when the reader offers that much. */
#define DUMP_BUF 32768

struct lw_tcp_collector {
	int nl;
	uint32_t seq;
	unsigned top_n;
	struct lw_tcp_tally tally;
	uint8_t *buf;
};

int lw_tcp_collector_new(size_t max_ports, unsigned top_n, struct lw_tcp_collector **out,
			 struct lw_error *err)
{
	struct lw_tcp_collector *c;

	if (max_ports < 1 || max_ports > UINT16_MAX || top_n < 1 || top_n > LW_TCP_TOP_MAX)
		return lw_error_set(err, EINVAL, "tcp: max ports %zu or top %u out of range",
				    max_ports, top_n);
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->buf = malloc(DUMP_BUF)) == NULL ||
	    lw_tcp_tally_init(&c->tally, max_ports)) {
		if (c != NULL)
			free(c->buf);
		free(c);
		return lw_error_set(err, ENOMEM, "tcp: out of memory");
	}
	c->top_n = top_n;
	c->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (c->nl < 0) {
		int e = errno;

		lw_tcp_collector_free(c);
		return lw_error_set(err, e, "tcp: netlink sock_diag socket: %s", strerror(e));
	}
	*out = c;
	return 0;
}

void lw_tcp_collector_free(struct lw_tcp_collector *c)
{
	if (c == NULL)
		return;
	if (c->nl >= 0)
		close(c->nl);
	lw_tcp_tally_free(&c->tally);
	free(c->buf);
	free(c);
}

static int dump(struct lw_tcp_collector *c, int family, uint32_t states, uint32_t *recvs,
		struct lw_error *err)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = ++c->seq },
		.r = { .sdiag_family = (uint8_t)family, .sdiag_protocol = IPPROTO_TCP,
		       .idiag_states = states, .idiag_ext = 0 },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	bool done = false;

	if (sendto(c->nl, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return lw_error_set(err, errno, "tcp: sock_diag request: %s", strerror(errno));
	while (!done) {
		ssize_t n = recv(c->nl, c->buf, DUMP_BUF, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lw_error_set(err, errno, "tcp: sock_diag dump: %s", strerror(errno));
		if (n == 0)
			return lw_error_set(err, EPROTO, "tcp: sock_diag dump ended early");
		(*recvs)++;
		if (lw_tcpdiag_feed(&c->tally, c->buf, (size_t)n, c->seq, &done, err))
			return -1;
	}
	return 0;
}

static int by_port(const void *a, const void *b)
{
	const struct lw_tcp_port_row *x = a, *y = b;

	return (x->port > y->port) - (x->port < y->port);
}

int lw_tcp_collect(struct lw_tcp_collector *c, struct lw_tcp_table *out, struct lw_error *err)
{
	static const int families[] = { AF_INET, AF_INET6 };
	const uint32_t listen = 1u << 10;  /* TCP_LISTEN */
	/*
	 * Kernel states 1..12 (ESTABLISHED .. NEW_SYN_RECV), not ~0: bit 13, TCP_BOUND_INACTIVE
	 * (Linux 6.5+), makes the kernel also walk the whole bind hash for sockets that are only
	 * bound, which are in no TCP-MIB state; asking for it cost 1.4x the dump at 113k sockets.
	 */
	const uint32_t connection_states = 0x1ffeu;
	struct lw_tcp_tally *t = &c->tally;

	memset(out, 0, sizeof(*out));
	lw_tcp_tally_reset(t);
	for (int pass = 0; pass < 2; pass++)
		for (size_t f = 0; f < 2; f++)
			if (dump(c, families[f], pass == 0 ? listen : connection_states & ~listen,
				 &out->recvs, err))
				return -1;
	memcpy(out->count, t->count, sizeof(out->count));
	out->sockets = t->sockets;
	out->top_n = c->top_n;
	for (int s = 1; s <= LW_TCP_STATE_MAX; s++)
		out->ntop[s] = lw_topk_best(&t->remotes[s], out->top[s], c->top_n);
	out->nports = t->nports;
	out->ports_dropped = t->ports_dropped;
	out->ports = malloc((t->nports ? t->nports : 1) * sizeof(*out->ports));
	if (out->ports == NULL)
		return lw_error_set(err, ENOMEM, "tcp: out of memory");
	memcpy(out->ports, t->ports, t->nports * sizeof(*out->ports));
	qsort(out->ports, out->nports, sizeof(*out->ports), by_port);
	return 0;
}

void lw_tcp_table_release(struct lw_tcp_table *t)
{
	free(t->ports);
	t->ports = NULL;
	t->nports = 0;
}

/* The sock_diag collector's state: the collector and the settings it was sized for. */
struct sock_diag_state {
	struct lw_tcp_collector *c;
	struct lw_tcp_config cfg;
};

static void free_state(void *state)
{
	struct sock_diag_state *s = state;

	if (s != NULL)
		lw_tcp_collector_free(s->c);
	free(s);
}

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	const struct lw_tcp_config *cfg = &ctx->cfg->tcp;
	struct sock_diag_state *s = *ctx->state;
	struct lw_tcp_table *out = ctx->part;

	lw_tcp_table_release(out);  /* last cycle's table: this run builds a new one */
	memset(out, 0, sizeof(*out));
	/* The collector sizes its summaries at creation: a SIGHUP that changed them makes anew. */
	if (s != NULL && memcmp(&s->cfg, cfg, sizeof(*cfg)) != 0) {
		free_state(s);
		*ctx->state = s = NULL;
	}
	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return lw_error_set(err, ENOMEM, "tcp: out of memory");
		if (lw_tcp_collector_new(cfg->max_ports, cfg->top_n, &s->c, err)) {
			free(s);
			return -1;
		}
		s->cfg = *cfg;
		*ctx->state = s;
	}
	if (lw_tcp_collect(s->c, out, err))
		return -1;
	if (out->ports_dropped > 0)
		snprintf(ctx->notice, ctx->notice_cap,
			 "%llu listening ports beyond tcp_max_ports %u are not in lwTcpPortStateTable",
			 (unsigned long long)out->ports_dropped, cfg->max_ports);
	return 0;
}

const struct lw_collector lw_sock_diag_collector = { sizeof(struct lw_tcp_table), collect,
						     free_state };
