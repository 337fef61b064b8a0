/* test_sockmem.c: socket-memory parsers (sockstat, snmp/netstat, TCP sysctls) and the ratios. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "net/netstat.h"
#include "base/readfile.h"
#include "net/sockstat.h"
#include "net/sysctlnum.h"

/* What each kernel root's files hold (one row per lw_fixture_kernels[] entry, same order). */
static const struct {
	const char *tree;
	uint64_t ss[LW_SS_COUNT];  /* sockstat then sockstat6, in enum order */
	uint64_t ns[LW_NS_COUNT];  /* snmp Tcp then netstat TcpExt, in enum order */
	uint64_t tl[LW_TL_COUNT];  /* tcp_mem min, pressure, max, tcp_max_orphans, tw buckets */
} roots[LW_FIXTURE_NKERNELS] = {
	{ LW_FIXTURE_KERNEL,
	  { 10, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	  { 118, 4, 97, 0, 0, 0, 0, 0, 0, 0 },
	  { 287898, 383865, 575796, 131072, 131072 } },
	/* snmp is a 3.19.0 capture (Tcp MaxConn -1), netstat 4.15.14's (111 TcpExt columns). */
	{ "linux-4.x",
	  { 1866, 74, 9, 0, 86, 13, 15, 17, 0, 0, 0, 0, 10, 10, 0, 1, 0, 0 },
	  { 908528, 101092, 467387, 150959, 42, 513784, 90, 90, 0, 0 },
	  { 44274, 59034, 88548, 16384, 16384 } },
	/* snmp: 5.14.0's columns holding PCP's test values 1, 2, 3 ...: each value is its column
	 * number (ActiveOpens is column 5), which checks the column lookup. */
	{ "linux-5.x",
	  { 1290, 21, 0, 3, 38, 5, 16, 12, 0, 1, 0, 0, 6, 9, 0, 1, 0, 0 },
	  { 5, 6, 7, 8, 9, 12, 17, 17, 0, 0 },
	  { 94818, 126425, 189636, 32768, 32768 } },
};

static void sockstat_fixture(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		char buf[1024];
		struct lw_sockstat ss;
		struct lw_error err;
		size_t len;

		assert_string_equal(roots[r].tree, lw_fixture_kernels[r]);
		memset(&ss, 0, sizeof(ss));
		len = lw_fixture_read(roots[r].tree, "proc/net/sockstat", buf, sizeof(buf));
		assert_int_equal(lw_sockstat_parse(buf, len, &ss, &err), 0);
		len = lw_fixture_read(roots[r].tree, "proc/net/sockstat6", buf, sizeof(buf));
		assert_int_equal(lw_sockstat6_parse(buf, len, &ss, &err), 0);
		/* Every kernel since 2.6 prints every field of both files. */
		for (int f = 0; f < LW_SS_COUNT; f++) {
			assert_true(ss.v[f] == roots[r].ss[f]);
			assert_true(lw_sockstat_has(&ss, (enum lw_sockstat_field)f));
		}
	}
}

