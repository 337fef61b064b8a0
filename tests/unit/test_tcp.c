/* test_tcp.c: Space-Saving top remotes, sock_diag message parsing, and a real netlink dump. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/tcpcollect.h"
#include "net/tcpdiag.h"
#include "base/topk.h"

static struct lw_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct lw_addr x = { .family = LW_ADDR_IPV4, .bytes = { a, b, c, d } };

	return x;
}

static void topk_exact_below_capacity(void **state)
{
	struct lw_topk_entry best[5];
	struct lw_topk t;

	(void)state;
	assert_int_equal(lw_topk_init(&t, 8), 0);
	/* 10.0.0.i added i times, for i = 1..8: all fit, every count exact. */
	for (int i = 1; i <= 8; i++)
		for (int j = 0; j < i; j++) {
			struct lw_addr a = v4(10, 0, 0, (uint8_t)i);

			lw_topk_add(&t, &a);
		}
	assert_int_equal(lw_topk_best(&t, best, 5), 5);
	for (int r = 0; r < 5; r++) {
		assert_int_equal(best[r].addr.bytes[3], 8 - r);
		assert_int_equal(best[r].count, 8 - r);
		assert_int_equal(best[r].error, 0);
	}
	lw_topk_free(&t);
}

static void topk_ties_by_address(void **state)
{
	struct lw_topk_entry best[3];
	struct lw_addr a = v4(10, 0, 0, 9), b = v4(10, 0, 0, 3), c = v4(9, 0, 0, 1);
	struct lw_topk t;

	(void)state;
	assert_int_equal(lw_topk_init(&t, 4), 0);
	lw_topk_add(&t, &a);
	lw_topk_add(&t, &b);
	lw_topk_add(&t, &c);
	assert_int_equal(lw_topk_best(&t, best, 3), 3);
	assert_int_equal(best[0].addr.bytes[0], 9);
	assert_int_equal(best[1].addr.bytes[3], 3);
	assert_int_equal(best[2].addr.bytes[3], 9);
	lw_topk_free(&t);
}

/*
 * Past capacity: 64 counters, a stream of 20,000 additions where 5 heavy addresses take 1,000
 * each and 15,000 others appear once or twice. Space-Saving guarantees every address above
 * N/k = 312 is held, with count - error <= true <= count.
 */
static void topk_bound_past_capacity(void **state)
{
	struct lw_topk_entry best[5];
	uint32_t seed = 7;
	struct lw_topk t;
	int heavy_left[5] = { 1000, 1000, 1000, 1000, 1000 };
	int left = 5000;

	(void)state;
	assert_int_equal(lw_topk_init(&t, 64), 0);
	for (int i = 0; i < 20000; i++) {
		struct lw_addr a;

		seed = seed * 1103515245u + 12345u;
		if (left > 0 && (seed >> 16) % 4 == 0) {
			int h = (int)((seed >> 8) % 5);

			while (heavy_left[h] == 0)
				h = (h + 1) % 5;
			heavy_left[h]--;
			left--;
			a = v4(192, 0, 2, (uint8_t)(h + 1));
		} else {
			a = v4(198, 51, (uint8_t)((seed >> 20) % 200), (uint8_t)((seed >> 12) % 250));
		}
		lw_topk_add(&t, &a);
	}
	while (left > 0) {  /* the rest of the heavy additions, last (the worst case for them) */
		for (int h = 0; h < 5; h++)
			if (heavy_left[h] > 0) {
				struct lw_addr a = v4(192, 0, 2, (uint8_t)(h + 1));

				heavy_left[h]--;
				left--;
				lw_topk_add(&t, &a);
			}
	}
	assert_int_equal(t.total, 20000 + 0);
	assert_int_equal(lw_topk_best(&t, best, 5), 5);
	for (int r = 0; r < 5; r++) {
		assert_int_equal(best[r].addr.bytes[0], 192);
		assert_true(best[r].count - best[r].error <= 1000 && 1000 <= best[r].count);
		assert_true(best[r].count - 1000 <= 20000 / 64);
	}
	lw_topk_free(&t);
}

