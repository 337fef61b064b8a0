/* sockstat.c: table-driven /proc/net/sockstat{,6} parser, usage ratios, and its collector. */
/* SPDX-License-Identifier: ISC */
#include "net/sockstat.h"

#include <errno.h>
#include <string.h>

#include "base/scan.h"
#include <stdio.h>
#include "base/readfile.h"
#include "cycle/collector.h"

struct ss_name {
	const char *prefix;
	const char *key;
	bool v6;  /* printed in sockstat6, so owned by lw_sockstat6_parse */
};

static const struct ss_name names[LW_SS_COUNT] = {
	[LW_SS_SOCKETS_USED] = { "sockets", "used", false },
	[LW_SS_TCP_INUSE] = { "TCP", "inuse", false },
	[LW_SS_TCP_ORPHAN] = { "TCP", "orphan", false },
	[LW_SS_TCP_TW] = { "TCP", "tw", false },
	[LW_SS_TCP_ALLOC] = { "TCP", "alloc", false },
	[LW_SS_TCP_MEM] = { "TCP", "mem", false },
	[LW_SS_UDP_INUSE] = { "UDP", "inuse", false },
	[LW_SS_UDP_MEM] = { "UDP", "mem", false },
	[LW_SS_UDPLITE_INUSE] = { "UDPLITE", "inuse", false },
	[LW_SS_RAW_INUSE] = { "RAW", "inuse", false },
	[LW_SS_FRAG_INUSE] = { "FRAG", "inuse", false },
	[LW_SS_FRAG_MEMORY] = { "FRAG", "memory", false },
	[LW_SS_TCP6_INUSE] = { "TCP6", "inuse", true },
	[LW_SS_UDP6_INUSE] = { "UDP6", "inuse", true },
	[LW_SS_UDPLITE6_INUSE] = { "UDPLITE6", "inuse", true },
	[LW_SS_RAW6_INUSE] = { "RAW6", "inuse", true },
	[LW_SS_FRAG6_INUSE] = { "FRAG6", "inuse", true },
	[LW_SS_FRAG6_MEMORY] = { "FRAG6", "memory", true },
};

const char *lw_sockstat_prefix(enum lw_sockstat_field f)
{
	return (unsigned)f < LW_SS_COUNT ? names[f].prefix : "?";
}

const char *lw_sockstat_key(enum lw_sockstat_field f)
{
	return (unsigned)f < LW_SS_COUNT ? names[f].key : "?";
}

/* True if some field of this file is printed on lines starting with prefix. */
static bool known_prefix(bool v6, const char *prefix, size_t plen)
{
	for (int f = 0; f < LW_SS_COUNT; f++)
		if (names[f].v6 == v6 && lw_token_is(prefix, plen, names[f].prefix))
			return true;
	return false;
}

static int field_by_key(bool v6, const char *prefix, size_t plen, const char *key, size_t klen)
{
	for (int f = 0; f < LW_SS_COUNT; f++)
		if (names[f].v6 == v6 && lw_token_is(prefix, plen, names[f].prefix) &&
		    lw_token_is(key, klen, names[f].key))
			return f;
	return -1;
}

static uint64_t owned_mask(bool v6)
{
	uint64_t mask = 0;

	for (int f = 0; f < LW_SS_COUNT; f++)
		if (names[f].v6 == v6)
			mask |= UINT64_C(1) << f;
	return mask;
}

/* A number must end at a blank or the end of the line: "12x" is not 12. */
static bool scan_value(struct lw_scan *s, uint64_t *v)
{
	lw_scan_blanks(s);
	if (!lw_scan_u64(s, v))
		return false;
	return lw_scan_eof(s) || *s->p == ' ' || *s->p == '\t' || *s->p == '\n';
}

struct ss_line {
	const char *file;    /* "sockstat", for error texts */
	unsigned no;
	const char *prefix;
	size_t plen;
};

/* The "key value" pairs after "Prefix:"; unknown keys are skipped but their value checked. */
static int parse_pairs(struct lw_scan *s, bool v6, const struct ss_line *ln,
		       struct lw_sockstat *out, struct lw_error *err)
{
	while (!lw_scan_at_eol(s)) {
		const char *key;
		size_t klen = lw_scan_token(s, 0, &key);
		uint64_t v;
		int f;

		if (!scan_value(s, &v))
			return lw_error_set(err, EINVAL, "%s line %u (%.*s): bad number after '%.*s'",
					    ln->file, ln->no, (int)(ln->plen > 16 ? 16 : ln->plen),
					    ln->prefix, (int)(klen > 32 ? 32 : klen), key);
		f = field_by_key(v6, ln->prefix, ln->plen, key, klen);
		if (f >= 0) {
			out->v[f] = v;
			out->present |= UINT64_C(1) << f;
		}
	}
	return 0;
}

static int parse_file(const char *buf, size_t len, bool v6, struct lw_sockstat *out,
		      struct lw_error *err)
{
	struct ss_line ln = { v6 ? "sockstat6" : "sockstat", 0, NULL, 0 };
	uint64_t mask = owned_mask(v6);
	struct lw_sockstat v = *out;
	struct lw_scan s;

