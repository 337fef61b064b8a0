/* collect_prio.h: leakwatch collect gives way to the host it watches (nice, I/O priority). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_COLLECT_PRIO_H
#define LW_CLI_COLLECT_PRIO_H

/* Lowers the calling thread's CPU and I/O priority; call before any thread starts, so that the
 * sampler, history and capture threads inherit both. Never fails the command. */
void collect_lower_priority(void);

#endif
