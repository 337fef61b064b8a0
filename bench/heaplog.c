/* heaplog.c: an LD_PRELOAD library that logs glibc's heap figures (mallinfo2) of the process it is loaded in. */
/* SPDX-License-Identifier: ISC */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/*
 * For bench/run-soak.py: RSS alone cannot tell memory a program holds from memory glibc keeps
 * (free chunks not returned, per-thread caches). Every LW_HEAPLOG_INTERVAL seconds (default 5)
 * one line goes to LW_HEAPLOG_FILE:
 *   <monotonic seconds> <in use> <free in arenas> <arena bytes> <mmapped bytes>
 * in bytes, mallinfo2's uordblks, fordblks, arena and hblkhd summed over every arena by glibc.
 * The thread is made by the constructor, so the process must not fork to become a daemon
 * (leakwatchd -f); it never frees or allocates between lines beyond stdio's own buffer.
 */

static void *heaplog_main(void *arg)
{
	FILE *out = arg;
	const char *iv = getenv("LW_HEAPLOG_INTERVAL");
	unsigned interval = iv != NULL && atoi(iv) > 0 ? (unsigned)atoi(iv) : 5;

	for (;;) {
		struct mallinfo2 mi = mallinfo2();
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		fprintf(out, "%lld %zu %zu %zu %zu\n", (long long)now.tv_sec, mi.uordblks,
			mi.fordblks, mi.arena, mi.hblkhd);
		fflush(out);
		sleep(interval);
	}
	return NULL;
}

__attribute__((constructor)) static void heaplog_start(void)
{
	const char *path = getenv("LW_HEAPLOG_FILE");
	pthread_t thread;
	FILE *out;

	if (path == NULL || (out = fopen(path, "a")) == NULL)
		return;
	/* Not inherited: only the process the variable was meant for logs (no child re-opens it). */
	unsetenv("LD_PRELOAD");
	if (pthread_create(&thread, NULL, heaplog_main, out) != 0) {
		fclose(out);
		return;
	}
	pthread_detach(thread);
}
