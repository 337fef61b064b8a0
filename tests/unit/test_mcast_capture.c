/* test_mcast_capture.c: the capture's filter, second boundaries, interface drops, memberships. */
/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cycle/registry.h"
#include "fixture.h"
#include "mcast/ifdrops.h"
#include "mcast/igmp.h"
#include "mcast/mcastcap.h"
#include "mcast/mcastgroups.h"
#include "mcast/mcastmembers.h"
#include "mcast/mcastpkt.h"
#include "base/readfile.h"

#define NS 1000000000ull

/* --- the kernel filter, run by libpcap's BPF interpreter on the fuzz seeds --------------- */

static size_t read_seed(const char *name, uint8_t *buf, size_t cap)
{
	char rel[256], path[4096];
	FILE *f;
	size_t n;

	snprintf(rel, sizeof(rel), "mcastpkt/%s", name);
	f = fopen(lw_fixture_path(rel, path, sizeof(path)), "rb");
	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static bool filter_passes(int dlt, const char *seed)
{
	uint8_t buf[256];
	struct pcap_pkthdr h = { 0 };
	struct bpf_program prog;
	pcap_t *p = pcap_open_dead(dlt, 128);
	int rc;

	assert_non_null(p);
	assert_int_equal(pcap_compile(p, &prog, lw_mcast_filter(dlt), 1, PCAP_NETMASK_UNKNOWN), 0);
	h.caplen = h.len = (bpf_u_int32)read_seed(seed, buf, sizeof(buf));
	rc = pcap_offline_filter(&prog, &h, buf);
	pcap_freecode(&prog);
	pcap_close(p);
	return rc != 0;
}

/* What the filter lets through is what the parser counts: multicast, up to two tags. */
static void filter_takes_multicast_only(void **state)
{
	static const struct { const char *seed; int dlt; bool pass; } cases[] = {
		{ "eth_ipv4_udp.bin", LW_DLT_EN10MB, true },
		{ "eth_vlan_ipv4_options.bin", LW_DLT_EN10MB, true },
		{ "eth_qinq_ipv6.bin", LW_DLT_EN10MB, true },
		{ "eth_ipv4_unicast.bin", LW_DLT_EN10MB, false },
		{ "eth_ipv4_broadcast.bin", LW_DLT_EN10MB, false },
		{ "eth_arp.bin", LW_DLT_EN10MB, false },
		{ "eth_three_tags.bin", LW_DLT_EN10MB, false },
		{ "sll_ipv4.bin", LW_DLT_LINUX_SLL, true },
		{ "raw_ipv4.bin", LW_DLT_RAW, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[256];
		struct lw_mcast_pkt pkt;
		struct lw_error err;
		size_t n = read_seed(cases[i].seed, buf, sizeof(buf));

		if (filter_passes(cases[i].dlt, cases[i].seed) != cases[i].pass)
			fail_msg("%s: the filter %s it", cases[i].seed,
				 cases[i].pass ? "refuses" : "takes");
		assert_int_equal(lw_mcast_pkt_parse(cases[i].dlt, buf, n, (uint32_t)n, &pkt, &err),
				 cases[i].pass ? 1 : 0);
	}
	/* No "vlan" off Ethernet: libpcap refuses it on link types without tags. */
	assert_null(strstr(lw_mcast_filter(LW_DLT_RAW), "vlan"));
	assert_non_null(strstr(lw_mcast_filter(LW_DLT_EN10MB), "vlan and"));
}

/* --- second boundaries by packet timestamp ----------------------------------------------- */

static struct lw_mcast_pkt packet(uint8_t last_octet)
{
	struct lw_mcast_pkt p = { .family = 1, .group = { 239, 1, 1, last_octet },
				  .source = { 10, 0, 0, 1 }, .wire_len = 100 };

	return p;
}

/* A packet as the capture thread counts it: boundaries first, then the packet. */
static void count_at(struct lw_mcast_clock *c, struct lw_mcast_groups *g, uint64_t ts_ns,
		     uint8_t group)
{
	struct lw_mcast_pkt p = packet(group);

	lw_mcast_clock_advance(c, g, (int64_t)(ts_ns / NS));
	assert_int_equal(lw_mcast_groups_add(g, &p, ts_ns), 1);
}

/* Counting starts inside second S0, on a table of 8 groups. */
#define S0 INT64_C(1764800000)

struct clocked {
	struct lw_mcast_groups g;
	struct lw_mcast_clock c;
};

static int clocked_setup(void **state)
{
	struct clocked *t = calloc(1, sizeof(*t));

	if (t == NULL || lw_mcast_groups_init(&t->g, 8) != 0)
		return -1;
	lw_mcast_clock_start(&t->c, S0);
	*state = t;
	return 0;
}

static int clocked_teardown(void **state)
{
	struct clocked *t = *state;

	lw_mcast_groups_free(&t->g);
	free(t);
	return 0;
}

static void boundaries_follow_packet_stamps(void **state)
{
	struct clocked *t = *state;
	struct lw_mcast_groups *g = &t->g;
	struct lw_mcast_clock *c = &t->c;
	const int64_t s0 = S0;
	struct lw_mcast_rate r;

	/* Packets of the partial first second are counted, but in no rate. */
	count_at(c, g, (uint64_t)s0 * NS + 600000000u, 1);
	assert_int_equal(g->ticks, 0);
	/* The first packet stamped s0+1 takes the sample of boundary s0+1 first. */
	count_at(c, g, (uint64_t)(s0 + 1) * NS + 5, 1);
	assert_int_equal(g->ticks, 1);
	assert_int_equal(g->sample_packets[0], 1);
	assert_int_equal(g->sample_ns[0], (uint64_t)(s0 + 1) * NS);
	/* 9 more in second s0+1, delivered late (their block retired after the boundary): the
	 * wall clock passing s0+2 samples them in s0+1 all the same. */
	for (int i = 0; i < 9; i++)
		count_at(c, g, (uint64_t)(s0 + 1) * NS + 100000000u * (unsigned)i, 2);
	assert_int_equal(lw_mcast_clock_advance(c, g, s0 + 2), 1);
	assert_int_equal(lw_mcast_clock_advance(c, g, s0 + 2), 0);
	lw_mcast_iface_rate(g, 1, &r);
	assert_int_equal(r.packets, 10);
	assert_int_equal(r.span_ns, NS);
	assert_int_equal(lw_mcast_rate_pps(&r), 10);
	assert_int_equal(lw_mcast_rate_bps(&r), 10 * 100 * 8);
	/* A quiet second: the clock samples it, the 1 s rate falls to 0, 10 s keeps both. */
	assert_int_equal(lw_mcast_clock_advance(c, g, s0 + 3), 1);
	lw_mcast_iface_rate(g, 1, &r);
	assert_int_equal(lw_mcast_rate_pps(&r), 0);
	lw_mcast_iface_rate(g, 10, &r);
	assert_int_equal(r.seconds, 2);
	assert_int_equal(r.packets, 10);
	assert_int_equal(lw_mcast_rate_pps(&r), 5);
	/* A stamp from before the last boundary (a clock stepped back) counts now, no sample. */
	count_at(c, g, (uint64_t)(s0 - 5) * NS, 3);
	assert_int_equal(g->ticks, 3);
	assert_int_equal(g->packets, 12);
	/* A clock stepped an hour ahead: 61 samples, not 3600, and the windows still add up. */
	assert_int_equal(lw_mcast_clock_advance(c, g, s0 + 3603), LW_MCAST_IFACE_SAMPLES);
	assert_int_equal(c->next, s0 + 3604);
	lw_mcast_iface_rate(g, 60, &r);
	assert_int_equal(r.seconds, 60);
	assert_int_equal(r.span_ns, 60 * NS);
	assert_int_equal(r.packets, 0);
}

/* Exact rates at a steady stream: 7 packets a second to one group, 3 to another. */
static void steady_stream_rates(void **state)
{
	struct clocked *t = *state;
	struct lw_mcast_groups *g = &t->g;
	struct lw_mcast_clock *c = &t->c;
	const int64_t s0 = S0;
	struct lw_mcast_rate r;

	for (int64_t s = s0 + 1; s < s0 + 80; s++) {
		for (unsigned i = 0; i < 7; i++)
			count_at(c, g, (uint64_t)s * NS + i * 100000000u, 1);
		for (unsigned i = 0; i < 3; i++)
			count_at(c, g, (uint64_t)s * NS + i * 300000000u + 1, 2);
	}
	lw_mcast_clock_advance(c, g, s0 + 80);
	for (size_t i = 0; i < 3; i++) {
		static const unsigned windows[] = { 1, 10, 60 };

		lw_mcast_iface_rate(g, windows[i], &r);
		assert_int_equal(r.seconds, windows[i]);
		assert_int_equal(lw_mcast_rate_pps(&r), 10);
		assert_int_equal(lw_mcast_rate_bps(&r), 10 * 800);
	}
	lw_mcast_group_rate(g, lw_mcast_groups_find(g, 1, (const uint8_t[16]){ 239, 1, 1, 1 }), 10,
			    &r);
	assert_int_equal(lw_mcast_rate_pps(&r), 7);
	lw_mcast_group_rate(g, lw_mcast_groups_find(g, 1, (const uint8_t[16]){ 239, 1, 1, 2 }), 10,
			    &r);
	assert_int_equal(lw_mcast_rate_pps(&r), 3);
}

/* A new interface behind the same name: nothing of the old one's counts remains. */
static void reset_forgets_everything(void **state)
{
	struct lw_mcast_groups g;
	struct lw_mcast_pkt p = packet(9);
	struct lw_mcast_rate r;

	(void)state;
	assert_int_equal(lw_mcast_groups_init(&g, 2), 0);
	for (uint8_t i = 1; i <= 3; i++) {
		struct lw_mcast_pkt q = packet(i);

		lw_mcast_groups_add(&g, &q, 1);
	}
	lw_mcast_rates_tick(&g, NS);
	lw_mcast_rates_tick(&g, 2 * NS);
	assert_int_equal(g.overflow_packets, 1);
	lw_mcast_groups_reset(&g);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.packets + g.octets + g.overflow_packets + g.ticks, 0);
	assert_null(lw_mcast_groups_find(&g, 1, (const uint8_t[16]){ 239, 1, 1, 1 }));
	lw_mcast_iface_rate(&g, 1, &r);
	assert_int_equal(r.span_ns, 0);
	/* The table is whole again: both rows free, no overflow. */
	assert_int_equal(lw_mcast_groups_add(&g, &p, 5), 1);
	p.group[3] = 8;
	assert_int_equal(lw_mcast_groups_add(&g, &p, 6), 1);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.max_groups, 2);
	lw_mcast_groups_free(&g);
}

