/* tcp_floor.h: a bare NETLINK_SOCK_DIAG dump that only counts TCP sockets per state, as a floor. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_BENCH_TCP_FLOOR_H
#define LW_BENCH_TCP_FLOOR_H

#include <stdint.h>

/*
 * What no collector of TCP states can go below: one SOCK_DIAG_BY_FAMILY dump per family
 * (AF_INET, then AF_INET6), no extensions (idiag_ext = 0), read with a 32 KiB buffer (the
 * kernel fills a dump skb up to that), each message counted by its idiag_state and nothing
 * else: no addresses, no ports, no tables. The kernel's own cost plus the copies out.
 *
 * TCP_FLOOR_STATES asks for every TCP state a connection table shows (kernel states 1-12:
 * ESTABLISHED ... NEW_SYN_RECV, what /proc/net/tcp and `ss -tan` list). TCP_FLOOR_ALL_BITS
 * (~0) also asks for bit 13, TCP_BOUND_INACTIVE (Linux 6.5+: bound, never connected or
 * listening, in no TCP-MIB table): for it the kernel walks the bind hash as well, a cost that
 * grows with the sockets, so it is timed separately.
 */
#define TCP_FLOOR_STATES 0x1ffeu
#define TCP_FLOOR_ALL_BITS 0xffffffffu

struct tcp_floor {
	int nl;
	uint32_t seq;
	uint8_t *buf;
};

struct tcp_floor_counts {
	uint64_t state[16];  /* by kernel state (1 ESTABLISHED ... 12 NEW_SYN_RECV) */
	uint64_t sockets;    /* every message */
	uint32_t recvs;      /* recv() calls both dumps took */
};

int tcp_floor_open(struct tcp_floor *f);

/* Both dumps for the states mask; -1 with errno set on a failure. */
int tcp_floor_count(struct tcp_floor *f, uint32_t states, struct tcp_floor_counts *out);

void tcp_floor_close(struct tcp_floor *f);

#endif
