/* netcollectors.c: the tcp (sock_diag), sockstat, tcp-limits and tcp-counters collectors. */
#include "net/netcollectors.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/readfile.h"
#include "net/tcpcollect.h"

/* /proc/net/netstat is about 4 KiB on 6.x kernels; room for many more counters (on the stack
 * of the sampler thread, which has the default 8 MiB). */
#define NET_FILE_CAP 32768

int lw_run_tcp(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err)
{
	(void)sys;
	/* Created on first use and again after a SIGHUP that changed tcp_top or tcp_max_ports. */
	if (*ctx->tcp == NULL && lw_tcp_collector_new(ctx->tcp_cfg->max_ports, ctx->tcp_cfg->top_n,
						      ctx->tcp, err))
		return -1;
	if (lw_tcp_collect(*ctx->tcp, ctx->tcp_out, err))
		return -1;
	if (ctx->tcp_out->ports_dropped > 0)
		snprintf(ctx->notice, ctx->notice_cap,
			 "%llu listening ports beyond tcp_max_ports %u are not in lwTcpPortStateTable",
			 (unsigned long long)ctx->tcp_out->ports_dropped, ctx->tcp_cfg->max_ports);
	return 0;
}

/* Reads relpath; a missing file sets *missing instead of failing. */
static int read_optional(int rootfd, const char *relpath, char *buf, size_t cap, size_t *len,
			 bool *missing, struct lw_error *err)
{
	*missing = false;
	if (lw_read_file_at(rootfd, relpath, buf, cap, len, err) == 0)
		return 0;
	if (err->code != ENOENT)
		return -1;
	lw_error_clear(err);
	*missing = true;
	return 0;
}

int lw_run_sockstat(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err)
{
	char buf[NET_FILE_CAP];
	struct lw_sockstat ss = { 0 };
	size_t len;
	bool missing;

	if (lw_read_file_at(ctx->rootfd, "proc/net/sockstat", buf, sizeof(buf), &len, err) ||
	    lw_sockstat_parse(buf, len, &ss, err))
		return -1;
	/* Absent on a kernel without IPv6: its objects read noSuchInstance, nothing fails. */
	if (read_optional(ctx->rootfd, "proc/net/sockstat6", buf, sizeof(buf), &len, &missing,
			  err))
		return -1;
	if (!missing && lw_sockstat6_parse(buf, len, &ss, err))
		return -1;
	if (missing)
		snprintf(ctx->notice, ctx->notice_cap, "no /proc/net/sockstat6 (kernel without IPv6)");
	sys->sock.sockstat = ss;
	return 0;
}

int lw_run_tcp_limits(const struct lw_collect_ctx *ctx, struct lw_system *sys,
		      struct lw_error *err)
{
	static const enum lw_tcp_limit files[] = { LW_TL_MEM_MIN, LW_TL_MAX_ORPHANS,
						   LW_TL_MAX_TW_BUCKETS };
	struct lw_tcp_limits lim = { 0 };
	char absent[128] = "";

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *name = lw_tcp_limit_name(files[i]);
		char path[64], buf[256];
		size_t len;
		bool missing;
		int rc;

		snprintf(path, sizeof(path), "proc/sys/net/ipv4/%s", name);
		if (read_optional(ctx->rootfd, path, buf, sizeof(buf), &len, &missing, err))
			return -1;
		if (missing) {
			/* tcp_mem and tcp_max_orphans are host-wide: a child namespace has neither. */
			size_t used = strlen(absent);

			snprintf(absent + used, sizeof(absent) - used, "%s%s", used ? ", " : "", name);
			continue;
		}
		rc = files[i] == LW_TL_MEM_MIN ? lw_tcp_mem_parse(buf, len, &lim, err)
					       : lw_tcp_limit_parse(buf, len, files[i], &lim, err);
		if (rc)
			return -1;
	}
	if (lim.present == 0)
		return lw_error_set(err, ENOENT, "no TCP limit under proc/sys/net/ipv4 (%s)", absent);
	if (absent[0] != '\0')
		snprintf(ctx->notice, ctx->notice_cap,
			 "%s not visible (a network namespace other than the host's)", absent);
	sys->sock.limits = lim;
	return 0;
}

int lw_run_tcp_counters(const struct lw_collect_ctx *ctx, struct lw_system *sys,
			struct lw_error *err)
{
	char buf[NET_FILE_CAP];
	struct lw_netstat ns = { 0 };
	size_t len;

	if (lw_read_file_at(ctx->rootfd, "proc/net/snmp", buf, sizeof(buf), &len, err) ||
	    lw_net_snmp_parse(buf, len, &ns, err) ||
	    lw_read_file_at(ctx->rootfd, "proc/net/netstat", buf, sizeof(buf), &len, err) ||
	    lw_netstat_parse(buf, len, &ns, err))
		return -1;
	sys->sock.counters = ns;
	return 0;
}
