/* tcp_cost.c: leakwatch's TCP collection vs the bare sock_diag dump, /proc/net/tcp, `ss -tan`. */
/* SPDX-License-Identifier: ISC */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "benchutil.h"
#include "tcp_floor.h"
#include "net/tcpcollect.h"

#define GOAL_LW_OVER_FLOOR 1.25 /* counts + top remotes + per-port within this of the bare dump */
#define GOAL_SS_OVER_LW 1.6     /* and at least this many times cheaper than `ss -tan` */
#define TOP_N 5                 /* leakwatchd's defaults (lw_config.c) */
#define MAX_PORTS 1024
#define SS_BUF 65536

enum { LW, FLOOR, FLOOR_ALL, PROCNET, SS, METHODS };
static const char *const method_name[METHODS] = { "leakwatch", "floor", "floor_all_bits",
						  "procnet", "ss" };

/* Kernel TCP states, as ss and /proc/net/tcp number them. */
static const char *const kstate_name[16] = {
	"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE",
	"CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV", "BOUND_INACTIVE", "", "",
};

/* TCP-MIB numbering (lw_tcp_state), as leakwatch publishes it. */
static const char *const mib_state_name[LW_TCP_STATE_MAX + 1] = {
	"", "closed", "listen", "synSent", "synReceived", "established", "finWait1", "finWait2",
	"closeWait", "lastAck", "closing", "timeWait",
};

struct sample {
	double wall_ms, user_ms, sys_ms;
	uint64_t sockets;
};

struct bench {
	struct lw_tcp_collector *lw;
	struct lw_tcp_table *table;   /* the last collection, kept for the report */
	struct tcp_floor floor;
	struct tcp_floor_counts floor_counts, floor_all_counts;
	uint64_t procnet_state[16];
	char *ss_buf;
};

/* The shared clocks (benchutil.h), in the milliseconds this bench reports. */
static double now_ms(void)
{
	return bench_now_us() / 1e3;
}

static double tv_ms(struct timeval tv)
{
	return bench_tv_us(tv) / 1e3;
}

static void self_cpu_ms(double *user, double *sys)
{
	bench_self_cpu_us(user, sys);
	*user /= 1e3;
	*sys /= 1e3;
}

/* VmRSS or VmHWM of this process, KiB. */
static long status_kib(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* (a) what leakwatchd's tcp collector does each cycle: collect, publish, drop the old table */
static int run_leakwatch(struct bench *b, struct sample *s)
{
	struct lw_error err;

	lw_tcp_table_release(b->table);
	if (lw_tcp_collect(b->lw, b->table, &err)) {
		fprintf(stderr, "tcp_cost: lw_tcp_collect: %s\n", err.text);
		return -1;
	}
	s->sockets = b->table->sockets;
	return 0;
}

/* (b) the floor: two bare dumps, messages counted per state (and the same asking for bit 13) */
static int run_floor(struct bench *b, uint32_t states, struct tcp_floor_counts *counts,
		     struct sample *s)
{
	if (tcp_floor_count(&b->floor, states, counts)) {
		perror("tcp_cost: floor dump");
		return -1;
	}
	s->sockets = counts->sockets;
	return 0;
}

/* (c) what netstat and snmpd's TCP-MIB do: read /proc/net/tcp{,6} and sscanf every line */
static int run_procnet(struct bench *b, struct sample *s)
{
	static const char *const files[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	char line[512], local[65], remote[65];

	memset(b->procnet_state, 0, sizeof(b->procnet_state));
	s->sockets = 0;
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "r");

		if (!f) {
			perror(files[i]);
			return -1;
		}
		if (!fgets(line, sizeof(line), f)) { /* the header */
			fclose(f);
			return -1;
		}
		while (fgets(line, sizeof(line), f)) {
			unsigned long rxq, txq, time_len, retr, inode;
			unsigned lport, rport, state, timer_run;
			int num, uid, timeout;

			/* netstat's tcp_do_one() format, field for field */
			if (sscanf(line, "%d: %64[0-9A-Fa-f]:%X %64[0-9A-Fa-f]:%X %X %lX:%lX %X:%lX %lX "
				   "%d %d %lu %*s\n", &num, local, &lport, remote, &rport, &state, &txq,
				   &rxq, &timer_run, &time_len, &retr, &uid, &timeout, &inode) < 6)
				continue;
			b->procnet_state[state & 15]++;
			s->sockets++;
		}
		fclose(f);
	}
	return 0;
}