static void sockstat_keys(void **state)
{
	struct lw_sockstat ss;
	struct lw_error err;

	(void)state;
	memset(&ss, 0, sizeof(ss));
	/* An older kernel without "mem", a future line and a future key: absent, skipped, skipped. */
	assert_int_equal(PARSE_STR(lw_sockstat_parse,
				   "sockets: used 5\nMPTCP: inuse 9 quux 1\n"
				   "TCP: inuse 3 orphan 1 newkey 77 tw 2 alloc 4\n",
				   &ss, &err), 0);
	assert_int_equal(ss.v[LW_SS_SOCKETS_USED], 5);
	assert_int_equal(ss.v[LW_SS_TCP_ORPHAN], 1);
	assert_int_equal(ss.v[LW_SS_TCP_TW], 2);
	assert_int_equal(ss.v[LW_SS_TCP_ALLOC], 4);
	assert_false(lw_sockstat_has(&ss, LW_SS_TCP_MEM));
	assert_false(lw_sockstat_has(&ss, LW_SS_UDP_INUSE));
	assert_string_equal(lw_sockstat_prefix(LW_SS_TCP_TW), "TCP");
	assert_string_equal(lw_sockstat_key(LW_SS_TCP_TW), "tw");

	/* sockstat6 fills its own fields and keeps the IPv4 ones. */
	assert_int_equal(PARSE_STR(lw_sockstat6_parse, "TCP6: inuse 6\nFRAG6: inuse 1 memory 512\n",
				   &ss, &err), 0);
	assert_int_equal(ss.v[LW_SS_TCP6_INUSE], 6);
	assert_int_equal(ss.v[LW_SS_FRAG6_MEMORY], 512);
	assert_false(lw_sockstat_has(&ss, LW_SS_UDP6_INUSE));
	assert_int_equal(ss.v[LW_SS_TCP_TW], 2);

	/* A reparse replaces its file's fields: keys gone since last time are absent again. */
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "sockets: used 7\n", &ss, &err), 0);
	assert_false(lw_sockstat_has(&ss, LW_SS_TCP_TW));
	assert_int_equal(ss.v[LW_SS_TCP_TW], 0);
	assert_true(lw_sockstat_has(&ss, LW_SS_TCP6_INUSE));

	/* Each parser only knows its own file's lines. */
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "TCP6: inuse 2\n", &ss, &err), -1);
	assert_non_null(strstr(err.text, "no known field"));
	assert_int_equal(PARSE_STR(lw_sockstat6_parse, "TCP: inuse 2\n", &ss, &err), -1);
	assert_non_null(strstr(err.text, "sockstat6"));
}

static void sockstat_malformed(void **state)
{
	struct lw_sockstat ss, before;
	struct lw_error err;
	char bounded[] = "sockets: used 12345";

	(void)state;
	memset(&ss, 0, sizeof(ss));
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "sockets: used 3\nTCP: inuse 4\n", &ss, &err),
			 0);
	before = ss;
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "sockets: used 1\nTCP: inuse x\n", &ss, &err),
			 -1);
	assert_non_null(strstr(err.text, "line 2"));
	assert_non_null(strstr(err.text, "inuse"));
	/* A failed parse leaves the previous figures alone. */
	assert_memory_equal(&ss, &before, sizeof(ss));
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "TCP: inuse 12x\n", &ss, &err), -1);
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "TCP: inuse -1\n", &ss, &err), -1);
	/* Truncated: a key without its number fails, a last line without newline does not. */
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "sockets: used 10\nTCP: inuse 1 orphan 0 tw",
				   &ss, &err), -1);
	assert_non_null(strstr(err.text, "'tw'"));
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "sockets: used 10\nTCP: inuse 1 orphan 2",
				   &ss, &err), 0);
	assert_int_equal(ss.v[LW_SS_TCP_ORPHAN], 2);
	/* 2^64 overflows; 2^64 - 1 does not. */
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "sockets: used 18446744073709551616\n", &ss,
				   &err), -1);
	assert_non_null(strstr(err.text, "line 1"));
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "sockets: used 18446744073709551615\n", &ss,
				   &err), 0);
	assert_true(ss.v[LW_SS_SOCKETS_USED] == UINT64_MAX);
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "", &ss, &err), -1);
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "\n\n", &ss, &err), -1);
	assert_int_equal(PARSE_STR(lw_sockstat_parse, " \t\n", &ss, &err), -1);
	/* NUL bytes: inside a number it is malformed, inside a prefix the line is unknown. */
	assert_int_equal(PARSE_LIT(lw_sockstat_parse, "sockets: used 1\0\nTCP: inuse 2\n", &ss, &err),
			 -1);
	assert_int_equal(PARSE_LIT(lw_sockstat_parse, "TCP\0: inuse 1\nsockets: used 3\n", &ss, &err),
			 0);
	assert_false(lw_sockstat_has(&ss, LW_SS_TCP_INUSE));
	assert_int_equal(PARSE_LIT(lw_sockstat_parse, "TCP: in\0use 1 tw 4\n", &ss, &err), 0);
	assert_false(lw_sockstat_has(&ss, LW_SS_TCP_INUSE));
	assert_int_equal(ss.v[LW_SS_TCP_TW], 4);
	/* Nothing past len is read. */
	assert_int_equal(lw_sockstat_parse(bounded, 16, &ss, &err), 0);
	assert_int_equal(ss.v[LW_SS_SOCKETS_USED], 12);
}

