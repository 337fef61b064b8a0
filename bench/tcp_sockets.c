/* tcp_sockets.c: hold N loopback TCP connections in a server-like mix of states (TCP bench). */
/* SPDX-License-Identifier: ISC */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4 */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchutil.h"

/*
 * Both ends of every connection live in the same worker: one worker of 7000 connections holds
 * 14,000 descriptors, under the 20,000 hard limit a process may not raise here, so 55,000
 * connections (110,000 sockets) take 8 workers. Run it in a private network namespace
 * (run-tcp-bench.py does): it binds 127.1.0.0/16 client addresses and fills the port range.
 */
#define PER_WORKER_DEFAULT 7000
#define FD_SPARE 64            /* listeners, control socket, stdio, what libc opens */
#define MAX_ERRORS 50          /* a worker gives up after this many failed connections */

enum { OP_BUILD = 'b', OP_TIME_WAIT = 't', OP_QUIT = 'q' };

struct cmd {
	int op;
	long target;  /* OP_BUILD: connections to hold; OP_TIME_WAIT: connections to close */
};

struct reply {
	long held, half_closed, time_wait, errors;
	int first_errno;
	double secs;
};

struct opts {
	long connections, start;
	int workers, addresses, pct6, pct_half, pct_tw;
	unsigned port_base;
};

struct worker {
	int id, ctl, lst4, lst6;
	long held, half_closed, cap, errors;
	int first_errno;
	int *cli, *srv;
	const struct opts *o;
};

/* splitmix64: a connection's family, fate and client address from its number, the same each run. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * Client address k of A with probability proportional to 1/(k+1) (Zipf, s = 1): a few heavy
 * clients and a long tail, as a server's remotes are; A past 1024 also overflows the
 * Space-Saving summary. cdf[k] is the probability of an index <= k.
 */
static double *cdf;

static int zipf_init(int addresses)
{
	double sum = 0;

	cdf = calloc((size_t)addresses, sizeof(*cdf));
	if (!cdf)
		return -1;
	for (int k = 0; k < addresses; k++)
		cdf[k] = sum += 1.0 / (k + 1);
	for (int k = 0; k < addresses; k++)
		cdf[k] /= sum;
	return 0;
}

