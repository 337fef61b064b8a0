/* service_notify.c: systemd's Type=notify protocol: readiness once serving, a watchdog while collecting. */
/* SPDX-License-Identifier: ISC */
#include "service_notify.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#ifdef LW_HAVE_LIBSYSTEMD
#include <stdint.h>
#include <time.h>

#include <systemd/sd-daemon.h>

static bool session_open;      /* a subagent's session to the master opened at least once */
static bool ready_sent;
static struct timespec last_snapshot;  /* CLOCK_MONOTONIC of the newest published snapshot */
/* Not the callback's client argument: net-snmp's clear_callback() frees that at shutdown. */
static struct lw_agent *served_agent;

static int on_session_open(int major, int minor, void *serverarg, void *clientarg)
{
	struct lw_agent *agent = served_agent;

	(void)clientarg;
	(void)major;
	(void)minor;
	(void)serverarg;
	session_open = true;
	/* The first snapshot may have come before the master answered. */
	if (agent->current != NULL)
		lw_service_snapshot(agent);
	return SNMPERR_SUCCESS;
}

void lw_service_init(struct lw_agent *agent)
{
	clock_gettime(CLOCK_MONOTONIC, &last_snapshot);
	served_agent = agent;
	if (!agent->master)
		snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
				       on_session_open, NULL);
}

void lw_service_snapshot(struct lw_agent *agent)
{
	clock_gettime(CLOCK_MONOTONIC, &last_snapshot);
	if (ready_sent)
		return;
	/*
	 * sd_notify(3): READY=1 when the service is up. Here that is a snapshot to serve and
	 * someone to serve it to: the master's listener (-M, open once lw_agent_setup returned)
	 * or the AgentX session, whose opening registers lwObjects (agentx_reg.c).
	 */
	if (!agent->master && !session_open) {
		(void)sd_notify(0, "STATUS=first snapshot taken; waiting for the AgentX master");
		return;
	}
	ready_sent = true;
	(void)sd_notifyf(0, "READY=1\nSTATUS=serving LEAKWATCH-MIB (%s), interval %u s",
			 agent->master ? "standalone master" : "AgentX subagent",
			 agent->cfg->interval_s);
}

/*
 * WATCHDOG=1 only while collection is alive: a sampler stuck in a collector (a read of /proc
 * that never returns) publishes nothing, and after three intervals without a snapshot the
 * pings stop, so systemd's WatchdogSec= restarts the daemon (systemd.service(5), WatchdogSec=).
 * The main loop running is the other half: the pings come from its timer.
 */
static void watchdog_tick(unsigned int reg, void *arg)
{
	const struct lw_agent *agent = served_agent;
	struct timespec now;
	int64_t age_s, limit_s;

	(void)reg;
	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &now);
	age_s = (int64_t)(now.tv_sec - last_snapshot.tv_sec);
	/* Three intervals, and never less than a minute: a slow cycle on a loaded host is fine. */
	limit_s = 3 * (int64_t)agent->cfg->interval_s;
	if (limit_s < 60)
		limit_s = 60;
	if (age_s <= limit_s)
		(void)sd_notify(0, "WATCHDOG=1");
	else
		(void)sd_notifyf(0, "STATUS=no snapshot for %lld s: collection is stuck",
				 (long long)age_s);
}

void lw_service_start(struct lw_agent *agent)
{
	uint64_t usec = 0;
	unsigned period_s;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return;
	/* Twice per WatchdogSec=, as sd_watchdog_enabled(3) advises; whole seconds for the alarm. */
	period_s = (unsigned)(usec / 2000000u);
	if (period_s == 0)
		period_s = 1;
	(void)sd_notify(0, "WATCHDOG=1");
	(void)agent;
	snmp_alarm_register(period_s, SA_REPEAT, watchdog_tick, NULL);
}

void lw_service_stopping(void)
{
	(void)sd_notify(0, "STOPPING=1");
}

#else /* without libsystemd: a Type=simple unit or none */

void lw_service_init(struct lw_agent *agent)
{
	(void)agent;
}

void lw_service_snapshot(struct lw_agent *agent)
{
	(void)agent;
}

void lw_service_start(struct lw_agent *agent)
{
	(void)agent;
}

void lw_service_stopping(void)
{
}

#endif