static void netstat_fixture(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		char buf[8192];
		struct lw_netstat ns;
		struct lw_error err;
		size_t len;

		memset(&ns, 0, sizeof(ns));
		len = lw_fixture_read(roots[r].tree, "proc/net/snmp", buf, sizeof(buf));
		/* The Tcp line has MaxConn (-1 on real kernels) ahead of the wanted columns. */
		assert_int_equal(lw_net_snmp_parse(buf, len, &ns, &err), 0);
		len = lw_fixture_read(roots[r].tree, "proc/net/netstat", buf, sizeof(buf));
		assert_int_equal(lw_netstat_parse(buf, len, &ns, &err), 0);
		for (int f = 0; f < LW_NS_COUNT; f++) {
			assert_true(ns.v[f] == roots[r].ns[f]);
			assert_true(lw_netstat_has(&ns, (enum lw_netstat_field)f));
		}
		/* Each file is parsed for its own prefix only: snmp has no TcpExt, netstat no Tcp. */
		len = lw_fixture_read(roots[r].tree, "proc/net/snmp", buf, sizeof(buf));
		assert_int_equal(lw_netstat_parse(buf, len, &ns, &err), -1);
		assert_non_null(strstr(err.text, "no TcpExt lines"));
		len = lw_fixture_read(roots[r].tree, "proc/net/netstat", buf, sizeof(buf));
		assert_int_equal(lw_net_snmp_parse(buf, len, &ns, &err), -1);
		assert_non_null(strstr(err.text, "no Tcp lines"));
	}
}

static void netstat_columns(void **state)
{
	struct lw_netstat ns;
	struct lw_error err;
	/* Distinct values per column, so a column taken from the wrong place shows. */
	const char *snmp = "Ip: Forwarding DefaultTTL\nIp: 2 64\n"
			   "Tcp: RtoAlgorithm MaxConn ActiveOpens PassiveOpens AttemptFails "
			   "EstabResets CurrEstab InSegs RetransSegs\n"
			   "Tcp: 1 -1 11 12 13 14 15 99 16\n"
			   "Udp: InDatagrams\nUdp: 5\n";
	const char *netstat = "TcpExt: SyncookiesSent ListenOverflows Weird ListenDrops "
			      "TCPAbortOnMemory TCPMemoryPressures\n"
			      "TcpExt: 0 21 -5 22 23 24\n"
			      "IpExt: InOctets\nIpExt: 18446744073709551615\n"
			      "MPTcpExt: MPCapableSYNRX\nMPTcpExt: 0\n";

	(void)state;
	memset(&ns, 0, sizeof(ns));
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, snmp, &ns, &err), 0);
	assert_int_equal(PARSE_STR(lw_netstat_parse, netstat, &ns, &err), 0);
	for (int f = LW_NS_TCP_ACTIVE_OPENS; f <= LW_NS_TCP_RETRANS_SEGS; f++)
		assert_int_equal(ns.v[f], 11 + f - LW_NS_TCP_ACTIVE_OPENS);
	for (int f = LW_NS_TCPEXT_LISTEN_OVERFLOWS; f <= LW_NS_TCPEXT_TCP_MEMORY_PRESSURES; f++)
		assert_int_equal(ns.v[f], 21 + f - LW_NS_TCPEXT_LISTEN_OVERFLOWS);
	assert_string_equal(lw_netstat_prefix(LW_NS_TCPEXT_LISTEN_DROPS), "TcpExt");
	assert_string_equal(lw_netstat_name(LW_NS_TCPEXT_LISTEN_DROPS), "ListenDrops");

	/* An older kernel without some columns: they are absent, the rest still found. */
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "Tcp: ActiveOpens CurrEstab\nTcp: 5 6\n", &ns,
				   &err), 0);
	assert_int_equal(ns.v[LW_NS_TCP_CURR_ESTAB], 6);
	assert_false(lw_netstat_has(&ns, LW_NS_TCP_PASSIVE_OPENS));
	assert_int_equal(ns.v[LW_NS_TCP_PASSIVE_OPENS], 0);
	/* The TcpExt fields from before are kept. */
	assert_int_equal(ns.v[LW_NS_TCPEXT_LISTEN_DROPS], 22);
	/* Blank lines and tabs between columns are tolerated. */
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "\nTcp:\tActiveOpens  CurrEstab \nTcp: 7\t8\n",
				   &ns, &err), 0);
	assert_int_equal(ns.v[LW_NS_TCP_ACTIVE_OPENS], 7);
	assert_int_equal(ns.v[LW_NS_TCP_CURR_ESTAB], 8);
}