static uint32_t client_addr(uint64_t h, int addresses)
{
	double u = (double)(h >> 11) / 9007199254740992.0; /* [0, 1) */
	int lo = 0, hi = addresses - 1;

	while (lo < hi) { /* the first k with cdf[k] > u */
		int mid = (lo + hi) / 2;

		if (cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (127u << 24 | 1u << 16) + 1u + (uint32_t)lo; /* 127.1.0.1 ... */
}

static int listener(int family, unsigned port)
{
	int one = 1, fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if ((family == AF_INET6 ? bind(fd, (struct sockaddr *)&a6, sizeof(a6))
				: bind(fd, (struct sockaddr *)&a4, sizeof(a4))) != 0 ||
	    listen(fd, 65535) != 0) { /* the kernel caps it at net.core.somaxconn */
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * One connection, both ends: client socket bound to its address (port chosen at connect, so the
 * 4-tuple and not the bare port must be unique), blocking connect (loopback completes the
 * handshake at once) and the server end accepted right away, so the backlog never fills.
 */
static int connect_pair(struct worker *w, uint64_t h, int *cli, int *srv)
{
	int v6 = (int)(h % 100) < w->o->pct6, one = 1, fd;
	unsigned port = w->o->port_base + (unsigned)w->id;
	struct sockaddr_in6 d6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in d4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in s4 = { .sin_family = AF_INET };

	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (!v6) {
		s4.sin_addr.s_addr = htonl(client_addr(h, w->o->addresses));
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&s4, sizeof(s4)) != 0)
			goto fail;
	}
	if ((v6 ? connect(fd, (struct sockaddr *)&d6, sizeof(d6))
		: connect(fd, (struct sockaddr *)&d4, sizeof(d4))) != 0)
		goto fail;
	*srv = accept4(v6 ? w->lst6 : w->lst4, NULL, NULL, SOCK_CLOEXEC);
	if (*srv < 0)
		goto fail;
	*cli = fd;
	return 0;
fail:
	if (!w->first_errno)
		w->first_errno = errno;
	close(fd);
	return -1;
}

/* Connection number n of this worker: the same number gives the same connection at any size. */
static uint64_t conn_hash(const struct worker *w, uint64_t n)
{
	return mix((uint64_t)w->id << 40 | n);
}

static void build(struct worker *w, long target)
{
	while (w->held < target && w->errors < MAX_ERRORS) {
		uint64_t h = conn_hash(w, (uint64_t)w->held);

		if (connect_pair(w, h, &w->cli[w->held], &w->srv[w->held]) != 0) {
			w->errors++;
			continue;
		}
		/* client FIN, server never closes: FIN_WAIT2 on the client, CLOSE_WAIT on the server */
		if ((int)((h >> 8) % 100) < w->o->pct_half) {
			shutdown(w->cli[w->held], SHUT_WR);
			w->half_closed++;
		}
		w->held++;
	}
}

/* Short connections the client closes first: TIME_WAIT on the client side for 60 s. */
static long time_wait(struct worker *w, long count, uint64_t *serial)
{
	long made = 0;

	for (long i = 0; i < count && w->errors < MAX_ERRORS; i++) {
		uint64_t h = conn_hash(w, (uint64_t)1 << 39 | (*serial)++);
		int cli, srv;
		char b;

		if (connect_pair(w, h, &cli, &srv) != 0) {
			w->errors++;
			continue;
		}
		close(cli);
		while (read(srv, &b, 1) > 0) /* EOF: the client's FIN has arrived */
			;
		close(srv);
		made++;
	}
	return made;
}

/* Reset every held connection (SO_LINGER 0): gone at once, nothing left in TIME_WAIT. */
static void reset_all(struct worker *w)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	for (long i = 0; i < w->held; i++) {
		setsockopt(w->cli[i], SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		setsockopt(w->srv[i], SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(w->cli[i]);
		close(w->srv[i]);
	}
	w->held = 0;
}

static void worker_main(struct worker *w)
{
	struct rlimit rl;
	uint64_t serial = 0;
	struct cmd c;

	prctl(PR_SET_PDEATHSIG, SIGKILL); /* the leader gone, by any death: so are we */
	signal(SIGINT, SIG_IGN);          /* the leader tears us down, in order */
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	w->lst4 = listener(AF_INET, w->o->port_base + (unsigned)w->id);
	w->lst6 = listener(AF_INET6, w->o->port_base + (unsigned)w->id);
	w->cli = calloc((size_t)w->cap, sizeof(int));
	w->srv = calloc((size_t)w->cap, sizeof(int));
	if (w->lst4 < 0 || w->lst6 < 0 || !w->cli || !w->srv) {
		fprintf(stderr, "tcp_sockets: worker %d: listen on port %u: %s\n", w->id,
			w->o->port_base + (unsigned)w->id, strerror(errno));
		_exit(1);
	}
	while (read(w->ctl, &c, sizeof(c)) == sizeof(c)) {
		struct reply r = { 0 };
		double t0 = bench_now_s();

		if (c.op == OP_QUIT)
			break;
		w->errors = 0;
		w->first_errno = 0;
		if (c.op == OP_BUILD)
			build(w, c.target < w->cap ? c.target : w->cap);
		else if (c.op == OP_TIME_WAIT)
			r.time_wait = time_wait(w, c.target, &serial);
		r.held = w->held;
		r.half_closed = w->half_closed;
		r.errors = w->errors;
		r.first_errno = w->first_errno;
		r.secs = bench_now_s() - t0;
		if (write(w->ctl, &r, sizeof(r)) != sizeof(r))
			break;
	}
	reset_all(w);
	_exit(0);
}

/* Worker i's share of total, the remainder spread over the first ones. */
static long share(long total, int workers, int i)
{
	return total / workers + (i < total % workers);
}

/* Sends the command to every worker, then gathers: the workers build in parallel. */
static int broadcast(struct worker *ws, int n, int op, long total, struct reply *sum)
{
	double t0 = bench_now_s();

	memset(sum, 0, sizeof(*sum));
	for (int i = 0; i < n; i++) {
		struct cmd c = { .op = op, .target = share(total, n, i) };

		if (write(ws[i].ctl, &c, sizeof(c)) != sizeof(c))
			return -1;
	}
	for (int i = 0; i < n; i++) {
		struct reply r;

		if (read(ws[i].ctl, &r, sizeof(r)) != sizeof(r))
			return -1;
		sum->held += r.held;
		sum->half_closed += r.half_closed;
		sum->time_wait += r.time_wait;
		sum->errors += r.errors;
		if (!sum->first_errno)
			sum->first_errno = r.first_errno;
	}
	sum->secs = bench_now_s() - t0;
	return 0;
}

static void report(const char *stage, const struct reply *b, const struct reply *t, int workers)
{
	printf("stage: %s\nconnections: %ld\nhalf_closed: %ld\nbuild_s: %.2f\n", stage, b->held,
	       b->half_closed, b->secs);
	printf("time_wait_made: %ld\ntime_wait_s: %.2f\n", t->time_wait, t->secs);
	/* both ends of each connection, the TIME_WAIT halves, one v4 and one v6 listener each */
	printf("sockets_expected: %ld\n", 2 * b->held + t->time_wait + 2L * workers);
	if (b->errors + t->errors)
		printf("errors: %ld\nfirst_error: %s\n", b->errors + t->errors,
		       strerror(b->first_errno ? b->first_errno : t->first_errno));
	printf("%s\n", b->errors + t->errors ? "incomplete" : "ready");
	fflush(stdout);
}

/* Build to `total` connections plus its share of TIME_WAIT, and print the stage. */
static int stage(struct worker *ws, const struct opts *o, const char *name, long total)
{
	struct reply b, t;

	if (broadcast(ws, o->workers, OP_BUILD, total, &b) ||
	    broadcast(ws, o->workers, OP_TIME_WAIT, total * o->pct_tw / 100, &t))
		return -1;
	report(name, &b, &t, o->workers);
	return b.errors + t.errors ? -1 : 0;
}

static void usage(void)
{
	fputs("usage: tcp_sockets [-n CONNECTIONS] [-s START] [-p WORKERS] [-a ADDRESSES] [-6 PCT]\n"
	      "                   [-c PCT] [-w PCT] [-b PORT] [-e]\n"
	      "  -n CONNECTIONS  loopback connections to hold (default 55000: 110,000 sockets)\n"
	      "  -s START        hold only START first, the rest on a `grow` line on stdin\n"
	      "  -p WORKERS      processes (default: one per 7000 connections, at least 2)\n"
	      "  -a ADDRESSES    distinct IPv4 client addresses 127.1.0.1... (default 5000, Zipf)\n"
	      "  -6 PCT          connections over ::1 (default 10)\n"
	      "  -c PCT          connections the client half-closes: FIN_WAIT2 + CLOSE_WAIT (4)\n"
	      "  -w PCT          short connections per held ones left in TIME_WAIT (default 5)\n"
	      "  -b PORT         first listening port; worker i listens on PORT+i (default 20000)\n"
	      "  -e              stop at EOF on stdin (a driving script holds the pipe)\n"
	      "stdin lines: `grow` (to CONNECTIONS), `tw` (a fresh TIME_WAIT batch)\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = { .connections = 55000, .start = -1, .addresses = 5000, .pct6 = 10,
			  .pct_half = 4, .pct_tw = 5, .port_base = 20000 };
	int opt, until_eof = 0, rc = 0;
	long current, per, reaped = 0;
	struct worker *ws;
	struct rlimit rl;
	char line[64];

	while ((opt = getopt(argc, argv, "n:s:p:a:6:c:w:b:eh")) != -1) {
		if (opt == 'n')
			o.connections = strtol(optarg, NULL, 10);
		else if (opt == 's')
			o.start = strtol(optarg, NULL, 10);
		else if (opt == 'p')
			o.workers = atoi(optarg);
		else if (opt == 'a')
			o.addresses = atoi(optarg);
		else if (opt == '6')
			o.pct6 = atoi(optarg);
		else if (opt == 'c')
			o.pct_half = atoi(optarg);
		else if (opt == 'w')
			o.pct_tw = atoi(optarg);
		else if (opt == 'b')
			o.port_base = (unsigned)atoi(optarg);
		else if (opt == 'e')
			until_eof = 1;
		else
			usage();
	}
	if (o.start < 0)
		o.start = o.connections;
	if (!o.workers)
		o.workers = (int)((o.connections + PER_WORKER_DEFAULT - 1) / PER_WORKER_DEFAULT);
	if (o.workers < 2)
		o.workers = 2;
	if (optind != argc || o.connections < 1 || o.start > o.connections || o.workers > 1000 ||
	    o.addresses < 1 || o.addresses > 65000 || o.pct6 < 0 || o.pct6 > 100 ||
	    o.pct_half < 0 || o.pct_half > 100 || o.pct_tw < 0 || o.port_base < 1024 ||
	    o.port_base + (unsigned)o.workers > 65535)
		usage();
	per = share(o.connections, o.workers, 0);
	if (zipf_init(o.addresses) != 0)
		return 1;
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_max != RLIM_INFINITY && (rlim_t)(2 * per + FD_SPARE) > rl.rlim_max) {
		fprintf(stderr, "tcp_sockets: %ld connections per worker need %ld descriptors, the hard "
			"limit is %llu: add workers (-p)\n", per, 2 * per + FD_SPARE,
			(unsigned long long)rl.rlim_max);
		return 2;
	}
	printf("workers: %d\nconnections_per_worker_max: %ld\nnofile_hard: %llu\n", o.workers, per,
	       (unsigned long long)rl.rlim_max);
	printf("client_addresses: %d\nipv6_pct: %d\nhalf_closed_pct: %d\ntime_wait_pct: %d\n"
	       "ports: %u-%u\n", o.addresses, o.pct6, o.pct_half, o.pct_tw, o.port_base,
	       o.port_base + (unsigned)o.workers - 1);
	fflush(stdout);
	/* the workers would inherit whatever descriptors our caller left open */
	bench_close_inherited();
	bench_catch_stop(); /* fgets() returns at once */
	ws = calloc((size_t)o.workers, sizeof(*ws));
	if (!ws)
		return 1;
	for (int i = 0; i < o.workers; i++) {
		int sv[2];
		pid_t pid;

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
			perror("tcp_sockets: socketpair");
			return 1;
		}
		ws[i] = (struct worker){ .id = i, .ctl = sv[1], .cap = share(o.connections, o.workers, i),
					 .o = &o };
		pid = fork();
		if (pid < 0) {
			perror("tcp_sockets: fork");
			return 1;
		}
		if (pid == 0) {
			close(sv[0]);
			for (int j = 0; j < i; j++)
				close(ws[j].ctl); /* the others' control sockets */
			worker_main(&ws[i]);
		}
		close(sv[1]);
		ws[i].ctl = sv[0];
		ws[i].id = (int)pid; /* the leader only needs the pid from here on */
	}
	current = o.start;
	if (stage(ws, &o, o.start < o.connections ? "start" : "full", current) != 0)
		rc = 1;
	while (rc == 0 && !bench_stop_sig) {
		if (until_eof ? fgets(line, sizeof(line), stdin) == NULL : pause() < 0)
			break;
		if (strncmp(line, "grow", 4) == 0 && current < o.connections) {
			current = o.connections;
			if (stage(ws, &o, "full", current) != 0)
				rc = 1;
		} else if (strncmp(line, "tw", 2) == 0) {
			struct reply t;

			if (broadcast(ws, o.workers, OP_TIME_WAIT, current * o.pct_tw / 100, &t) != 0)
				rc = 1;
			else
				printf("stage: time_wait\ntime_wait_made: %ld\ntime_wait_s: %.2f\n%s\n",
				       t.time_wait, t.secs, t.errors ? "incomplete" : "ready");
			fflush(stdout);
		}
	}
	/* teardown: each worker resets its connections; SIGKILL for one that does not answer */
	for (int i = 0; i < o.workers; i++) {
		struct cmd q = { .op = OP_QUIT };

		if (write(ws[i].ctl, &q, sizeof(q)) != sizeof(q))
			kill(ws[i].id, SIGKILL);
	}
	for (int i = 0; i < o.workers; i++) {
		struct pollfd p = { .fd = ws[i].ctl, .events = POLLIN };
		char b;

		if (poll(&p, 1, 10000) <= 0 || read(ws[i].ctl, &b, 1) != 0)
			kill(ws[i].id, SIGKILL); /* still there after 10 s */
		if (waitpid(ws[i].id, NULL, 0) == ws[i].id)
			reaped++;
	}
	printf("reaped: %ld\n", reaped);
	free(ws);
	return rc;
}
