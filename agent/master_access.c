/* master_access.c: the standalone master's VACM views, communities, SNMPv3 users and private state. */
/* SPDX-License-Identifier: ISC */
#include "master_access.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "lw_oids.h"
#include "snmp_values.h"

/* SNMPv2-MIB's system group (RFC 3418): what a manager's discovery reads. */
static const oid system_group[] = { 1, 3, 6, 1, 2, 1, 1 };
static const oid leakwatch_mib[] = { LW_MIB_ROOT };

/* VACM view names (RFC 3415); every access line names one of them, never the whole tree. */
#define VIEW_READ "lwRead"
#define VIEW_WRITE "lwWrite"

/* The net-snmp configuration line: net-snmp parses it during init_snmp() (read_config.c). */
static void remember(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void remember(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	netsnmp_config_remember(line);
}

/*
 * A word as net-snmp's copy_nword() reads it back exactly: in double quotes, with '\' and '"'
 * escaped, so a passphrase or community with those characters is not altered.
 */
static const char *quoted(const char *s, char *buf, size_t cap)
{
	size_t n = 0;

	buf[n++] = '"';
	for (; *s != '\0' && n + 3 < cap; s++) {
		if (*s == '\\' || *s == '"')
			buf[n++] = '\\';
		buf[n++] = *s;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

void lw_master_state_setup(const struct lw_agent *agent)
{
	char dir[sizeof(agent->cfg->state_dir) + 8];

	snprintf(dir, sizeof(dir), "%s/snmp", agent->cfg->state_dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snmp_log(LOG_WARNING, "%s: %s; the SNMP engine ID and boots are not kept across "
			 "restarts\n", dir, strerror(errno));
		return;
	}
	/*
	 * Where net-snmp reads its own configuration files (SNMPCONFPATH alone, read_config.c
	 * read_config_files_of_type) and keeps its state (the persistent directory; never a
	 * SNMP_PERSISTENT_FILE of the environment): this directory and nothing else.
	 */
	setenv("SNMPCONFPATH", dir, 1);
	unsetenv("SNMP_PERSISTENT_FILE");
	set_persistent_directory(dir);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 0);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 0);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 0);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 0);
}

static void remember_views(void)
{
	char text[128];

	/* a leading dot: the OID from the root, not below a default prefix */
	lw_oid_text(system_group, OID_LENGTH(system_group), text, sizeof(text));
	remember("view " VIEW_READ " included .%s", text);
	lw_oid_text(leakwatch_mib, OID_LENGTH(leakwatch_mib), text, sizeof(text));
	remember("view " VIEW_READ " included .%s", text);
	/* Writes reach lwThresholds only: never sysContact and the like, which net-snmp persists. */
	remember("view " VIEW_WRITE " included .%s", text);
}

static void remember_communities(const struct lw_config *cfg)
{
	char q[2 * sizeof(cfg->communities[0].name) + 3];

	for (size_t i = 0; i < cfg->ncommunities; i++) {
		const struct lw_community *c = &cfg->communities[i];
		const char *token = c->family == AF_INET6 ? "rocommunity6" : "rocommunity";

		/* net-snmp's VACM parser turns this into com2sec, group and access (SNMPv1, v2c). */
		remember("%s %s %s -V " VIEW_READ, token, quoted(c->name, q, sizeof(q)),
			 c->source[0] ? c->source : "default");
	}
}

static void remember_users(const struct lw_v3users *v3)
{
	char qn[2 * LW_V3_NAME_MAX + 3], qa[2 * LW_V3_PASS_MAX + 3], qp[2 * LW_V3_PASS_MAX + 3];

	for (size_t i = 0; i < v3->nusers; i++) {
		const struct lw_v3user *u = &v3->users[i];

		quoted(u->name, qn, sizeof(qn));
		quoted(u->authpass, qa, sizeof(qa));
		if (u->priv == LW_V3_PRIV_NONE)
			remember("createUser %s %s %s", qn, lw_v3_auth_name(u->auth), qa);
		else
			remember("createUser %s %s %s %s %s", qn, lw_v3_auth_name(u->auth), qa,
				 lw_v3_priv_name(u->priv), quoted(u->privpass, qp, sizeof(qp)));
	}
	for (size_t i = 0; i < v3->naccess; i++) {
		const struct lw_v3access *a = &v3->access[i];

		/* One group per line; "auth" admits authNoPriv and authPriv, "priv" only authPriv
		 * (vacmAccessSecurityLevel is a minimum, RFC 3415 4). */
		remember("group lwUser%zu usm %s", i, quoted(a->name, qn, sizeof(qn)));
		remember("access lwUser%zu \"\" usm %s exact " VIEW_READ " %s none", i,
			 a->level == LW_V3_LEVEL_PRIV ? "priv" : "auth",
			 a->write ? VIEW_WRITE : "none");
	}
}

void lw_master_access_remember(const struct lw_agent *agent)
{
	const struct lw_config *cfg = agent->cfg;

	remember_views();
	remember_communities(cfg);
	remember_users(&cfg->v3);
	/*
	 * Nobody has access: an access row no group reaches, so that net-snmp's own warning
	 * (which points at /etc/snmp and snmpconf) gives way to lw_master_access_started's.
	 */
	if (cfg->ncommunities == 0 && cfg->v3.naccess == 0)
		remember("access lwNobody \"\" any noauth exact none none none");
	/* The trap2sink lines are sessions of trapsend.c, which sends SNMPv2 notifications only. */
	/* The software, not the host's kernel build (net-snmp's default is uname's). */
	remember("sysDescr leakwatchd %s (LEAKWATCH-MIB standalone agent)", LW_VERSION);
}

static bool configured_user(const struct lw_v3users *v3, const char *name)
{
	return name != NULL && lw_v3users_find(v3, name) != NULL;
}

void lw_master_access_started(const struct lw_agent *agent)
{
	const struct lw_config *cfg = agent->cfg;
	struct usmUser *u = usm_get_userList(), *next;
	struct stat st;

	/*
	 * The users are leakwatchd.conf's, re-created at every start: none is saved (a saved key
	 * would outlive a changed passphrase), and none from elsewhere is kept.
	 */
	for (; u != NULL; u = next) {
		next = u->next;
		if (configured_user(&cfg->v3, u->name)) {
			u->userStorageType = ST_READONLY;
		} else {
			snmp_log(LOG_WARNING, "SNMPv3 user '%s' is not in the configuration: removed\n",
				 u->name);
			usm_remove_user(u);
			usm_free_user(u);
		}
	}
	/* snmpEngineBoots must grow at every start (RFC 3414 2.2.2): stored now, not at exit. */
	snmp_store("leakwatchd");
	if (cfg->ncommunities == 0 && cfg->v3.naccess == 0)
		snmp_log(LOG_WARNING, "standalone master: no rocommunity, rouser or rwuser in %s; "
			 "every request is refused\n",
			 agent->config_path ? agent->config_path : "the configuration");
	if (cfg->v3.nusers > 0 && agent->config_path != NULL &&
	    stat(agent->config_path, &st) == 0 && (st.st_mode & S_IROTH))
		snmp_log(LOG_WARNING, "%s holds SNMPv3 passphrases and every user can read it "
			 "(mode %04o); chmod o-r is advised\n", agent->config_path,
			 (unsigned)(st.st_mode & 07777));
}