static void netstat_malformed(void **state)
{
	struct lw_netstat ns, before;
	struct lw_error err;

	(void)state;
	memset(&ns, 0, sizeof(ns));
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "Tcp: ActiveOpens\nTcp: 3\n", &ns, &err), 0);
	before = ns;
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "Tcp: ActiveOpens PassiveOpens\nTcp: 1\n", &ns,
				   &err), -1);
	assert_non_null(strstr(err.text, "line 2"));
	assert_non_null(strstr(err.text, "fewer values"));
	assert_memory_equal(&ns, &before, sizeof(ns));
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "Tcp: ActiveOpens\nTcp: 1 2\n", &ns, &err), -1);
	assert_non_null(strstr(err.text, "more values"));
	/* A header as the last line, or followed by another prefix. */
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "Ip: X\nIp: 1\nTcp: ActiveOpens\n", &ns, &err),
			 -1);
	assert_non_null(strstr(err.text, "line 3"));
	assert_non_null(strstr(err.text, "without a value line"));
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "Tcp: ActiveOpens\nUdp: 1\n", &ns, &err), -1);
	/* Truncated in the middle of the value line. */
	assert_int_equal(PARSE_STR(lw_netstat_parse, "TcpExt: ListenOverflows ListenDrops\nTcpExt: 4",
				   &ns, &err), -1);
	/* The last line without its newline is complete, though. */
	assert_int_equal(PARSE_STR(lw_netstat_parse, "TcpExt: ListenOverflows ListenDrops\nTcpExt: 4 5",
				   &ns, &err), 0);
	assert_int_equal(ns.v[LW_NS_TCPEXT_LISTEN_DROPS], 5);
	/* Overflow, in a wanted and in an ignored column. */
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "Tcp: ActiveOpens\nTcp: 18446744073709551616\n",
				   &ns, &err), -1);
	assert_non_null(strstr(err.text, "ActiveOpens"));
	assert_int_equal(PARSE_STR(lw_net_snmp_parse,
				   "Tcp: InSegs ActiveOpens\nTcp: 99999999999999999999 1\n", &ns, &err),
			 -1);
	assert_non_null(strstr(err.text, "column 1"));
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "Tcp: ActiveOpens\nTcp: 18446744073709551615\n",
				   &ns, &err), 0);
	assert_true(ns.v[LW_NS_TCP_ACTIVE_OPENS] == UINT64_MAX);
	/* Negative is fine in MaxConn, not in a counter leakwatch publishes. */
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "Tcp: MaxConn CurrEstab\nTcp: -1 -3\n", &ns,
				   &err), -1);
	assert_non_null(strstr(err.text, "negative Tcp CurrEstab"));
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "Tcp: MaxConn\nTcp: -\n", &ns, &err), -1);
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "Tcp: MaxConn\nTcp: 1x\n", &ns, &err), -1);
	assert_int_equal(PARSE_STR(lw_net_snmp_parse, "", &ns, &err), -1);
	assert_non_null(strstr(err.text, "no Tcp lines"));
	assert_int_equal(lw_netstat_parse("", 0, &ns, &err), -1);
	/* NUL bytes: in a value it is malformed; in a name the column is just unknown. */
	assert_int_equal(PARSE_LIT(lw_net_snmp_parse, "Tcp: ActiveOpens\nTcp: 1\0\n", &ns, &err), -1);
	assert_int_equal(PARSE_LIT(lw_net_snmp_parse, "Tcp: Active\0Opens CurrEstab\nTcp: 1 2\n", &ns,
				   &err), 0);
	assert_false(lw_netstat_has(&ns, LW_NS_TCP_ACTIVE_OPENS));
	assert_int_equal(ns.v[LW_NS_TCP_CURR_ESTAB], 2);
	/* "Tcp\0:" is not "Tcp:". */
	assert_int_equal(PARSE_LIT(lw_net_snmp_parse, "Tcp\0: ActiveOpens\nTcp\0: 1\n", &ns, &err), -1);
}