static void count_ss_lines(void *arg, const char *p, size_t n)
{
	uint64_t *lines = arg;

	for (size_t i = 0; i < n; i++)
		*lines += p[i] == '\n';
}

/* (d) `ss -tan` with its output read from a pipe and its lines counted: spawn to reap */
static int run_ss(struct bench *b, struct sample *s, double *child_user, double *child_sys)
{
	char *argv[] = { "ss", "-tan", NULL };
	uint64_t lines = 0;
	struct rusage ru;
	int rc = bench_run_read(argv, b->ss_buf, SS_BUF, count_ss_lines, &lines, &ru);

	if (rc > 0)
		fprintf(stderr, "tcp_cost: spawn ss: %s\n", strerror(rc));
	if (rc < 0)
		fprintf(stderr, "tcp_cost: ss -tan failed\n");
	if (rc != 0)
		return -1;
	*child_user = tv_ms(ru.ru_utime);
	*child_sys = tv_ms(ru.ru_stime);
	s->sockets = lines ? lines - 1 : 0; /* the header line */
	return 0;
}

/* Wall time, and CPU split: user is parsing and tables, sys mostly the kernel's dump. */
static int run(struct bench *b, int m, struct sample *s)
{
	double u0, s0, u1, s1, cu = 0, cs = 0, t0 = now_ms();
	int rc;

	self_cpu_ms(&u0, &s0);
	rc = m == LW ? run_leakwatch(b, s)
	   : m == FLOOR ? run_floor(b, TCP_FLOOR_STATES, &b->floor_counts, s)
	   : m == FLOOR_ALL ? run_floor(b, TCP_FLOOR_ALL_BITS, &b->floor_all_counts, s)
	   : m == PROCNET ? run_procnet(b, s) : run_ss(b, s, &cu, &cs);
	s->wall_ms = now_ms() - t0;
	self_cpu_ms(&u1, &s1);
	s->user_ms = u1 - u0 + cu;
	s->sys_ms = s1 - s0 + cs;
	return rc;
}

static void print_addr(const struct lw_addr *a)
{
	if (a->family == LW_ADDR_IPV4) {
		printf("%u.%u.%u.%u", a->bytes[0], a->bytes[1], a->bytes[2], a->bytes[3]);
		return;
	}
	for (int i = 0; i < 16; i += 2)
		printf("%s%x", i ? ":" : "", a->bytes[i] << 8 | a->bytes[i + 1]);
}

static void print_table(const struct lw_tcp_table *t)
{
	for (int s = 1; s <= LW_TCP_STATE_MAX; s++) {
		if (t->count[s][0] + t->count[s][1] == 0)
			continue;
		printf("leakwatch.state.%s: %" PRIu64 " (IPv4 %" PRIu64 ", IPv6 %" PRIu64 ")\n",
		       mib_state_name[s], t->count[s][0] + t->count[s][1], t->count[s][0],
		       t->count[s][1]);
		for (size_t i = 0; i < t->ntop[s]; i++) {
			printf("leakwatch.top.%s.%zu: ", mib_state_name[s], i + 1);
			print_addr(&t->top[s][i].addr);
			printf(" %u (error %u)\n", t->top[s][i].count, t->top[s][i].error);
		}
	}
	printf("leakwatch.port_rows: %zu\nleakwatch.ports_dropped: %" PRIu64 "\n", t->nports,
	       t->ports_dropped);
	for (size_t i = 0; i < t->nports && i < 4; i++)
		printf("leakwatch.port.%u: listen %u established %u closeWait %u\n", t->ports[i].port,
		       t->ports[i].count[LW_TCP_LISTEN], t->ports[i].count[LW_TCP_ESTABLISHED],
		       t->ports[i].count[LW_TCP_CLOSE_WAIT]);
	printf("leakwatch.recvs: %u\n", t->recvs);
}