/* --- interface drops from sysfs -------------------------------------------------------------- */

static void interface_drops(void **state)
{
	int root = lw_fixture_root("ifdrops");
	struct lw_counter_total t;
	struct lw_error err;
	uint64_t v = 99;

	(void)state;
	assert_int_equal(lw_if_drops_read(root, "eth0", &v, &err), 0);
	assert_int_equal(v, 17 + 5);
	/* veth keeps neither counter: 0, as libpcap counts it. */
	assert_int_equal(lw_if_drops_read(root, "veth0", &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(lw_if_drops_read(root, "bad0", &v, &err), -1);
	assert_string_equal(err.text,
			    "sys/class/net/bad0/statistics/rx_missed_errors: 'lots\n' is not a counter");
	assert_int_equal(lw_if_drops_read(root, "gone0", &v, &err), -1);
	assert_int_equal(err.code, ENOENT);
	assert_non_null(strstr(err.text, "sys/class/net/gone0/statistics"));
	close(root);

	/* Totals: deltas, and a restarted counter counts whole from its restart. */
	lw_counter_total_start(&t, 1000);
	lw_counter_total_add(&t, 1004);
	lw_counter_total_add(&t, 1004);
	assert_int_equal(t.total, 4);
	lw_counter_total_add(&t, 3);
	assert_int_equal(t.total, 7);
	lw_counter_total_add(&t, 10);
	assert_int_equal(t.total, 14);
}

/* --- the mcast-members collector -------------------------------------------------------- */

static int run_members(int root, struct lw_membership_list *out, char *notice, size_t cap,
		       struct lw_error *err)
{
	struct lw_filebuf fb = { 0 };
	struct lw_collector_ctx ctx = { .rootfd = root, .filebuf = &fb, .part = out,
					.notice = notice, .notice_cap = cap };
	int rc;

	notice[0] = '\0';
	rc = lw_collector_def(LW_COL_MCAST_MEMBERS)->collector->run(&ctx, err);
	lw_filebuf_free(&fb);
	return rc;
}

static void expect_key(const struct lw_mcast_membership *m, uint32_t ifindex, const char *group,
		       uint32_t users)
{
	uint8_t want[16] = { 0 };
	int family = strchr(group, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(family, group, want), 1);
	assert_int_equal(m->ifindex, ifindex);
	assert_int_equal(m->family, family == AF_INET ? 1 : 2);
	if (memcmp(m->group, want, 16) != 0)
		fail_msg("row of ifindex %u is not %s", ifindex, group);
	assert_int_equal(m->users, users);
}

/* Both files, sorted as lwMcastMemberTable's index: ifindex, IPv4 first, then the octets. */
static void members_sorted_as_the_table(void **state)
{
	int root = lw_fixture_root("mcast-joined");
	struct lw_membership_list l;
	struct lw_error err;
	char notice[256];
	uint8_t g[16] = { 239, 1, 2, 3 };

	(void)state;
	lw_membership_list_init(&l);
	assert_int_equal(run_members(root, &l, notice, sizeof(notice), &err), 0);
	assert_string_equal(notice, "");
	assert_int_equal(l.n, 6 + 11);
	assert_string_equal(lw_collector_def(LW_COL_MCAST_MEMBERS)->name, "mcast-members");
	expect_key(&l.rows[0], 1, "224.0.0.1", 1);
	expect_key(&l.rows[1], 1, "224.0.1.129", 1);
	expect_key(&l.rows[2], 1, "ff01::1", 1);
	expect_key(&l.rows[3], 1, "ff02::1", 1);
	expect_key(&l.rows[4], 1, "ff02::fb", 1);
	expect_key(&l.rows[5], 2, "224.0.0.1", 1);
	expect_key(&l.rows[9], 3, "224.0.0.1", 1);
	expect_key(&l.rows[10], 3, "232.10.20.30", 1);
	expect_key(&l.rows[11], 3, "239.1.2.3", 2);
	expect_key(&l.rows[16], 3, "ff3e::8000:1", 1);
	assert_ptr_equal(lw_membership_find(&l, 3, 1, g), &l.rows[11]);
	assert_null(lw_membership_find(&l, 2, 1, g));
	g[3] = 4;
	assert_null(lw_membership_find(&l, 3, 1, g));
	/* Sorting twice changes nothing; a repeated key is kept once. */
	l.rows[12] = l.rows[11];
	lw_membership_list_sort(&l);
	assert_int_equal(l.n, 16);
	expect_key(&l.rows[11], 3, "239.1.2.3", 2);
	lw_membership_list_free(&l);
	close(root);
}

/* Copies one fixture file into dir/rel, making its directories. */
static void copy_fixture(const char *dir, const char *tree, const char *rel)
{
	char src[4096], dst[4096], buf[65536];
	size_t n;
	FILE *in, *out;

	snprintf(dst, sizeof(dst), "%s/proc", dir);
	mkdir(dst, 0755);
	snprintf(dst, sizeof(dst), "%s/proc/net", dir);
	mkdir(dst, 0755);
	snprintf(dst, sizeof(dst), "%s/%s", tree, rel);
	in = fopen(lw_fixture_path(dst, src, sizeof(src)), "rb");
	snprintf(dst, sizeof(dst), "%s/%s", dir, rel);
	out = fopen(dst, "wb");
	assert_non_null(in);
	assert_non_null(out);
	n = fread(buf, 1, sizeof(buf), in);
	assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
}

/* A kernel without IPv6: no igmp6 is a notice; no igmp at all, or a bad one, is an error. */
static void members_without_ipv6_or_igmp(void **state)
{
	char dir[] = "/tmp/lw-mcast-XXXXXX", path[4200], notice[256];
	struct lw_membership_list l;
	struct lw_error err;
	int root;

	(void)state;
	assert_non_null(mkdtemp(dir));
	lw_membership_list_init(&l);
	copy_fixture(dir, "mcast-joined", "proc/net/igmp");
	assert_int_equal(lw_root_open(dir, &root, &err), 0);
	assert_int_equal(run_members(root, &l, notice, sizeof(notice), &err), 0);
	assert_string_equal(notice, "no /proc/net/igmp6 (kernel without IPv6)");
	assert_int_equal(l.n, 6);
	expect_key(&l.rows[5], 3, "239.1.2.3", 2);
	/* A malformed igmp6 fails the run and leaves no rows. */
	snprintf(path, sizeof(path), "%s/proc/net/igmp6", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("3 veth0 ff15zz 1 4 0\n", f);
	fclose(f);
	assert_int_equal(run_members(root, &l, notice, sizeof(notice), &err), -1);
	assert_string_equal(err.text, "igmp6 line 1: group is not 32 hex digits");
	assert_int_equal(l.n, 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/net/igmp", dir);
	unlink(path);
	assert_int_equal(run_members(root, &l, notice, sizeof(notice), &err), -1);
	assert_string_equal(err.text, "open proc/net/igmp: No such file or directory");
	close(root);
	snprintf(path, sizeof(path), "%s/proc/net", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc", dir);
	rmdir(path);
	rmdir(dir);
	lw_membership_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(filter_takes_multicast_only),
		cmocka_unit_test_setup_teardown(boundaries_follow_packet_stamps, clocked_setup,
						clocked_teardown),
		cmocka_unit_test_setup_teardown(steady_stream_rates, clocked_setup,
						clocked_teardown),
		cmocka_unit_test(reset_forgets_everything),
		cmocka_unit_test(interface_drops),
		cmocka_unit_test(members_sorted_as_the_table),
		cmocka_unit_test(members_without_ipv6_or_igmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
