/* netstat.c: header/value line pairs of /proc/net/{snmp,netstat} by column; their collector. */
/* SPDX-License-Identifier: ISC */
#include "net/netstat.h"

#include <errno.h>
#include <string.h>

#include "base/readfile.h"
#include "base/scan.h"
#include "cycle/collector.h"

static const struct {
	const char *prefix;
	const char *name;
} names[LW_NS_COUNT] = {
	[LW_NS_TCP_ACTIVE_OPENS] = { "Tcp", "ActiveOpens" },
	[LW_NS_TCP_PASSIVE_OPENS] = { "Tcp", "PassiveOpens" },
	[LW_NS_TCP_ATTEMPT_FAILS] = { "Tcp", "AttemptFails" },
	[LW_NS_TCP_ESTAB_RESETS] = { "Tcp", "EstabResets" },
	[LW_NS_TCP_CURR_ESTAB] = { "Tcp", "CurrEstab" },
	[LW_NS_TCP_RETRANS_SEGS] = { "Tcp", "RetransSegs" },
	[LW_NS_TCPEXT_LISTEN_OVERFLOWS] = { "TcpExt", "ListenOverflows" },
	[LW_NS_TCPEXT_LISTEN_DROPS] = { "TcpExt", "ListenDrops" },
	[LW_NS_TCPEXT_TCP_ABORT_ON_MEMORY] = { "TcpExt", "TCPAbortOnMemory" },
	[LW_NS_TCPEXT_TCP_MEMORY_PRESSURES] = { "TcpExt", "TCPMemoryPressures" },
};

const char *lw_netstat_prefix(enum lw_netstat_field f)
{
	return (unsigned)f < LW_NS_COUNT ? names[f].prefix : "?";
}

const char *lw_netstat_name(enum lw_netstat_field f)
{
	return (unsigned)f < LW_NS_COUNT ? names[f].name : "?";
}

/* Where the parser is, for error texts. */
struct ns_pos {
	const char *file;    /* "snmp" or "netstat" */
	const char *prefix;  /* the one prefix this file is parsed for */
	unsigned line;
};

static int field_by_name(const char *prefix, const char *name, size_t len)
{
	for (int f = 0; f < LW_NS_COUNT; f++)
		if (strcmp(names[f].prefix, prefix) == 0 && lw_token_is(name, len, names[f].name))
			return f;
	return -1;
}

/* Moves s past "prefix:" if the line starts with it; exact, so "Tcp" does not take "TcpExt:". */
static bool take_prefix(struct lw_scan *s, const char *prefix)
{
	struct lw_scan t = *s;
	const char *tok;
	size_t n = lw_scan_token(&t, ':', &tok);

	if (!lw_token_is(tok, n, prefix) || !lw_scan_char(&t, ':'))
		return false;
	*s = t;
	return true;
}

/* "[-]digits" ending at a blank or the line's end; the sign is for columns like Tcp MaxConn. */
static bool scan_value(struct lw_scan *s, uint64_t *v, bool *negative)
{
	*negative = lw_scan_char(s, '-');
	if (!lw_scan_u64(s, v))
		return false;
	return lw_scan_eof(s) || *s->p == ' ' || *s->p == '\t' || *s->p == '\n';
}

static int count_mismatch(const struct ns_pos *pos, bool names_done, struct lw_error *err)
{
	return lw_error_set(err, EINVAL, "%s line %u: %s has %s values than names", pos->file,
			    pos->line, pos->prefix, names_done ? "more" : "fewer");
}

/* Walks the header's names and the value line's numbers side by side. */
static int parse_columns(struct lw_scan *hdr, struct lw_scan *vals, const struct ns_pos *pos,
			 struct lw_netstat *out, struct lw_error *err)
{
	for (unsigned col = 1;; col++) {
		bool names_done = lw_scan_at_eol(hdr), vals_done = lw_scan_at_eol(vals);
		const char *name;
		size_t nlen;
		uint64_t v;
		bool negative;
		int f;

		if (names_done || vals_done)
			return names_done == vals_done ? 0 : count_mismatch(pos, names_done, err);
		nlen = lw_scan_token(hdr, 0, &name);
		if (!scan_value(vals, &v, &negative))
			return lw_error_set(err, EINVAL, "%s line %u: bad number in %s column %u (%.*s)",
					    pos->file, pos->line, pos->prefix, col,
					    (int)(nlen > 32 ? 32 : nlen), name);
		f = field_by_name(pos->prefix, name, nlen);
		if (f < 0)
			continue;
		if (negative)
			return lw_error_set(err, EINVAL, "%s line %u: negative %s %s", pos->file,
					    pos->line, pos->prefix, names[f].name);
		out->v[f] = v;
		out->present |= UINT64_C(1) << f;
	}
}

static void clear_prefix(struct lw_netstat *n, const char *prefix)
{
	for (int f = 0; f < LW_NS_COUNT; f++) {
		if (strcmp(names[f].prefix, prefix) != 0)
			continue;
		n->v[f] = 0;
		n->present &= ~(UINT64_C(1) << f);
	}
}

static int parse_file(const char *buf, size_t len, const char *file, const char *prefix,
		      struct lw_netstat *out, struct lw_error *err)
{
	struct ns_pos pos = { file, prefix, 0 };
	struct lw_netstat n = *out;
	struct lw_scan s;
	bool found = false;

	clear_prefix(&n, prefix);
	lw_scan_init(&s, buf, len);
	while (!lw_scan_eof(&s)) {
		struct lw_scan hdr;

		pos.line++;
		if (!take_prefix(&s, prefix)) {
			lw_scan_next_line(&s);
			continue;
		}
		hdr = s;
		lw_scan_next_line(&s);
		pos.line++;
		if (lw_scan_eof(&s) || !take_prefix(&s, prefix))
			return lw_error_set(err, EINVAL, "%s line %u: %s header without a value line",
					    file, pos.line - 1, prefix);
		if (parse_columns(&hdr, &s, &pos, &n, err))
			return -1;
		found = true;
		lw_scan_next_line(&s);
	}
	if (!found)
		return lw_error_set(err, EINVAL, "%s: no %s lines", file, prefix);
	*out = n;
	return 0;
}

int lw_net_snmp_parse(const char *buf, size_t len, struct lw_netstat *out, struct lw_error *err)
{
	return parse_file(buf, len, "snmp", "Tcp", out, err);
}

int lw_netstat_parse(const char *buf, size_t len, struct lw_netstat *out, struct lw_error *err)
{
	return parse_file(buf, len, "netstat", "TcpExt", out, err);
}

/* /proc/net/netstat is about 4 KiB on 6.x kernels; room for many more counters (on the stack
 * of the sampler thread, which has the default 8 MiB). */
#define NET_FILE_CAP 32768

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	char buf[NET_FILE_CAP];
	struct lw_netstat ns = { 0 };
	size_t len;

	if (lw_read_file_at(ctx->rootfd, "proc/net/snmp", buf, sizeof(buf), &len, err) ||
	    lw_net_snmp_parse(buf, len, &ns, err) ||
	    lw_read_file_at(ctx->rootfd, "proc/net/netstat", buf, sizeof(buf), &len, err) ||
	    lw_netstat_parse(buf, len, &ns, err))
		return -1;
	*(struct lw_netstat *)ctx->part = ns;
	return 0;
}

const struct lw_collector lw_net_snmp_collector = { sizeof(struct lw_netstat), collect, NULL };
