/* igmp.c: /proc/net/igmp (device blocks, host-order hex groups) and /proc/net/igmp6 line parsers. */
/* SPDX-License-Identifier: ISC */
#include "mcast/igmp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/rows.h"
#include "base/scan.h"

LW_ROW_LIST_DEFINE(lw_membership_list, 32)  /* a host joins a handful */

static int append(struct lw_membership_list *l, const struct lw_mcast_membership *m,
		  struct lw_error *err)
{
	if (l->n == l->cap && lw_membership_list_grow(l))
		return lw_error_set(err, ENOMEM, "igmp: out of memory for %zu groups", l->n);
	l->rows[l->n++] = *m;
	return 0;
}

int lw_membership_list_append(struct lw_membership_list *l,
			      const struct lw_membership_list *from)
{
	struct lw_error err;

	for (size_t i = 0; i < from->n; i++)
		if (append(l, &from->rows[i], &err)) {
			l->n -= i;
			return -1;
		}
	return 0;
}

static int key_order(uint32_t ifindex, uint8_t family, const uint8_t group[16],
		     const struct lw_mcast_membership *b)
{
	if (ifindex != b->ifindex)
		return ifindex < b->ifindex ? -1 : 1;
	if (family != b->family)
		return family < b->family ? -1 : 1;
	return memcmp(group, b->group, sizeof(b->group));
}

static int row_order(const void *x, const void *y)
{
	const struct lw_mcast_membership *a = x;

	return key_order(a->ifindex, a->family, a->group, y);
}

void lw_membership_list_sort(struct lw_membership_list *l)
{
	size_t kept = 0;

	if (l->n == 0)
		return;
	qsort(l->rows, l->n, sizeof(l->rows[0]), row_order);
	for (size_t i = 1; i < l->n; i++)
		if (row_order(&l->rows[i], &l->rows[kept]) != 0)
			l->rows[++kept] = l->rows[i];
	l->n = kept + 1;
}

const struct lw_mcast_membership *lw_membership_find(const struct lw_membership_list *l,
						     uint32_t ifindex, uint8_t family,
						     const uint8_t group[16])
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = key_order(ifindex, family, group, &l->rows[mid]);

		if (c == 0)
			return &l->rows[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly n hex digits ending at a blank, newline or the end: into bytes, two a byte. */
static int scan_hex(struct lw_scan *s, uint8_t *out, size_t nbytes)
{
	const char *tok;
	size_t len;

	lw_scan_blanks(s);
	len = lw_scan_token(s, 0, &tok);
	if (len != 2 * nbytes)
		return -1;
	for (size_t i = 0; i < nbytes; i++) {
		int hi = hex_digit(tok[2 * i]), lo = hex_digit(tok[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static bool scan_u32(struct lw_scan *s, uint32_t *v)
{
	uint64_t x;

	lw_scan_blanks(s);
	if (!lw_scan_u64(s, &x) || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return lw_scan_eof(s) || *s->p == ' ' || *s->p == '\t' || *s->p == '\n';
}

/* "IDX NAME": the name up to a blank or stop (':' in igmp), at most 15 characters. */
static int scan_device(struct lw_scan *s, char stop, struct lw_mcast_membership *m,
		       const char *file, unsigned line, struct lw_error *err)
{
	const char *name;
	size_t len;

	if (!scan_u32(s, &m->ifindex))
		return lw_error_set(err, EINVAL, "%s line %u: bad interface index", file, line);
	lw_scan_blanks(s);
	len = lw_scan_token(s, stop, &name);
	if (len == 0 || len >= LW_IFNAME_MAX || memchr(name, '\0', len) != NULL)
		return lw_error_set(err, EINVAL, "%s line %u: bad interface name of %zu bytes",
				    file, line, len);
	memcpy(m->ifname, name, len);
	memset(m->ifname + len, 0, LW_IFNAME_MAX - len);
	return 0;
}

static int igmp_group(struct lw_scan *s, struct lw_mcast_membership *m, unsigned line,
		      struct lw_error *err)
{
	uint8_t hex[4];
	uint32_t host;

	if (scan_hex(s, hex, 4))
		return lw_error_set(err, EINVAL, "igmp line %u: group is not 8 hex digits", line);
	/* The kernel printed the __be32 as a host integer: rebuild that integer, then its
	 * in-memory bytes are the network-order address on this host. */
	host = (uint32_t)hex[0] << 24 | (uint32_t)hex[1] << 16 | (uint32_t)hex[2] << 8 | hex[3];
	memset(m->group, 0, sizeof(m->group));
	memcpy(m->group, &host, 4);
	if (!scan_u32(s, &m->users))
		return lw_error_set(err, EINVAL, "igmp line %u: bad users count", line);
	return 0;
}

static int igmp_parse(const char *buf, size_t len, struct lw_membership_list *l,
		      struct lw_error *err)
{
	struct lw_mcast_membership dev = { .family = 1 };
	bool have_dev = false;
	unsigned line = 1;
	struct lw_scan s;

	lw_scan_init(&s, buf, len);
	if (len < 3 || memcmp(buf, "Idx", 3) != 0)
		return lw_error_set(err, EINVAL, "igmp: no \"Idx\" header line");
	lw_scan_next_line(&s);
	while (!lw_scan_eof(&s)) {
		line++;
		if (*s.p == '\t') {
			if (!have_dev)
				return lw_error_set(err, EINVAL, "igmp line %u: group before any device",
						    line);
			if (igmp_group(&s, &dev, line, err) || append(l, &dev, err))
				return -1;
		} else if (!lw_scan_at_eol(&s)) {
			if (scan_device(&s, ':', &dev, "igmp", line, err))
				return -1;
			lw_scan_blanks(&s);
			if (!lw_scan_char(&s, ':'))
				return lw_error_set(err, EINVAL, "igmp line %u: no ':' after the device",
						    line);
			have_dev = true;
		}
		lw_scan_next_line(&s);
	}
	return 0;
}


static int igmp6_parse(const char *buf, size_t len, struct lw_membership_list *l,
		       struct lw_error *err)
{
	unsigned line = 0;
	struct lw_scan s;

	lw_scan_init(&s, buf, len);
	while (!lw_scan_eof(&s)) {
		struct lw_mcast_membership m = { .family = 2 };

		line++;
		if (!lw_scan_at_eol(&s)) {
			if (scan_device(&s, 0, &m, "igmp6", line, err))
				return -1;
			if (scan_hex(&s, m.group, 16))
				return lw_error_set(err, EINVAL, "igmp6 line %u: group is not 32 hex digits",
						    line);
			if (!scan_u32(&s, &m.users))
				return lw_error_set(err, EINVAL, "igmp6 line %u: bad users count", line);
			if (append(l, &m, err))
				return -1;
		}
		lw_scan_next_line(&s);
	}
	return 0;
}

typedef int file_parser(const char *buf, size_t len, struct lw_membership_list *l,
			struct lw_error *err);

/* The file's rows replace l's; a failed parse leaves l empty, never half a file. */
static int parse_whole(file_parser *parse, const char *buf, size_t len,
		       struct lw_membership_list *l, struct lw_error *err)
{
	l->n = 0;
	if (parse(buf, len, l, err)) {
		l->n = 0;
		return -1;
	}
	return 0;
}

int lw_igmp_parse(const char *buf, size_t len, struct lw_membership_list *l,
		  struct lw_error *err)
{
	return parse_whole(igmp_parse, buf, len, l, err);
}

int lw_igmp6_parse(const char *buf, size_t len, struct lw_membership_list *l,
		   struct lw_error *err)
{
	return parse_whole(igmp6_parse, buf, len, l, err);
}
