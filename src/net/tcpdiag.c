/* tcpdiag.c: parses inet_diag dump messages and counts states, remotes and per-port states. */
/* SPDX-License-Identifier: ISC */
#include "net/tcpdiag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The largest errno the kernel returns (MAX_ERRNO, include/linux/err.h). */
#define LW_NL_MAX_ERRNO 4095

int lw_tcp_state_from_kernel(uint8_t s)
{
	/* Kernel: 1 ESTABLISHED 2 SYN_SENT 3 SYN_RECV 4 FIN_WAIT1 5 FIN_WAIT2 6 TIME_WAIT 7 CLOSE
	 * 8 CLOSE_WAIT 9 LAST_ACK 10 LISTEN 11 CLOSING 12 NEW_SYN_RECV (a request socket). */
	static const uint8_t map[13] = {
		0, LW_TCP_ESTABLISHED, LW_TCP_SYN_SENT, LW_TCP_SYN_RECEIVED, LW_TCP_FIN_WAIT1,
		LW_TCP_FIN_WAIT2, LW_TCP_TIME_WAIT, LW_TCP_CLOSED, LW_TCP_CLOSE_WAIT, LW_TCP_LAST_ACK,
		LW_TCP_LISTEN, LW_TCP_CLOSING, LW_TCP_SYN_RECEIVED,
	};

	return s < sizeof(map) ? map[s] : 0;
}

void lw_addr_from_diag(int family, const uint32_t be_words[4], struct lw_addr *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(out, 0, sizeof(*out));
	if (family == AF_INET6 && memcmp(be_words, mapped, sizeof(mapped)) != 0) {
		out->family = LW_ADDR_IPV6;
		memcpy(out->bytes, be_words, 16);
	} else {
		out->family = LW_ADDR_IPV4;
		memcpy(out->bytes, family == AF_INET6 ? (const uint8_t *)be_words + 12
						      : (const uint8_t *)be_words, 4);
	}
}

int lw_tcp_tally_init(struct lw_tcp_tally *t, size_t max_ports)
{
	memset(t, 0, sizeof(*t));
	if (max_ports > UINT16_MAX)
		return -1;  /* rows are numbered in a uint16_t */
	t->max_ports = max_ports;
	t->port_row = calloc(65536, sizeof(*t->port_row));
	t->ports = calloc(max_ports ? max_ports : 1, sizeof(*t->ports));
	t->dropped_seen = calloc(65536 / 8, 1);
	if (t->port_row == NULL || t->ports == NULL || t->dropped_seen == NULL)
		goto fail;
	for (int s = 1; s <= LW_TCP_STATE_MAX; s++)
		if (lw_topk_init(&t->remotes[s], LW_TCP_REMOTE_CAPACITY))
			goto fail;
	return 0;
fail:
	lw_tcp_tally_free(t);
	return -1;
}

void lw_tcp_tally_free(struct lw_tcp_tally *t)
{
	for (int s = 1; s <= LW_TCP_STATE_MAX; s++)
		lw_topk_free(&t->remotes[s]);
	free(t->port_row);
	free(t->ports);
	free(t->dropped_seen);
	memset(t, 0, sizeof(*t));
}

void lw_tcp_tally_reset(struct lw_tcp_tally *t)
{
	memset(t->count, 0, sizeof(t->count));
	t->sockets = 0;
	for (int s = 1; s <= LW_TCP_STATE_MAX; s++)
		lw_topk_reset(&t->remotes[s]);
	for (size_t i = 0; i < t->nports; i++)
		t->port_row[t->ports[i].port] = 0;
	t->nports = 0;
	if (t->ports_dropped > 0)
		memset(t->dropped_seen, 0, 65536 / 8);
	t->ports_dropped = 0;
}

