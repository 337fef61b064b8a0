/* lwn_range.c: threshold ranges ([@][start:][end]), states and perfdata formatting of check_leakwatch. */
/* SPDX-License-Identifier: ISC */
#include "lwn_range.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A whole decimal number of the string, finite: strtod alone takes "inf", "nan" and hex. */
static int parse_number(const char *s, size_t n, double *out)
{
	char tmp[48];
	char *end;
	size_t i;

	if (n == 0 || n >= sizeof tmp)
		return -1;
	for (i = 0; i < n; i++)
		if (!strchr("0123456789.-+eE", s[i]))
			return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	*out = strtod(tmp, &end);
	if (errno != 0 || *end != '\0' || !isfinite(*out))
		return -1;
	return 0;
}

int lwn_range_parse(const char *s, lwn_range *r, char *err, size_t errlen)
{
	const char *p = s, *colon;

	memset(r, 0, sizeof *r);
	if (strlen(s) >= sizeof r->text) {
		snprintf(err, errlen, "threshold range '%.40s...' is too long", s);
		return -1;
	}
	if (*p == '@') {
		r->inside = 1;
		p++;
	}
	colon = strchr(p, ':');
	if (colon) {
		if (colon - p == 1 && *p == '~')
			r->low_inf = 1;
		else if (colon == p)
			r->low = 0;         /* ":10" reads as "0:10" */
		else if (parse_number(p, (size_t)(colon - p), &r->low) != 0)
			goto bad;
		p = colon + 1;
		if (*p == '\0')
			r->high_inf = 1;
		else if (parse_number(p, strlen(p), &r->high) != 0)
			goto bad;
	} else {
		if (parse_number(p, strlen(p), &r->high) != 0)
			goto bad;
		r->low = 0;
	}
	if (!r->low_inf && !r->high_inf && r->low > r->high) {
		snprintf(err, errlen, "threshold range '%s': start is greater than end", s);
		return -1;
	}
	r->set = 1;
	snprintf(r->text, sizeof r->text, "%s", s);
	return 0;
bad:
	snprintf(err, errlen, "threshold range '%s' is not [@][start:][end] (e.g. 80, 10:, ~:5, @10:20)", s);
	return -1;
}

int lwn_range_alert(const lwn_range *r, double v)
{
	int within;

	if (!r->set)
		return 0;
	within = (r->low_inf || v >= r->low) && (r->high_inf || v <= r->high);
	return r->inside ? within : !within;
}

static int label_known(const char *label, size_t n, const char *const *known)
{
	int i;

	for (i = 0; known[i]; i++)
		if (strlen(known[i]) == n && strncmp(known[i], label, n) == 0)
			return i;
	return -1;
}

