/* collect_prio.c: nice 10 and best-effort I/O at the lowest level for leakwatch collect. */
/* SPDX-License-Identifier: ISC */
#include "collect_prio.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ioprio_set(2): glibc has no wrapper; the values are the kernel's (include/uapi/linux/ioprio.h). */
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_BE 2
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_BE_LOWEST 7

#define COLLECT_NICE 10

void collect_lower_priority(void)
{
	int now;

	/*
	 * collect runs on the host whose trouble it records, often one already short of CPU (the
	 * vendor scripts it replaces are known to "cause traffic loss"). At nice 10 the host's own
	 * work always comes first and the sampling only uses idle time: a late sample costs a
	 * little accuracy, a stolen slice costs the customer. Never raised: a caller that already
	 * niced it more keeps its value (raising needs CAP_SYS_NICE anyway, setpriority(2)).
	 */
	errno = 0;
	now = getpriority(PRIO_PROCESS, 0);
	if (errno == 0 && now < COLLECT_NICE)
		(void)setpriority(PRIO_PROCESS, 0, COLLECT_NICE);
	/*
	 * The history's writes the same way: best-effort class at its lowest level (7), which any
	 * user may set (ioprio_set(2)). Not the idle class: it gets the disk only when nobody else
	 * wants it, so a busy disk could hold the writer back for minutes and the queue drop
	 * cycles (history.h), the samples this run exists for. Like nice, it is per thread and
	 * inherited by the threads started after it. A kernel without it (ENOSYS) runs as is.
	 */
	(void)syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		      (IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT) | IOPRIO_BE_LOWEST);
}
