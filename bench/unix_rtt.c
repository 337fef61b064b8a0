/* unix_rtt.c: round trip of a small message between two processes over a unix socket pair. */
/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * An AgentX request and its answer cross a unix socket between snmpd and a subagent, so this
 * is the least one row of a walk through any subagent costs here (bench/README.md).
 */
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000, sv[2];
	char msg[20] = { 0 };
	struct timespec a, b;
	pid_t pid;

	if (n < 1 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return 2;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(sv[0]);
		for (int i = 0; i < n; i++)
			if (read(sv[1], msg, sizeof(msg)) != sizeof(msg) ||
			    write(sv[1], msg, sizeof(msg)) != sizeof(msg))
				_exit(1);
		_exit(0);
	}
	close(sv[1]);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++)
		if (write(sv[0], msg, sizeof(msg)) != sizeof(msg) ||
		    read(sv[0], msg, sizeof(msg)) != sizeof(msg))
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	waitpid(pid, NULL, 0);
	printf("round_trips: %d\nunix_socket_rtt_us: %.1f\n", n,
	       ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / 1e3 / n);
	return 0;
}