static void ratio(const double *wall, const double *cpu, int a, int b, const char *why)
{
	printf("ratio_%s_over_%s.wall: %.2f%s%s\n", method_name[a], method_name[b], wall[a] / wall[b],
	       *why ? "  # " : "", why);
	printf("ratio_%s_over_%s.cpu: %.2f\n", method_name[a], method_name[b], cpu[a] / cpu[b]);
}

/*
 * Rounds run the five one after the other, starting one further each round, so all see the
 * same sockets and the same machine (this VM's speed drifts within minutes) and none always
 * runs first or right after ss's fork; the figures are medians over the rounds.
 */
int main(int argc, char **argv)
{
	struct sample (*rounds)[METHODS];
	double *v, med_wall[METHODS], med_cpu[METHODS];
	long rss0, hwm0, rss1, hwm1, rss2, hwm2;
	int nrounds = 15, opt;
	struct lw_error err;
	struct bench b = { 0 };
	struct sample s;

	while ((opt = getopt(argc, argv, "m:")) != -1) {
		if (opt == 'm')
			nrounds = atoi(optarg);
		else {
			fprintf(stderr, "usage: tcp_cost [-m ROUNDS]\n");
			return 2;
		}
	}
	if (nrounds < 1 || optind != argc) {
		fprintf(stderr, "usage: tcp_cost [-m ROUNDS]   (ROUNDS >= 1, default 15)\n");
		return 2;
	}
	rounds = calloc((size_t)nrounds, sizeof(*rounds));
	v = calloc((size_t)nrounds, sizeof(*v));
	b.table = calloc(1, sizeof(*b.table));
	b.ss_buf = malloc(SS_BUF);
	if (!rounds || !v || !b.table || !b.ss_buf || tcp_floor_open(&b.floor)) {
		perror("tcp_cost");
		return 1;
	}
	/* one untimed run of the others first: their buffers and libc's are in before the baseline */
	for (int m = FLOOR; m < METHODS; m++)
		if (run(&b, m, &s))
			return 1;
	rss0 = status_kib("VmRSS");
	hwm0 = status_kib("VmHWM");
	if (lw_tcp_collector_new(MAX_PORTS, TOP_N, &b.lw, &err)) {
		fprintf(stderr, "tcp_cost: %s\n", err.text);
		return 1;
	}
	for (int i = 0; i < 2; i++) /* warm-up, untimed; also what the memory figure is taken on */
		if (run(&b, LW, &s))
			return 1;
	rss1 = status_kib("VmRSS");
	hwm1 = status_kib("VmHWM");
	for (int r = 0; r < nrounds; r++)
		for (int k = 0; k < METHODS; k++) {
			int m = (r + k) % METHODS;

			if (run(&b, m, &rounds[r][m]))
				return 1;
		}
	rss2 = status_kib("VmRSS");
	hwm2 = status_kib("VmHWM");

	printf("rounds: %d\ntop_n: %d\nmax_ports: %d\n", nrounds, TOP_N, MAX_PORTS);
	for (int m = 0; m < METHODS; m++) {
		uint64_t lo = UINT64_MAX, hi = 0;

		for (int r = 0; r < nrounds; r++) {
			lo = rounds[r][m].sockets < lo ? rounds[r][m].sockets : lo;
			hi = rounds[r][m].sockets > hi ? rounds[r][m].sockets : hi;
		}
		printf("%s.sockets: %" PRIu64 " (min %" PRIu64 ", max %" PRIu64 ")\n", method_name[m],
		       rounds[nrounds - 1][m].sockets, lo, hi);
	}
	for (int k = 1; k < 16; k++)
		if (b.floor_counts.state[k] || b.floor_all_counts.state[k] || b.procnet_state[k])
			printf("floor.state.%s: %" PRIu64 " (floor_all_bits %" PRIu64 ", procnet %"
			       PRIu64 ")\n", kstate_name[k], b.floor_counts.state[k],
			       b.floor_all_counts.state[k], b.procnet_state[k]);
	printf("floor.recvs: %u\n", b.floor_counts.recvs);
	print_table(b.table);
	for (int m = 0; m < METHODS; m++) {
		for (int r = 0; r < nrounds; r++)
			v[r] = rounds[r][m].wall_ms;
		med_wall[m] = bench_median(v, nrounds);
		printf("%s.wall_ms.median: %.2f\n%s.wall_ms.min: %.2f\n", method_name[m], med_wall[m],
		       method_name[m], v[0]);
		for (int r = 0; r < nrounds; r++)
			v[r] = rounds[r][m].user_ms + rounds[r][m].sys_ms;
		med_cpu[m] = bench_median(v, nrounds);
		printf("%s.cpu_ms.median: %.2f\n", method_name[m], med_cpu[m]);
		for (int r = 0; r < nrounds; r++)
			v[r] = rounds[r][m].user_ms;
		printf("%s.user_ms.median: %.2f\n", method_name[m], bench_median(v, nrounds));
		for (int r = 0; r < nrounds; r++)
			v[r] = rounds[r][m].sys_ms;
		printf("%s.sys_ms.median: %.2f\n", method_name[m], bench_median(v, nrounds));
	}
	ratio(med_wall, med_cpu, LW, FLOOR, "the goal: counts + top remotes + per-port vs the bare dump");
	ratio(med_wall, med_cpu, LW, FLOOR_ALL, "the same dump asking for bit 13 too (bind hash)");
	ratio(med_wall, med_cpu, FLOOR_ALL, FLOOR, "what asking for TCP_BOUND_INACTIVE costs");
	ratio(med_wall, med_cpu, SS, LW, "the goal: ss -tan, spawn and output included");
	ratio(med_wall, med_cpu, PROCNET, LW, "netstat's and snmpd's way");
	ratio(med_wall, med_cpu, SS, FLOOR, "");
	/* before the collector, after it and two collections, after every round */
	printf("mem.vmrss_kib.before: %ld\nmem.vmhwm_kib.before: %ld\n", rss0, hwm0);
	printf("mem.vmrss_kib.after_warmup: %ld\nmem.vmhwm_kib.after_warmup: %ld\n", rss1, hwm1);
	printf("mem.vmrss_kib.after_rounds: %ld\nmem.vmhwm_kib.after_rounds: %ld\n", rss2, hwm2);
	/*
	 * Only the collector ran between the first two readings; during the rounds ss's posix_spawn
	 * child briefly touches a stack in our address space, which VmHWM would count as ours.
	 */
	printf("leakwatch.vmhwm_growth_kib: %ld\nleakwatch.vmrss_growth_kib_after_rounds: %ld\n",
	       hwm1 - hwm0, rss2 - rss0);
	printf("leakwatch.table_bytes: %zu (+ %zu per port row)\n", sizeof(struct lw_tcp_table),
	       sizeof(struct lw_tcp_port_row));
	printf("goal.ratio_leakwatch_over_floor_wall_max: %.2f %s\n", GOAL_LW_OVER_FLOOR,
	       med_wall[LW] / med_wall[FLOOR] <= GOAL_LW_OVER_FLOOR ? "ok" : "MISSED");
	printf("goal.ratio_ss_over_leakwatch_wall_min: %.1f %s\n", GOAL_SS_OVER_LW,
	       med_wall[SS] / med_wall[LW] >= GOAL_SS_OVER_LW ? "ok" : "MISSED");
	lw_tcp_table_release(b.table);
	lw_tcp_collector_free(b.lw);
	tcp_floor_close(&b.floor);
	free(b.table);
	free(b.ss_buf);
	free(rounds);
	free(v);
	return 0;
}