	/* Only this file's fields are replaced: the other file's stay as the caller left them. */
	for (int f = 0; f < LW_SS_COUNT; f++)
		if ((mask >> f) & 1u)
			v.v[f] = 0;
	v.present &= ~mask;
	lw_scan_init(&s, buf, len);
	while (!lw_scan_eof(&s)) {
		ln.no++;
		ln.plen = lw_scan_token(&s, ':', &ln.prefix);
		/* Lines of other protocols (future kernels, "MPTCP:") are not ours to judge. */
		if (lw_scan_char(&s, ':') && known_prefix(v6, ln.prefix, ln.plen) &&
		    parse_pairs(&s, v6, &ln, &v, err))
			return -1;
		lw_scan_next_line(&s);
	}
	if ((v.present & mask) == 0)
		return lw_error_set(err, EINVAL, "%s: no known field", ln.file);
	*out = v;
	return 0;
}

int lw_sockstat_parse(const char *buf, size_t len, struct lw_sockstat *out, struct lw_error *err)
{
	return parse_file(buf, len, false, out, err);
}

int lw_sockstat6_parse(const char *buf, size_t len, struct lw_sockstat *out, struct lw_error *err)
{
	return parse_file(buf, len, true, out, err);
}

/* r = (r * 10) % den, returning (r * 10) / den, for r < den: r * 10 itself may not fit. */
static unsigned next_digit(uint64_t *r, uint64_t den)
{
	uint64_t acc = 0;
	unsigned q = 0;

	/* Ten additions of r modulo den; comparing against den - r avoids the overflowing sum. */
	for (int i = 0; i < 10; i++) {
		if (acc >= den - *r) {
			acc -= den - *r;
			q++;
		} else {
			acc += *r;
		}
	}
	*r = acc;
	return q;
}

bool lw_ratio_hundredths(uint64_t num, uint64_t den, uint32_t *out)
{
	uint64_t whole, r, v;

	if (den == 0)
		return false;
	whole = num / den;
	r = num % den;
	/* Past 429496 whole times the limit, the result is over UINT32_MAX anyway. */
	if (whole > UINT32_MAX / 10000) {
		*out = UINT32_MAX;
		return true;
	}
	v = whole;
	for (int i = 0; i < 4; i++)
		v = v * 10 + next_digit(&r, den);
	*out = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	return true;
}

static void one_percent(struct lw_sockmem_pct *out, enum lw_sockmem_pct_field p,
			const struct lw_sockstat *ss, enum lw_sockstat_field use,
			const struct lw_tcp_limits *lim, enum lw_tcp_limit limit)
{
	if (lw_sockstat_has(ss, use) && lw_tcp_limits_has(lim, limit) &&
	    lw_ratio_hundredths(ss->v[use], lim->v[limit], &out->v[p]))
		out->known |= UINT64_C(1) << p;
}

void lw_sockmem_percents(const struct lw_sockstat *ss, const struct lw_tcp_limits *lim,
			 struct lw_sockmem_pct *out)
{
	memset(out, 0, sizeof(*out));
	one_percent(out, LW_PCT_TCP_ORPHAN, ss, LW_SS_TCP_ORPHAN, lim, LW_TL_MAX_ORPHANS);
	one_percent(out, LW_PCT_TCP_MEM_PRESSURE, ss, LW_SS_TCP_MEM, lim, LW_TL_MEM_PRESSURE);
	one_percent(out, LW_PCT_TCP_MEM_MAX, ss, LW_SS_TCP_MEM, lim, LW_TL_MEM_MAX);
	one_percent(out, LW_PCT_TCP_TW, ss, LW_SS_TCP_TW, lim, LW_TL_MAX_TW_BUCKETS);
}

/* sockstat is a few hundred bytes; room for many more protocols. */
#define SOCKSTAT_FILE_CAP 32768

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	char buf[SOCKSTAT_FILE_CAP];
	struct lw_sockstat ss = { 0 };
	size_t len;
	bool missing;

	if (lw_read_file_at(ctx->rootfd, "proc/net/sockstat", buf, sizeof(buf), &len, err) ||
	    lw_sockstat_parse(buf, len, &ss, err))
		return -1;
	/* Absent on a kernel without IPv6: its objects read noSuchInstance, nothing fails. */
	if (lw_read_optional_at(ctx->rootfd, "proc/net/sockstat6", buf, sizeof(buf), &len,
				&missing, err))
		return -1;
	if (!missing && lw_sockstat6_parse(buf, len, &ss, err))
		return -1;
	if (missing)
		snprintf(ctx->notice, ctx->notice_cap, "no /proc/net/sockstat6 (kernel without IPv6)");
	*(struct lw_sockstat *)ctx->part = ss;  /* whole or not at all */
	return 0;
}

const struct lw_collector lw_sockstat_collector = { sizeof(struct lw_sockstat), collect, NULL };