static void tcp_limits_fixture(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		char buf[256];
		struct lw_tcp_limits lim;
		struct lw_error err;
		size_t len;

		memset(&lim, 0, sizeof(lim));
		len = lw_fixture_read(roots[r].tree, "proc/sys/net/ipv4/tcp_mem", buf, sizeof(buf));
		assert_int_equal(lw_tcp_mem_parse(buf, len, &lim, &err), 0);
		len = lw_fixture_read(roots[r].tree, "proc/sys/net/ipv4/tcp_max_orphans", buf,
				      sizeof(buf));
		assert_int_equal(lw_tcp_limit_parse(buf, len, LW_TL_MAX_ORPHANS, &lim, &err), 0);
		len = lw_fixture_read(roots[r].tree, "proc/sys/net/ipv4/tcp_max_tw_buckets", buf,
				      sizeof(buf));
		assert_int_equal(lw_tcp_limit_parse(buf, len, LW_TL_MAX_TW_BUCKETS, &lim, &err), 0);
		for (int f = 0; f < LW_TL_COUNT; f++) {
			assert_true(lim.v[f] == roots[r].tl[f]);
			assert_true(lw_tcp_limits_has(&lim, (enum lw_tcp_limit)f));
		}
	}
}

static void tcp_limits_edges(void **state)
{
	struct lw_tcp_limits lim;
	struct lw_error err;
	uint64_t v;

	(void)state;
	memset(&lim, 0, sizeof(lim));
	/* Spaces instead of tabs, no newline; the single-value limits stay absent. */
	assert_int_equal(PARSE_STR(lw_tcp_mem_parse, " 1 2  3", &lim, &err), 0);
	assert_int_equal(lim.v[LW_TL_MEM_MAX], 3);
	assert_false(lw_tcp_limits_has(&lim, LW_TL_MAX_ORPHANS));
	assert_int_equal(PARSE_STR(lw_tcp_mem_parse, "1\t2\n", &lim, &err), -1);
	assert_non_null(strstr(err.text, "maximum"));
	assert_int_equal(PARSE_STR(lw_tcp_mem_parse, "1\t2\t3\t4\n", &lim, &err), -1);
	assert_non_null(strstr(err.text, "trailing"));
	assert_int_equal(PARSE_STR(lw_tcp_mem_parse, "1\t2\t3\n4\n", &lim, &err), -1);
	assert_int_equal(PARSE_STR(lw_tcp_mem_parse, "1\t-2\t3\n", &lim, &err), -1);
	assert_int_equal(PARSE_STR(lw_tcp_mem_parse, "1\t2\t18446744073709551616\n", &lim, &err), -1);
	assert_int_equal(PARSE_LIT(lw_tcp_mem_parse, "1\t2\0\t3\n", &lim, &err), -1);
	assert_int_equal(PARSE_STR(lw_tcp_mem_parse, "", &lim, &err), -1);
	/* The failures above left the first figures alone. */
	assert_int_equal(lim.v[LW_TL_MEM_MIN], 1);
	assert_int_equal(lim.v[LW_TL_MEM_PRESSURE], 2);

	assert_int_equal(lw_tcp_limit_parse("262144", 6, LW_TL_MAX_TW_BUCKETS, &lim, &err), 0);
	assert_int_equal(lim.v[LW_TL_MAX_TW_BUCKETS], 262144);
	assert_int_equal(lw_tcp_limit_parse("1 2\n", 4, LW_TL_MAX_ORPHANS, &lim, &err), -1);
	assert_non_null(strstr(err.text, "tcp_max_orphans"));
	assert_false(lw_tcp_limits_has(&lim, LW_TL_MAX_ORPHANS));
	assert_int_equal(lw_tcp_limit_parse("-1\n", 3, LW_TL_MAX_ORPHANS, &lim, &err), -1);
	assert_int_equal(lw_tcp_limit_parse("", 0, LW_TL_MAX_ORPHANS, &lim, &err), -1);
	assert_int_equal(lw_tcp_limit_parse("1\n", 2, LW_TL_MEM_MAX, &lim, &err), -1);
	assert_string_equal(lw_tcp_limit_name(LW_TL_MEM_PRESSURE), "tcp_mem");

	assert_int_equal(lw_sysctl_u64_parse("18446744073709551615\n", 21, "x", &v, &err), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(lw_sysctl_u64_parse("18446744073709551616\n", 21, "big", &v, &err), -1);
	assert_non_null(strstr(err.text, "big"));
	assert_int_equal(lw_sysctl_u64_parse("7\n\n", 3, "x", &v, &err), -1);
	assert_int_equal(lw_sysctl_u64_parse("7\0\n", 3, "x", &v, &err), -1);
}

static uint32_t ratio(uint64_t num, uint64_t den)
{
	uint32_t v = 12345;

	assert_true(lw_ratio_hundredths(num, den, &v));
	return v;
}

static void ratios(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_false(lw_ratio_hundredths(5, 0, &v));
	assert_int_equal(v, 7);
	assert_int_equal(ratio(0, 5), 0);
	assert_int_equal(ratio(1, 3), 3333);  /* truncated, not rounded */
	assert_int_equal(ratio(2, 3), 6666);
	assert_int_equal(ratio(7, 7), 10000);
	assert_int_equal(ratio(3, 2), 15000);
	/* 0.01% is the resolution: one in 20000 rounds down to 0. */
	assert_int_equal(ratio(1, 20000), 0);
	assert_int_equal(ratio(1, 10000), 1);
	/* Numerators whose * 10000 overflows 64 bits are still exact. */
	assert_int_equal(ratio(UINT64_MAX, UINT64_MAX), 10000);
	assert_int_equal(ratio(UINT64_MAX - 1, UINT64_MAX), 9999);
	assert_int_equal(ratio(UINT64_MAX / 2, UINT64_MAX), 4999);
	assert_int_equal(ratio(UINT64_MAX / 3, UINT64_MAX / 2), 6666);
	assert_int_equal(ratio(UINT64_C(1) << 62, UINT64_C(1) << 63), 5000);
	/* Clamping at UINT32_MAX: 429496.7295 times the limit is the most that fits. */
	assert_int_equal(ratio(429496, 1), 4294960000u);
	assert_int_equal(ratio(4294967295u, 10000), 4294967295u);
	assert_int_equal(ratio(4294967296u, 10000), UINT32_MAX);
	assert_int_equal(ratio(4294967299u, 10000), UINT32_MAX);
	assert_int_equal(ratio(429497, 1), UINT32_MAX);
	assert_int_equal(ratio(UINT64_MAX, 1), UINT32_MAX);
	assert_int_equal(ratio(UINT64_MAX, 3), UINT32_MAX);
#ifdef __SIZEOF_INT128__
	/* Against 128-bit arithmetic on a spread of magnitudes. */
	for (uint64_t a = 1; a != 0 && a < UINT64_MAX / 3; a = a * 3 + 1)
		for (uint64_t b = 1; b != 0 && b < UINT64_MAX / 5; b = b * 5 + 2) {
			unsigned __int128 want = (unsigned __int128)a * 10000 / b;

			assert_int_equal(ratio(a, b), want > UINT32_MAX ? UINT32_MAX : (uint32_t)want);
		}
#endif
}

static void percents(void **state)
{
	char buf[1024];
	struct lw_sockstat ss;
	struct lw_tcp_limits lim;
	struct lw_sockmem_pct pct;
	struct lw_error err;
	size_t len;

	(void)state;
	memset(&ss, 0, sizeof(ss));
	memset(&lim, 0, sizeof(lim));
	/* Nothing parsed: nothing known. */
	lw_sockmem_percents(&ss, &lim, &pct);
	assert_true(pct.known == 0);

	len = lw_fixture_read(LW_FIXTURE_KERNEL, "proc/net/sockstat", buf, sizeof(buf));
	assert_int_equal(lw_sockstat_parse(buf, len, &ss, &err), 0);
	len = lw_fixture_read(LW_FIXTURE_KERNEL, "proc/sys/net/ipv4/tcp_mem", buf, sizeof(buf));
	assert_int_equal(lw_tcp_mem_parse(buf, len, &lim, &err), 0);
	/* The limits of the single-value files are not read yet: those two stay unknown. */
	lw_sockmem_percents(&ss, &lim, &pct);
	assert_true(lw_sockmem_pct_known(&pct, LW_PCT_TCP_MEM_PRESSURE));
	assert_true(lw_sockmem_pct_known(&pct, LW_PCT_TCP_MEM_MAX));
	assert_false(lw_sockmem_pct_known(&pct, LW_PCT_TCP_ORPHAN));
	assert_false(lw_sockmem_pct_known(&pct, LW_PCT_TCP_TW));
	assert_int_equal(pct.v[LW_PCT_TCP_MEM_PRESSURE], 0);  /* the fixture's TCP mem is 0 */

	/* Hand-made figures: 1000 of 131072 orphans, mem past pressure, tw beyond max. */
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "TCP: inuse 9 orphan 1000 tw 300 mem 400000\n",
				   &ss, &err), 0);
	assert_int_equal(lw_tcp_limit_parse("131072\n", 7, LW_TL_MAX_ORPHANS, &lim, &err), 0);
	assert_int_equal(lw_tcp_limit_parse("200\n", 4, LW_TL_MAX_TW_BUCKETS, &lim, &err), 0);
	lw_sockmem_percents(&ss, &lim, &pct);
	assert_true(pct.known == (UINT64_C(1) << LW_PCT_COUNT) - 1);
	assert_int_equal(pct.v[LW_PCT_TCP_ORPHAN], 76);             /* 0.76% */
	assert_int_equal(pct.v[LW_PCT_TCP_MEM_PRESSURE], 10420);    /* 400000 / 383865 */
	assert_int_equal(pct.v[LW_PCT_TCP_MEM_MAX], 6946);          /* 400000 / 575796 */
	assert_int_equal(pct.v[LW_PCT_TCP_TW], 15000);

	/* A limit of 0 (tcp_max_tw_buckets = 0 is allowed) is unknown, not a division by 0. */
	assert_int_equal(lw_tcp_limit_parse("0\n", 2, LW_TL_MAX_TW_BUCKETS, &lim, &err), 0);
	/* A usage figure the kernel did not print is unknown too. */
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "TCP: inuse 9 tw 3\n", &ss, &err), 0);
	lw_sockmem_percents(&ss, &lim, &pct);
	assert_false(lw_sockmem_pct_known(&pct, LW_PCT_TCP_TW));
	assert_false(lw_sockmem_pct_known(&pct, LW_PCT_TCP_ORPHAN));
	assert_false(lw_sockmem_pct_known(&pct, LW_PCT_TCP_MEM_MAX));
	assert_int_equal(pct.v[LW_PCT_TCP_TW], 0);

	/* Clamped, not wrapped. */
	assert_int_equal(PARSE_STR(lw_sockstat_parse, "TCP: orphan 18446744073709551615\n", &ss,
				   &err), 0);
	assert_int_equal(lw_tcp_limit_parse("1\n", 2, LW_TL_MAX_ORPHANS, &lim, &err), 0);
	lw_sockmem_percents(&ss, &lim, &pct);
	assert_int_equal(pct.v[LW_PCT_TCP_ORPHAN], UINT32_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sockstat_fixture),
		cmocka_unit_test(sockstat_keys),
		cmocka_unit_test(sockstat_malformed),
		cmocka_unit_test(netstat_fixture),
		cmocka_unit_test(netstat_columns),
		cmocka_unit_test(netstat_malformed),
		cmocka_unit_test(tcp_limits_fixture),
		cmocka_unit_test(tcp_limits_edges),
		cmocka_unit_test(ratios),
		cmocka_unit_test(percents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
