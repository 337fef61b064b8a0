/* service_notify.h: systemd's Type=notify protocol: readiness once serving, a watchdog while collecting. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_SERVICE_NOTIFY_H
#define LW_SERVICE_NOTIFY_H

#include "agent_ctx.h"

/*
 * Before lw_agent_setup (a subagent's session opens inside it): watches the AgentX session so
 * that readiness waits for it. Without libsystemd, or outside a Type=notify unit
 * ($NOTIFY_SOCKET unset), all of these do nothing.
 */
void lw_service_init(struct lw_agent *agent);

/* A snapshot was published on the agent thread: READY=1 after the first one once serving. */
void lw_service_snapshot(struct lw_agent *agent);

/* The main loop is about to run: starts the WATCHDOG=1 timer when the unit has WatchdogSec=. */
void lw_service_start(struct lw_agent *agent);

/* The main loop ended: STOPPING=1. */
void lw_service_stopping(void);

#endif
