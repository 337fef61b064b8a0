/* tcpcollect.h: the NETLINK_SOCK_DIAG collector: every TCP socket into an immutable table. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_TCPCOLLECT_H
#define LW_TCPCOLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"
#include "net/tcpdiag.h"

#define LW_TCP_TOP_MAX 50

/* What one collection publishes; no pointer into the collector, so a snapshot can own it. */
struct lw_tcp_table {
	uint64_t count[LW_TCP_STATE_MAX + 1][2];    /* [state][IPv4, IPv6] */
	uint64_t sockets;
	unsigned top_n;
	size_t ntop[LW_TCP_STATE_MAX + 1];
	struct lw_topk_entry top[LW_TCP_STATE_MAX + 1][LW_TCP_TOP_MAX];
	size_t nports;                              /* sorted by port */
	struct lw_tcp_port_row *ports;
	uint64_t ports_dropped;
	uint32_t recvs;                             /* recv() calls the dumps took */
};

struct lw_tcp_collector;

/* max_ports caps lwTcpPortStateTable (1..65535); top_n is rows per state (1..50). */
int lw_tcp_collector_new(size_t max_ports, unsigned top_n, struct lw_tcp_collector **out,
			 struct lw_error *err);
void lw_tcp_collector_free(struct lw_tcp_collector *c);

/* Listening sockets first (so per-port rows exist), then every other socket, IPv4 and IPv6. */
int lw_tcp_collect(struct lw_tcp_collector *c, struct lw_tcp_table *out, struct lw_error *err);

void lw_tcp_table_release(struct lw_tcp_table *t);

struct lw_collector;

/*
 * The collector of NETLINK_SOCK_DIAG (every TCP socket of the network namespace): fills a
 * struct lw_tcp_table; its state is the collector above, sized by tcp_max_ports and tcp_top.
 */
extern const struct lw_collector lw_sock_diag_collector;

#endif
