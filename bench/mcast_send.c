/* mcast_send.c: one-core UDP multicast sender (sendmmsg, TTL 1) for the multicast capture bench. */
/* SPDX-License-Identifier: ISC */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* strerrorname_np, sendmmsg */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"

#define MAX_GROUPS 64
#define MAX_BATCH 1024
#define MAX_PAYLOAD 65000
#define ERRNO_SLOTS 256

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mcast_send -i SRC_ADDR -g GROUP[,GROUP...] [-p PORT] [-s PAYLOAD]\n"
		"                  [-n COUNT] [-r PPS] [-b BATCH]\n"
		"  -i  IPv4 address of the sending interface (IP_MULTICAST_IF, also bound)\n"
		"  -g  IPv4 multicast groups, sent to round-robin (repeatable, at most %d)\n"
		"  -p  UDP destination port (default 5000)\n"
		"  -s  UDP payload bytes (default 64)\n"
		"  -n  packets to send (default 1000000)\n"
		"  -r  target packets per second, 0 = as fast as possible (default 0)\n"
		"  -b  messages per sendmmsg call, 1..%d (default 64)\n",
		MAX_GROUPS, MAX_BATCH);
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || s[0] == '-' || *out > max ? -1 : 0;
}

static int add_groups(char *list, struct sockaddr_in *dst, unsigned *n)
{
	for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		struct in_addr a;

		if (inet_pton(AF_INET, tok, &a) != 1 || !IN_MULTICAST(ntohl(a.s_addr))) {
			fprintf(stderr, "mcast_send: '%s' is not an IPv4 multicast group\n", tok);
			return -1;
		}
		if (*n == MAX_GROUPS) {
			fprintf(stderr, "mcast_send: more than %d groups\n", MAX_GROUPS);
			return -1;
		}
		dst[*n].sin_family = AF_INET;
		dst[*n].sin_addr = a;
		(*n)++;
	}
	return 0;
}

/* Sleeps until t (CLOCK_MONOTONIC seconds); returns at once if t has passed. */
static void sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int open_socket(struct in_addr src)
{
	struct ip_mreqn mreq;
	struct sockaddr_in bind_addr;
	int ttl = 1, loop = 0;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		perror("mcast_send: socket");
		return -1;
	}
	memset(&mreq, 0, sizeof(mreq));
	mreq.imr_address = src;
	memset(&bind_addr, 0, sizeof(bind_addr));
	bind_addr.sin_family = AF_INET;
	bind_addr.sin_addr = src;
	/* TTL 1: never routed past the link; no loopback copy on the sending host. */
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) != 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) != 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) != 0 ||
	    bind(fd, (struct sockaddr *)&bind_addr, sizeof(bind_addr)) != 0) {
		perror("mcast_send: socket setup");
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	static struct sockaddr_in dst[MAX_GROUPS];
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iov;
	static char payload[MAX_PAYLOAD];
	static unsigned long errors_by_errno[ERRNO_SLOTS];
	unsigned long port = 5000, size = 64, count = 1000000, rate = 0, batch = 64;
	unsigned long sent = 0, errors = 0, next = 0;
	unsigned ngroups = 0;
	struct in_addr src = { 0 };
	int have_src = 0, opt, fd;
	double t0, t1, cpu0, cpu1;

	while ((opt = getopt(argc, argv, "i:g:p:s:n:r:b:h")) != -1) {
		switch (opt) {
		case 'i':
			have_src = inet_pton(AF_INET, optarg, &src) == 1;
			if (!have_src) {
				fprintf(stderr, "mcast_send: -i '%s' is not an IPv4 address\n", optarg);
				return 2;
			}
			break;
		case 'g':
			if (add_groups(optarg, dst, &ngroups) != 0)
				return 2;
			break;
		case 'p':
			if (parse_ulong(optarg, 65535, &port) != 0 || port == 0)
				goto bad;
			break;
		case 's':
			if (parse_ulong(optarg, MAX_PAYLOAD, &size) != 0)
				goto bad;
			break;
		case 'n':
			if (parse_ulong(optarg, (unsigned long)-1 / 2, &count) != 0)
				goto bad;
			break;
		case 'r':
			if (parse_ulong(optarg, 1000000000, &rate) != 0)
				goto bad;
			break;
		case 'b':
			if (parse_ulong(optarg, MAX_BATCH, &batch) != 0 || batch == 0)
				goto bad;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !have_src || ngroups == 0) {
		usage(stderr);
		return 2;
	}
	for (unsigned g = 0; g < ngroups; g++)
		dst[g].sin_port = htons((uint16_t)port);
	fd = open_socket(src);
	if (fd < 0)
		return 1;
	/* One payload for every message: its bytes do not matter to a header-only capture. */
	memset(payload, 0xa5, size);
	iov.iov_base = payload;
	iov.iov_len = size;
	for (unsigned long i = 0; i < batch; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_namelen = sizeof(dst[0]);
	}

	t0 = bench_clock_s(CLOCK_MONOTONIC);
	cpu0 = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID);
	while (next < count) {
		unsigned long n = count - next < batch ? count - next : batch;
		int rc;

		/* Paced: never ahead of t0 + packets / rate (one batch may leave at once). */
		if (rate > 0)
			sleep_until(t0 + (double)next / (double)rate);
		for (unsigned long i = 0; i < n; i++)
			msgs[i].msg_hdr.msg_name = &dst[(next + i) % ngroups];
		rc = sendmmsg(fd, msgs, (unsigned)n, 0);
		if (rc < 0) {
			/* The first message failed: count it by errno and go past it. */
			if (errno == EINTR)
				continue;
			errors_by_errno[errno < ERRNO_SLOTS ? errno : 0]++;
			errors++;
			next++;
		} else {
			sent += (unsigned long)rc;
			next += (unsigned long)rc;
		}
	}
	t1 = bench_clock_s(CLOCK_MONOTONIC);
	cpu1 = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID);
	close(fd);

	printf("sent: %lu\n", sent);
	printf("errors: %lu\n", errors);
	for (int e = 0; e < ERRNO_SLOTS; e++) {
		const char *name = e ? strerrorname_np(e) : NULL;

		if (errors_by_errno[e] != 0)
			printf("errors.%s: %lu  # %s\n", name ? name : "other", errors_by_errno[e],
			       e ? strerror(e) : "errno 0 or >= 256");
	}
	printf("seconds: %.6f\n", t1 - t0);
	printf("pps: %.0f\n", t1 > t0 ? (double)sent / (t1 - t0) : 0.0);
	printf("cpu_seconds: %.6f\n", cpu1 - cpu0);
	printf("groups: %u\n", ngroups);
	printf("payload_bytes: %lu\n", size);
	printf("frame_bytes: %lu  # Ethernet 14 + IPv4 20 + UDP 8 + payload (no FCS, no padding)\n",
	       size + 14 + 20 + 8);
	printf("batch: %lu\n", batch);
	printf("target_pps: %lu\n", rate);
	return 0;
bad:
	fprintf(stderr, "mcast_send: bad value for -%c: '%s'\n", opt, optarg);
	return 2;
}
