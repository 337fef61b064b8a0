/* members_cost.c: the mcast-members collector vs `ip maddr show` and the bare reads of its files. */
/* SPDX-License-Identifier: ISC */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "benchutil.h"
#include "cycle/collector.h"
#include "mcast/igmp.h"
#include "mcast/mcastmembers.h"
#include "base/readfile.h"

/* IPv4 allows igmp_max_memberships (20 by default) groups per socket. */
#define GROUPS_PER_SOCKET 20
#define MAX_JOINS 4096

/* Joins n IPv4 groups 239.201.x.y on 127.0.0.1 and n IPv6 groups ff15::c8:x on lo, so the files
 * have rows like a busy host's; the sockets stay open until the process exits. */
static int join_groups(int n)
{
	unsigned lo = if_nametoindex("lo");
	int fd4 = -1, fd6 = socket(AF_INET6, SOCK_DGRAM, 0);

	for (int i = 0; i < n; i++) {
		struct ip_mreq m4 = { .imr_interface.s_addr = htonl(INADDR_LOOPBACK) };
		struct ipv6_mreq m6 = { .ipv6mr_interface = lo };

		if (i % GROUPS_PER_SOCKET == 0)
			fd4 = socket(AF_INET, SOCK_DGRAM, 0);
		m4.imr_multiaddr.s_addr = htonl(0xefc90000u | (unsigned)(i + 1));
		inet_pton(AF_INET6, "ff15::c8:0", &m6.ipv6mr_multiaddr);
		m6.ipv6mr_multiaddr.s6_addr[14] = (uint8_t)((i + 1) >> 8);
		m6.ipv6mr_multiaddr.s6_addr[15] = (uint8_t)(i + 1);
		if (fd4 < 0 || setsockopt(fd4, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m4, sizeof(m4)) != 0 ||
		    fd6 < 0 || setsockopt(fd6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m6, sizeof(m6)) != 0) {
			perror("members_cost: join");
			return -1;
		}
	}
	return 0;
}

/* One run of the collector as the sampler makes it; returns the rows or -1. */
static long collect(int rootfd, struct lw_filebuf *fb, struct lw_membership_list *out)
{
	char notice[LW_ERROR_TEXT_MAX];
	struct lw_error err;
	struct lw_collector_ctx ctx = { .rootfd = rootfd, .filebuf = fb, .part = out,
					.notice = notice, .notice_cap = sizeof(notice) };

	if (lw_igmp_collector.run(&ctx, &err) != 0) {
		fprintf(stderr, "members_cost: %s\n", err.text);
		return -1;
	}
	return (long)out->n;
}

/* The least any reader pays: open, read and close both files, no parsing. */
static int bare_reads(int rootfd, struct lw_filebuf *fb)
{
	struct lw_error err;

	return lw_read_file_grow_at(rootfd, "proc/net/igmp", fb, 64u << 20, &err) ||
	       lw_read_file_grow_at(rootfd, "proc/net/igmp6", fb, 64u << 20, &err) ? -1 : 0;
}

/* `ip maddr show`, its output dropped. */
static int ip_maddr(void)
{
	static char *argv[] = { "ip", "maddr", "show", NULL };

	return bench_run_quiet(argv, NULL);
}

int main(int argc, char **argv)
{
	int rounds = 200, joins = 256, rootfd, c;
	struct lw_filebuf fb = { 0 };
	struct lw_membership_list l;
	struct lw_error err;
	double *lw, *tool, *bare, lw_med, tool_med, bare_med;
	long rows = 0;

	while ((c = getopt(argc, argv, "n:j:")) != -1) {
		if (c == 'n')
			rounds = atoi(optarg);
		else if (c == 'j')
			joins = atoi(optarg);
		else {
			fprintf(stderr, "usage: members_cost [-n ROUNDS] [-j GROUPS]\n");
			return 2;
		}
	}
	if (rounds < 1 || joins < 0 || joins > MAX_JOINS) {
		fprintf(stderr, "members_cost: -n at least 1, -j 0..%d\n", MAX_JOINS);
		return 2;
	}
	if (lw_root_open("/", &rootfd, &err) || join_groups(joins))
		return 1;
	lw = calloc((size_t)rounds, sizeof(*lw));
	tool = calloc((size_t)rounds, sizeof(*tool));
	bare = calloc((size_t)rounds, sizeof(*bare));
	if (lw == NULL || tool == NULL || bare == NULL)
		return 1;
	lw_membership_list_init(&l);
	/* Interleaved, so the three see the same machine; medians, as the VM's speed drifts. */
	for (int r = 0; r < rounds; r++) {
		double t0 = bench_now_us();

		rows = collect(rootfd, &fb, &l);
		lw[r] = bench_now_us() - t0;
		t0 = bench_now_us();
		if (ip_maddr() != 0) {
			fprintf(stderr, "members_cost: ip maddr show failed\n");
			return 1;
		}
		tool[r] = bench_now_us() - t0;
		t0 = bench_now_us();
		if (bare_reads(rootfd, &fb) != 0 || rows < 0)
			return 1;
		bare[r] = bench_now_us() - t0;
	}
	printf("rounds: %d\njoined_by_bench: %d IPv4 + %d IPv6 on lo\nrows: %ld\n", rounds, joins,
	       joins, rows);
	lw_med = bench_median(lw, rounds);
	bare_med = bench_median(bare, rounds);
	tool_med = bench_median(tool, rounds);
	printf("leakwatch_us: %.1f\n", lw_med);
	printf("bare_reads_us: %.1f\n", bare_med);
	printf("ip_maddr_show_us: %.1f\n", tool_med);
	printf("ratio_ip_maddr_over_leakwatch: %.1f\n", tool_med / lw_med);
	printf("ratio_leakwatch_over_bare_reads: %.2f\n", lw_med / bare_med);
	lw_membership_list_free(&l);
	lw_filebuf_free(&fb);
	free(lw);
	free(tool);
	free(bare);
	close(rootfd);
	return 0;
}