static void addresses_as_published(void **state)
{
	uint32_t mapped[4], six[4], four[4] = { 0 };
	struct lw_addr a;

	(void)state;
	assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.7", mapped), 1);
	lw_addr_from_diag(AF_INET6, mapped, &a);
	assert_int_equal(a.family, LW_ADDR_IPV4);
	assert_memory_equal(a.bytes, "\xc0\x00\x02\x07\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", six), 1);
	lw_addr_from_diag(AF_INET6, six, &a);
	assert_int_equal(a.family, LW_ADDR_IPV6);
	assert_memory_equal(a.bytes, six, 16);
	assert_int_equal(inet_pton(AF_INET, "10.1.2.3", four), 1);
	lw_addr_from_diag(AF_INET, four, &a);
	assert_int_equal(a.family, LW_ADDR_IPV4);
	assert_memory_equal(a.bytes, "\x0a\x01\x02\x03", 4);
	assert_int_equal(lw_tcp_state_from_kernel(12), LW_TCP_SYN_RECEIVED);  /* request socket */
	assert_int_equal(lw_tcp_state_from_kernel(10), LW_TCP_LISTEN);
	assert_int_equal(lw_tcp_state_from_kernel(6), LW_TCP_TIME_WAIT);
	assert_int_equal(lw_tcp_state_from_kernel(13), 0);
}

/* Appends one inet_diag message (or, with type != SOCK_DIAG_BY_FAMILY, a bare header). */
static size_t put(uint8_t *buf, size_t off, uint16_t type, uint32_t seq, int family,
		  uint8_t state, uint16_t sport, const char *dst)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_seq = seq };
	struct inet_diag_msg m = { .idiag_family = (uint8_t)family, .idiag_state = state };

	m.id.idiag_sport = htons(sport);
	if (dst != NULL)
		assert_int_equal(inet_pton(family, dst, m.id.idiag_dst), 1);
	h.nlmsg_len = type == SOCK_DIAG_BY_FAMILY ? NLMSG_LENGTH(sizeof(m)) : NLMSG_LENGTH(4);
	memset(buf + off, 0, NLMSG_ALIGN(h.nlmsg_len));
	memcpy(buf + off, &h, sizeof(h));
	if (type == SOCK_DIAG_BY_FAMILY)
		memcpy(buf + off + NLMSG_HDRLEN, &m, sizeof(m));
	return off + NLMSG_ALIGN(h.nlmsg_len);
}

static void feed_counts_states_remotes_ports(void **state)
{
	static uint8_t buf[8192];
	struct lw_tcp_tally t;
	struct lw_topk_entry best[5];
	struct lw_error err;
	bool done = false;
	size_t n = 0;

	(void)state;
	assert_int_equal(lw_tcp_tally_init(&t, 4), 0);
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 9, AF_INET, 10, 80, "0.0.0.0");    /* LISTEN :80 */
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 9, AF_INET6, 10, 80, "::");        /* and v6 */
	for (int i = 0; i < 3; i++)
		n = put(buf, n, SOCK_DIAG_BY_FAMILY, 9, AF_INET, 1, 80, "10.0.0.1");
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 9, AF_INET6, 1, 80, "::ffff:10.0.0.2");
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 9, AF_INET6, 1, 80, "2001:db8::5");
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 9, AF_INET, 12, 80, "10.0.0.3");   /* request */
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 9, AF_INET, 3, 80, "10.0.0.3");    /* SYN_RECV */
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 9, AF_INET, 6, 40000, "10.0.0.4"); /* TIME_WAIT */
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 8, AF_INET, 1, 80, "10.0.0.9");    /* other dump */
	n = put(buf, n, NLMSG_DONE, 9, 0, 0, 0, NULL);
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 9, AF_INET, 1, 80, "10.0.0.9");    /* after DONE */
	assert_int_equal(lw_tcpdiag_feed(&t, buf, n, 9, &done, &err), 0);
	assert_true(done);
	assert_int_equal(t.sockets, 10);
	assert_int_equal(t.count[LW_TCP_LISTEN][0], 1);
	assert_int_equal(t.count[LW_TCP_LISTEN][1], 1);
	assert_int_equal(t.count[LW_TCP_ESTABLISHED][0], 4);  /* the v4-mapped one is IPv4 */
	assert_int_equal(t.count[LW_TCP_ESTABLISHED][1], 1);
	assert_int_equal(t.count[LW_TCP_SYN_RECEIVED][0], 2);
	assert_int_equal(t.count[LW_TCP_TIME_WAIT][0], 1);
	assert_int_equal(t.nports, 1);
	assert_int_equal(t.ports[0].port, 80);
	assert_int_equal(t.ports[0].count[LW_TCP_LISTEN], 2);
	assert_int_equal(t.ports[0].count[LW_TCP_ESTABLISHED], 5);
	assert_int_equal(t.ports[0].count[LW_TCP_SYN_RECEIVED], 2);
	assert_int_equal(t.ports[0].count[LW_TCP_TIME_WAIT], 0);  /* port 40000 does not listen */
	assert_int_equal(lw_topk_best(&t.remotes[LW_TCP_ESTABLISHED], best, 5), 3);
	assert_memory_equal(best[0].addr.bytes, "\x0a\0\0\x01", 4);
	assert_int_equal(best[0].count, 3);
	assert_int_equal(best[1].addr.family, LW_ADDR_IPV4);
	assert_memory_equal(best[1].addr.bytes, "\x0a\0\0\x02", 4);
	assert_int_equal(best[2].addr.family, LW_ADDR_IPV6);
	assert_int_equal(lw_topk_best(&t.remotes[LW_TCP_LISTEN], best, 5), 0);
	lw_tcp_tally_free(&t);
}

