/* agentx_session.c: the subagent's session to its master: why it cannot connect, and its close. */
/* SPDX-License-Identifier: ISC */
#include "agentx_session.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <net-snmp/agent/agent_callbacks.h>

/* net-snmp's agentx/subagent.h and agentx/client.h (libnetsnmpagent); not installed. */
void agentx_unregister_callbacks(netsnmp_session *ss);
int agentx_close_session(netsnmp_session *ss, int why);
#define LW_AGENTX_CLOSE_SHUTDOWN 5  /* RFC 2741 6.2.2: reasonShutdown */

/* net-snmp's default master socket (NETSNMP_AGENTX_SOCKET). */
#define DEFAULT_SOCKET "/var/agentx/master"
#define TCP_PROBE_TIMEOUT_MS 1000

static netsnmp_session *current;   /* between SNMPD_CALLBACK_INDEX_START and _STOP */
static char spec[256];             /* the socket as given: unix:/path, /path, tcp:host:port */
static char last_reason[512];      /* the reason logged last; "" after a connection */

static int on_open(int major, int minor, void *serverarg, void *clientarg)
{
	(void)major;
	(void)minor;
	(void)clientarg;
	current = serverarg;
	last_reason[0] = '\0';
	return SNMPERR_SUCCESS;
}

static int on_lost(int major, int minor, void *serverarg, void *clientarg)
{
	(void)major;
	(void)minor;
	(void)clientarg;
	if (serverarg == current)
		current = NULL;
	return SNMPERR_SUCCESS;
}

netsnmp_session *lw_agentx_session_current(void)
{
	return current;
}

void lw_agentx_session_watch(struct lw_agent *agent, const char *socket_spec)
{
	(void)agent;
	snprintf(spec, sizeof(spec), "%s", socket_spec != NULL && *socket_spec != '\0'
					       ? socket_spec : DEFAULT_SOCKET);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS,
			       1);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, on_open,
			       NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, on_lost,
			       NULL);
}

/*
 * Why a connect(2) to path fails, with the directory or file at fault when it is a
 * permission: a socket needs search permission on every directory above it and write
 * permission on itself (unix(7), "Pathname socket ownership and permissions").
 */
static void unix_reason(const char *path, char *out, size_t cap)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	struct stat st;
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(out, cap, "the path is longer than %zu bytes", sizeof(sa.sun_path) - 1);
		return;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(out, cap, "socket: %s", strerror(errno));
		return;
	}
	e = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : errno;
	close(fd);
	if (e == 0) {
		/* Up now: net-snmp connects at its next attempt. */
		out[0] = '\0';
		return;
	}
	if (e != EACCES) {
		snprintf(out, cap, "%s%s", strerror(e),
			 e == ECONNREFUSED ? " (a socket file that no master listens on)" : "");
		return;
	}
	/* The first directory that cannot be searched, else the socket itself. */
	for (size_t i = 1; path[i] != '\0'; i++) {
		if (path[i] != '/')
			continue;
		memcpy(dir, path, i);
		dir[i] = '\0';
		if (access(dir, X_OK) != 0 && stat(dir, &st) == 0) {
			snprintf(out, cap, "%s (directory %s is mode %04o, owner uid %u gid %u; "
				 "leakwatchd runs as uid %u gid %u)", strerror(e), dir,
				 st.st_mode & 07777, st.st_uid, st.st_gid, getuid(), getgid());
			return;
		}
	}
	if (stat(path, &st) == 0)
		snprintf(out, cap, "%s (socket mode %04o, owner uid %u gid %u; leakwatchd runs as "
			 "uid %u gid %u)", strerror(e), st.st_mode & 07777, st.st_uid, st.st_gid,
			 getuid(), getgid());
	else
		snprintf(out, cap, "%s", strerror(e));
}

/* A TCP connect of at most a second: the reason, "" when it connects. */
static void tcp_reason(const char *hostport, char *out, size_t cap)
{
	char host[256];
	const char *colon = strrchr(hostport, ':');
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	int fd, rc, e = 0;

	if (colon == NULL || (size_t)(colon - hostport) >= sizeof(host)) {
		snprintf(out, cap, "not HOST:PORT");
		return;
	}
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = '\0';
	rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc != 0) {
		snprintf(out, cap, "%s", gai_strerror(rc));
		return;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		e = errno;
	} else if (connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		e = errno;
		if (e == EINPROGRESS) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			socklen_t len = sizeof(e);

			if (poll(&p, 1, TCP_PROBE_TIMEOUT_MS) == 1)
				getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
			else
				e = ETIMEDOUT;
		}
	}
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	if (e == 0)
		out[0] = '\0';
	else
		snprintf(out, cap, "%s", strerror(e));
}

static void check(unsigned int reg, void *arg)
{
	char reason[sizeof(last_reason)];
	int ping = netsnmp_ds_get_int(NETSNMP_DS_APPLICATION_ID,
				      NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL);

	(void)reg;
	(void)arg;
	if (current != NULL)
		return;
	if (strncmp(spec, "unix:", 5) == 0)
		unix_reason(spec + 5, reason, sizeof(reason));
	else if (spec[0] == '/')
		unix_reason(spec, reason, sizeof(reason));
	else if (strncmp(spec, "tcp:", 4) == 0)
		tcp_reason(spec + 4, reason, sizeof(reason));
	else
		snprintf(reason, sizeof(reason), "no connection");
	if (reason[0] == '\0' || strcmp(reason, last_reason) == 0)
		return;
	snprintf(last_reason, sizeof(last_reason), "%s", reason);
	snmp_log(LOG_WARNING, "cannot connect to the AgentX master at %s: %s; retrying every %d "
		 "s, logged again only when the reason changes\n", spec, reason, ping);
}

void lw_agentx_session_diagnose_start(void)
{
	int ping = netsnmp_ds_get_int(NETSNMP_DS_APPLICATION_ID,
				      NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL);

	/* net-snmp tried once in init_snmp(), and tries again every ping interval. */
	check(0, NULL);
	snmp_alarm_register(ping > 0 ? (unsigned)ping : 5, SA_REPEAT, check, NULL);
}

void lw_agentx_session_close(void)
{
	netsnmp_session *ss = current;

	if (ss == NULL)
		return;
	/* A master lost during the Close: "not reconnecting" rather than a reconnection alarm. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, 0);
	/* What net-snmp's own shutdown callback (subagent_shutdown) would do, in this order: its
	 * callbacks first, so that it does nothing more at snmp_shutdown(). */
	agentx_unregister_callbacks(ss);
	agentx_close_session(ss, LW_AGENTX_CLOSE_SHUTDOWN);
	if (current == NULL)
		return;  /* lost during the Close: net-snmp has let go of it; snmp_shutdown frees it */
	current = NULL;
	/* The ping alarm, whose handle net-snmp keeps in securityModel (agentx/subagent.c). */
	if (ss->securityModel != SNMP_DEFAULT_SECMODEL)
		snmp_alarm_unregister((unsigned)ss->securityModel);
	remove_trap_session(ss);
	snmp_close(ss);
}