void lw_tcp_tally_add(struct lw_tcp_tally *t, uint8_t kernel_state, uint16_t local_port,
		      const struct lw_addr *remote)
{
	int s = lw_tcp_state_from_kernel(kernel_state);
	uint16_t row;

	if (s == 0)
		return;
	t->sockets++;
	t->count[s][remote->family == LW_ADDR_IPV6]++;
	/* A listener's remote is the wildcard: nothing to rank. */
	if (s != LW_TCP_LISTEN)
		lw_topk_add(&t->remotes[s], remote);
	row = t->port_row[local_port];
	if (row == 0 && s == LW_TCP_LISTEN) {
		if (t->nports == t->max_ports) {
			/* A port, not a listener: IPv4, IPv6 and SO_REUSEPORT listeners share it. */
			uint8_t bit = (uint8_t)(1u << (local_port & 7));

			if (!(t->dropped_seen[local_port >> 3] & bit)) {
				t->dropped_seen[local_port >> 3] |= bit;
				t->ports_dropped++;
			}
			return;
		}
		t->ports[t->nports] = (struct lw_tcp_port_row){ .port = local_port };
		row = (uint16_t)++t->nports;
		t->port_row[local_port] = row;
	}
	if (row != 0)
		t->ports[row - 1].count[s]++;
}

static int feed_socket(struct lw_tcp_tally *t, const struct nlmsghdr *h, struct lw_error *err)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	struct lw_addr remote;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return lw_error_set(err, EPROTO, "sock_diag: socket message of %u bytes",
				    h->nlmsg_len);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return 0;
	lw_addr_from_diag(m->idiag_family, m->id.idiag_dst, &remote);
	lw_tcp_tally_add(t, m->idiag_state, (uint16_t)(((m->id.idiag_sport & 0xff) << 8) |
						       (m->id.idiag_sport >> 8)), &remote);
	return 0;
}

int lw_tcpdiag_feed(struct lw_tcp_tally *t, const void *buf, size_t len, uint32_t seq,
		    bool *done, struct lw_error *err)
{
	const uint8_t *p = buf;

	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		size_t step;

		memcpy(&h, p, sizeof(h));  /* the buffer may not be aligned for a fuzzer */
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
			return lw_error_set(err, EPROTO, "sock_diag: message of %u bytes with %zu left",
					    h.nlmsg_len, len);
		if (h.nlmsg_seq == seq) {
			if (h.nlmsg_type == NLMSG_DONE) {
				*done = true;
				return 0;
			}
			if (h.nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr e;

				if (h.nlmsg_len < NLMSG_LENGTH(sizeof(e)))
					return lw_error_set(err, EPROTO, "sock_diag: short error");
				memcpy(&e, p + NLMSG_HDRLEN, sizeof(e));
				/* nlmsgerr.error (include/uapi/linux/netlink.h) is a negative errno,
				 * at most MAX_ERRNO (include/linux/err.h) in size, or 0 for an ACK,
				 * which the kernel sends only when asked (NLM_F_ACK) and our dump
				 * request never asks. So 0 is unexpected here, and a positive value
				 * or one beyond -MAX_ERRNO (INT_MIN, which cannot be negated) is no
				 * errno: each is an unexpected message, EPROTO like the others. */
				if (e.error >= 0 || e.error < -LW_NL_MAX_ERRNO)
					return lw_error_set(err, EPROTO,
							    "sock_diag: unexpected error message carrying %d",
							    e.error);
				return lw_error_set(err, -e.error, "sock_diag dump: %s",
						    strerror(-e.error));
			}
			if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
				/* Copied out aligned: the message sits at any offset of buf. */
				union {
					struct nlmsghdr h;
					uint8_t b[NLMSG_LENGTH(sizeof(struct inet_diag_msg))];
				} a;
				size_t n = h.nlmsg_len < sizeof(a) ? h.nlmsg_len : sizeof(a);

				memcpy(&a, p, n);
				a.h.nlmsg_len = (uint32_t)n;
				if (feed_socket(t, &a.h, err))
					return -1;
			}
		}
		step = NLMSG_ALIGN(h.nlmsg_len);
		if (step > len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}