static void feed_port_cap_and_errors(void **state)
{
	static uint8_t buf[4096];
	struct lw_tcp_tally t;
	struct lw_error err;
	struct nlmsghdr h;
	struct nlmsgerr e = { .error = -EPERM };
	bool done = false;
	size_t n = 0;

	(void)state;
	assert_int_equal(lw_tcp_tally_init(&t, 1), 0);
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 1, AF_INET, 10, 22, "0.0.0.0");
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 1, AF_INET, 10, 443, "0.0.0.0");
	/* A second listener on a dropped port (IPv6, or SO_REUSEPORT) is the same port. */
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 1, AF_INET, 10, 443, "0.0.0.0");
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 1, AF_INET, 10, 8080, "0.0.0.0");
	assert_int_equal(lw_tcpdiag_feed(&t, buf, n, 1, &done, &err), 0);
	assert_false(done);
	assert_int_equal(t.nports, 1);
	assert_int_equal(t.ports_dropped, 2);
	/* The next collection starts with nothing dropped. */
	lw_tcp_tally_reset(&t);
	assert_int_equal(lw_tcpdiag_feed(&t, buf, put(buf, 0, SOCK_DIAG_BY_FAMILY, 1, AF_INET, 10,
						    443, "0.0.0.0"), 1, &done, &err), 0);
	assert_int_equal(t.nports, 1);
	assert_int_equal(t.ports_dropped, 0);
	n = 0;
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 1, AF_INET, 10, 22, "0.0.0.0");
	n = put(buf, n, SOCK_DIAG_BY_FAMILY, 1, AF_INET, 10, 443, "0.0.0.0");
	/* A message longer than what is left. */
	assert_int_equal(lw_tcpdiag_feed(&t, buf, n - 4, 1, &done, &err), -1);
	assert_int_equal(err.code, EPROTO);
	/* A socket message too short for inet_diag_msg. */
	h = (struct nlmsghdr){ .nlmsg_len = NLMSG_LENGTH(8), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			       .nlmsg_seq = 1 };
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(lw_tcpdiag_feed(&t, buf, NLMSG_LENGTH(8), 1, &done, &err), -1);
	assert_int_equal(err.code, EPROTO);
	/* The kernel's refusal. */
	h = (struct nlmsghdr){ .nlmsg_len = NLMSG_LENGTH(sizeof(e)), .nlmsg_type = NLMSG_ERROR,
			       .nlmsg_seq = 1 };
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
	assert_int_equal(lw_tcpdiag_feed(&t, buf, h.nlmsg_len, 1, &done, &err), -1);
	assert_int_equal(err.code, EPERM);
	assert_non_null(strstr(err.text, "sock_diag"));
	/* No errno: INT_MIN (issue 14: it was negated), an ACK (0) the dump never asked for,
	 * a positive value, one beyond -MAX_ERRNO. Each is an unexpected message. */
	for (size_t i = 0; i < 4; i++) {
		static const int bad[] = { INT_MIN, 0, 5, -4096 };

		e.error = bad[i];
		memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
		assert_int_equal(lw_tcpdiag_feed(&t, buf, h.nlmsg_len, 1, &done, &err), -1);
		assert_int_equal(err.code, EPROTO);
	}
	lw_tcp_tally_free(&t);
}

static int listen_on(const char *addr, uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	assert_int_equal(inet_pton(AF_INET, addr, &sa.sin_addr), 1);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s, 16), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return s;
}

static int connect_from(const char *from, const char *to, uint16_t port)
{
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	assert_int_equal(inet_pton(AF_INET, from, &src.sin_addr), 1);
	assert_int_equal(inet_pton(AF_INET, to, &dst.sin_addr), 1);
	dst.sin_port = htons(port);
	assert_int_equal(bind(s, (struct sockaddr *)&src, sizeof(src)), 0);
	assert_int_equal(connect(s, (struct sockaddr *)&dst, sizeof(dst)), 0);
	return s;
}

