/* tcpdiag.h: counting TCP sockets from NETLINK_SOCK_DIAG dump messages: states, remotes, ports. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_TCPDIAG_H
#define LW_TCPDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"
#include "base/topk.h"

/* TCP-MIB tcpConnectionState numbering; synReceived includes request sockets. */
enum lw_tcp_state {
	LW_TCP_CLOSED = 1,
	LW_TCP_LISTEN,
	LW_TCP_SYN_SENT,
	LW_TCP_SYN_RECEIVED,
	LW_TCP_ESTABLISHED,
	LW_TCP_FIN_WAIT1,
	LW_TCP_FIN_WAIT2,
	LW_TCP_CLOSE_WAIT,
	LW_TCP_LAST_ACK,
	LW_TCP_CLOSING,
	LW_TCP_TIME_WAIT,
	LW_TCP_STATE_MAX = LW_TCP_TIME_WAIT
};

/* Capacity of each state's Space-Saving summary: counts exact up to this many remotes. */
#define LW_TCP_REMOTE_CAPACITY 1024

struct lw_tcp_port_row {
	uint16_t port;
	uint32_t count[LW_TCP_STATE_MAX + 1];  /* by lw_tcp_state */
};

/*
 * One collection's counters. Memory is fixed at init: the remote summaries hold
 * LW_TCP_REMOTE_CAPACITY addresses per state and the port table max_ports rows, whatever the
 * number of sockets.
 */
struct lw_tcp_tally {
	uint64_t count[LW_TCP_STATE_MAX + 1][2];  /* [state][0 IPv4, 1 IPv6] by remote address */
	uint64_t sockets;
	struct lw_topk remotes[LW_TCP_STATE_MAX + 1];
	uint16_t *port_row;                       /* 65536: local port -> row + 1, 0 none */
	struct lw_tcp_port_row *ports;
	size_t nports, max_ports;
	uint64_t ports_dropped;                   /* distinct listening ports beyond max_ports */
	uint8_t *dropped_seen;                    /* 65536 bits: ports already counted dropped */
};

int lw_tcp_tally_init(struct lw_tcp_tally *t, size_t max_ports);
void lw_tcp_tally_free(struct lw_tcp_tally *t);
void lw_tcp_tally_reset(struct lw_tcp_tally *t);

/* Counts one socket (kernel state, local port in host order, remote address as published). */
void lw_tcp_tally_add(struct lw_tcp_tally *t, uint8_t kernel_state, uint16_t local_port,
		      const struct lw_addr *remote);

/*
 * Feeds one recv() worth of netlink messages of a SOCK_DIAG_BY_FAMILY dump to t. *done is set
 * at NLMSG_DONE. Messages of another sequence number are skipped. Errors: NLMSG_ERROR from the
 * kernel, a message running past the buffer, a socket message too short.
 */
int lw_tcpdiag_feed(struct lw_tcp_tally *t, const void *buf, size_t len, uint32_t seq,
		    bool *done, struct lw_error *err);

/* The address as published: IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes IPv4. */
void lw_addr_from_diag(int family, const uint32_t be_words[4], struct lw_addr *out);

/* Kernel TCP state (include/net/tcp_states.h) to TCP-MIB numbering; 0 for unknown. */
int lw_tcp_state_from_kernel(uint8_t kernel_state);

#endif