static void known_list(char *out, size_t outlen, const char *const *known)
{
	size_t len = 0;
	int i;

	out[0] = '\0';
	for (i = 0; known[i] && len < outlen; i++) {
		int w = snprintf(out + len, outlen - len, "%s%s", i ? ", " : "", known[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

int lwn_thresholds_add(lwn_thresholds *th, const char *spec, int critical,
		       const char *const *known, char *err, size_t errlen)
{
	const char *item = spec;

	if (*spec == '\0') {
		snprintf(err, errlen, "empty %s threshold", critical ? "critical" : "warning");
		return -1;
	}
	while (item) {
		const char *comma = strchr(item, ',');
		size_t n = comma ? (size_t)(comma - item) : strlen(item);
		const char *eq = memchr(item, '=', n);
		const char *label, *rtext;
		size_t llen;
		char range[64];
		lwn_range r;
		lwn_threshold *t = NULL;
		int i, k;

		if (eq) {
			label = item;
			llen = (size_t)(eq - item);
			rtext = eq + 1;
		} else {
			label = known[0];
			llen = strlen(label);
			rtext = item;
		}
		k = label_known(label, llen, known);
		if (k < 0) {
			char list[256];
			known_list(list, sizeof list, known);
			snprintf(err, errlen, "unknown threshold label '%.*s' (this mode knows: %s)",
				 (int)(llen > 40 ? 40 : llen), label, list);
			return -1;
		}
		if ((size_t)(item + n - rtext) >= sizeof range) {
			snprintf(err, errlen, "threshold range for '%s' is too long", known[k]);
			return -1;
		}
		memcpy(range, rtext, (size_t)(item + n - rtext));
		range[item + n - rtext] = '\0';
		if (lwn_range_parse(range, &r, err, errlen) != 0)
			return -1;
		for (i = 0; i < th->n; i++)
			if (strcmp(th->t[i].label, known[k]) == 0)
				t = &th->t[i];
		if (!t) {
			if (th->n == LWN_MAX_THRESHOLDS) {
				snprintf(err, errlen, "too many thresholds");
				return -1;
			}
			t = &th->t[th->n++];
			memset(t, 0, sizeof *t);
			snprintf(t->label, sizeof t->label, "%s", known[k]);
		}
		if (critical)
			t->crit = r;
		else
			t->warn = r;
		item = comma ? comma + 1 : NULL;
	}
	return 0;
}

const lwn_threshold *lwn_thresholds_get(const lwn_thresholds *th, const char *label)
{
	int i;

	for (i = 0; i < th->n; i++)
		if (strcmp(th->t[i].label, label) == 0)
			return &th->t[i];
	return NULL;
}

int lwn_check(const lwn_threshold *t, double v)
{
	if (!t)
		return LWN_OK;
	if (lwn_range_alert(&t->crit, v))
		return LWN_CRITICAL;
	if (lwn_range_alert(&t->warn, v))
		return LWN_WARNING;
	return LWN_OK;
}

static int rank(int s)
{
	switch (s) {
	case LWN_CRITICAL: return 3;
	case LWN_WARNING: return 2;
	case LWN_UNKNOWN: return 1;
	default: return 0;
	}
}

int lwn_worse(int a, int b)
{
	return rank(a) >= rank(b) ? a : b;
}

const char *lwn_state_name(int state)
{
	switch (state) {
	case LWN_OK: return "OK";
	case LWN_WARNING: return "WARNING";
	case LWN_CRITICAL: return "CRITICAL";
	default: return "UNKNOWN";
	}
}

void lwn_buf_init(lwn_buf *b)
{
	b->buf[0] = '\0';
	b->len = 0;
}

void lwn_buf_printf(lwn_buf *b, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (b->len >= sizeof b->buf - 1)
		return;
	va_start(ap, fmt);
	w = vsnprintf(b->buf + b->len, sizeof b->buf - b->len, fmt, ap);
	va_end(ap);
	if (w < 0)
		return;
	b->len += (size_t)w;
	if (b->len > sizeof b->buf - 1)
		b->len = sizeof b->buf - 1;
}

void lwn_perf_add(lwn_buf *b, const char *label, const char *value, const char *uom,
		  const lwn_threshold *t, const char *min, const char *max)
{
	const char *f[4];
	char clean[96];
	size_t i;
	int n = 4, k;

	/* The guidelines reserve = and ' in labels; a process or cache name may hold either. */
	snprintf(clean, sizeof clean, "%s", label);
	for (i = 0; clean[i]; i++)
		if (clean[i] == '=' || clean[i] == '\'')
			clean[i] = '_';
	f[0] = t && t->warn.set ? t->warn.text : "";
	f[1] = t && t->crit.set ? t->crit.text : "";
	f[2] = min;
	f[3] = max;
	/* Trailing empty fields are dropped, as the guidelines allow. */
	while (n > 0 && f[n - 1][0] == '\0')
		n--;
	lwn_buf_printf(b, "%s'%s'=%s%s", b->len ? " " : "", clean, value, uom);
	for (k = 0; k < n; k++)
		lwn_buf_printf(b, ";%s", f[k]);
}

void lwn_fmt_hundredths(char *out, size_t outlen, long long hundredths)
{
	unsigned long long a = hundredths < 0 ? 0ULL - (unsigned long long)hundredths
					      : (unsigned long long)hundredths;

	snprintf(out, outlen, "%s%llu.%02llu", hundredths < 0 ? "-" : "", a / 100, a % 100);
}

void lwn_fmt_duration(char *out, size_t outlen, unsigned long long s)
{
	if (s >= 86400)
		snprintf(out, outlen, "%llud %lluh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(out, outlen, "%lluh %llum", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(out, outlen, "%llum %llus", s / 60, s % 60);
	else
		snprintf(out, outlen, "%llus", s);
}