static const struct lw_topk_entry *remote(const struct lw_tcp_table *t, int state,
					  const char *addr)
{
	struct lw_addr a = { .family = LW_ADDR_IPV4 };

	assert_int_equal(inet_pton(AF_INET, addr, a.bytes), 1);
	for (size_t i = 0; i < t->ntop[state]; i++)
		if (lw_addr_cmp(&t->top[state][i].addr, &a) == 0)
			return &t->top[state][i];
	return NULL;
}

/* The count of remote in state, 0 when it is not among the top. */
static uint32_t remote_count(const struct lw_tcp_table *t, int state, const char *addr)
{
	const struct lw_topk_entry *e = remote(t, state, addr);

	return e ? e->count : 0;
}

/* Collects until remote's count in state is want (sockets change state a moment after a
 * close on another CPU); fails after 2 s. */
static void wait_remote_count(struct lw_tcp_collector *c, int state, const char *addr,
			      uint32_t want)
{
	struct lw_tcp_table t;
	struct lw_error err;
	uint32_t got = 0;

	for (int i = 0; i < 200; i++) {
		assert_int_equal(lw_tcp_collect(c, &t, &err), 0);
		got = remote_count(&t, state, addr);
		lw_tcp_table_release(&t);
		if (got == want)
			return;
		usleep(10000);
	}
	fail_msg("state %d, remote %s: %u sockets, expected %u", state, addr, got, want);
}

/*
 * A real dump on loopback: sockets this test made, between loopback addresses of its own
 * (derived from the pid, so TIME_WAIT sockets left by an earlier run do not count).
 */
static void real_dump_on_loopback(void **state)
{
	struct lw_tcp_collector *c;
	struct lw_tcp_table t;
	struct lw_error err;
	const struct lw_tcp_port_row *row = NULL;
	char server[32], client[32];
	int ls, cl[3], sv[3];
	uint16_t port;

	(void)state;
	snprintf(server, sizeof(server), "127.%u.%u.66", (getpid() >> 8) & 0xff, getpid() & 0xff);
	snprintf(client, sizeof(client), "127.%u.%u.77", (getpid() >> 8) & 0xff, getpid() & 0xff);
	ls = listen_on(server, &port);
	for (int i = 0; i < 3; i++) {
		cl[i] = connect_from(client, server, port);
		sv[i] = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		assert_true(sv[i] >= 0);
	}
	assert_int_equal(lw_tcp_collector_new(64, 50, &c, &err), 0);
	assert_int_equal(lw_tcp_collect(c, &t, &err), 0);
	assert_true(t.count[LW_TCP_LISTEN][0] >= 1);
	assert_true(t.count[LW_TCP_ESTABLISHED][0] >= 6);
	for (size_t i = 0; i < t.nports; i++)
		if (t.ports[i].port == port)
			row = &t.ports[i];
	assert_non_null(row);
	assert_int_equal(row->count[LW_TCP_LISTEN], 1);
	assert_int_equal(row->count[LW_TCP_ESTABLISHED], 3);        /* the accepted ends */
	assert_int_equal(remote_count(&t, LW_TCP_ESTABLISHED, client), 3);  /* their peer */
	assert_int_equal(remote_count(&t, LW_TCP_ESTABLISHED, server), 3);  /* the clients' */
	lw_tcp_table_release(&t);
	/* Clients closing first: they go to FIN_WAIT2, the accepted ends to CLOSE_WAIT. */
	for (int i = 0; i < 3; i++)
		close(cl[i]);
	wait_remote_count(c, LW_TCP_CLOSE_WAIT, client, 3);
	wait_remote_count(c, LW_TCP_FIN_WAIT2, server, 3);
	/* The accepted ends close too: LAST_ACK then gone; the clients' ends wait in TIME_WAIT. */
	for (int i = 0; i < 3; i++)
		close(sv[i]);
	wait_remote_count(c, LW_TCP_TIME_WAIT, server, 3);
	wait_remote_count(c, LW_TCP_CLOSE_WAIT, client, 0);
	close(ls);
	lw_tcp_collector_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(topk_exact_below_capacity),
		cmocka_unit_test(topk_ties_by_address),
		cmocka_unit_test(topk_bound_past_capacity),
		cmocka_unit_test(addresses_as_published),
		cmocka_unit_test(feed_counts_states_remotes_ports),
		cmocka_unit_test(feed_port_cap_and_errors),
		cmocka_unit_test(real_dump_on_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
