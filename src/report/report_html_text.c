/* report_html_text.c: text into index.html: escaping the database's strings, times and human units. */
/* SPDX-License-Identifier: ISC */
#include "report/report_html.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* Length of the valid UTF-8 sequence at s (at most avail bytes), 0 if invalid. The rules of
 * RFC 3629 section 4: no overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > avail)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void lw_rh_esc_n(FILE *f, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;

	if (s == NULL)
		return;
	len = strnlen(s, max);
	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		switch (c) {
		case '&': fputs("&amp;", f); i++; continue;
		case '<': fputs("&lt;", f); i++; continue;
		case '>': fputs("&gt;", f); i++; continue;
		case '"': fputs("&quot;", f); i++; continue;
		case '\'': fputs("&#39;", f); i++; continue;
		default: break;
		}
		if (c >= 0x20 && c < 0x7f) {
			fputc(c, f);
			i++;
			continue;
		}
		if (c >= 0x80 && (n = utf8_len(p + i, len - i)) > 0) {
			fwrite(p + i, 1, n, f);
			i += n;
			continue;
		}
		/* Control bytes (a newline in a name would break a table's reading), DEL, and bytes
		 * that are not UTF-8: shown, never passed through. */
		fprintf(f, "\\x%02x", c);
		i++;
	}
}

void lw_rh_esc(FILE *f, const char *s)
{
	lw_rh_esc_n(f, s, SIZE_MAX);
}

void lw_rh_fmt_time(char *buf, size_t size, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, size, "-");
		return;
	}
	strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

void lw_rh_fmt_tick(char *buf, size_t size, int64_t t, bool with_date, bool seconds)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, size, "?");
		return;
	}
	strftime(buf, size, with_date ? (seconds ? "%m-%d %H:%M:%S" : "%m-%d %H:%M") :
		 (seconds ? "%H:%M:%S" : "%H:%M"), &tm);
}

void lw_rh_fmt_duration(char *buf, size_t size, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, size, "%lld s", (long long)s);
	else if (s < 7200)
		snprintf(buf, size, "%lld min", (long long)(s / 60));
	else if (s < 3 * 86400)
		snprintf(buf, size, "%lld h %02lld min", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	else
		snprintf(buf, size, "%lld d %lld h", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600));
}

double lw_rh_unit_scale(const char *unit)
{
	if (unit != NULL && strcmp(unit, "KiB") == 0)
		return 1024.0;
	if (unit != NULL && strcmp(unit, "hundredths") == 0)
		return 0.01;
	return 1.0;
}

/* Three significant digits, enough to compare and short enough for a table cell. */
static void sig3(char *buf, size_t size, double v, const char *sign, const char *suffix)
{
	double a = fabs(v);
	int dec = a >= 100 || a == 0 ? 0 : a >= 10 ? 1 : 2;

	snprintf(buf, size, "%s%.*f%s", sign, dec, v, suffix);
}

void lw_rh_fmt_value(char *buf, size_t size, const char *unit, double v, bool rate, bool signed_)
{
	static const char *const bin[] = { " B", " KiB", " MiB", " GiB", " TiB", " PiB" };
	static const char *const dec[] = { "", "k", "M", "G", "T", "P" };
	const char *sign = signed_ && v > 0 ? "+" : "";
	const char *per = rate ? "/s" : "";
	char suffix[32];
	double x;
	int i = 0;

	if (!isfinite(v)) {
		snprintf(buf, size, "-");
		return;
	}
	if (unit == NULL)
		unit = "";
	x = v * lw_rh_unit_scale(unit);
	if (strcmp(unit, "KiB") == 0 || strcmp(unit, "bytes") == 0) {
		while (fabs(x) >= 1024 && i < 5) {
			x /= 1024;
			i++;
		}
		snprintf(suffix, sizeof(suffix), "%s%s", bin[i], per);
		if (i == 0)
			snprintf(buf, size, "%s%.0f%s", sign, x, suffix);
		else
			sig3(buf, size, x, sign, suffix);
		return;
	}
	if (strcmp(unit, "hundredths") == 0) {
		snprintf(buf, size, "%s%.2f%s", sign, x, per);
		return;
	}
	if (fabs(x) >= 10000)
		while (fabs(x) >= 1000 && i < 5) {
			x /= 1000;
			i++;
		}
	/* A count is shown without its unit ("count" says nothing); others keep theirs. */
	snprintf(suffix, sizeof(suffix), "%s%s%s%s", dec[i],
		 strcmp(unit, "count") == 0 || unit[0] == '\0' ? "" : " ",
		 strcmp(unit, "count") == 0 ? "" : unit, per);
	if (i == 0 && x == floor(x))
		snprintf(buf, size, "%s%.0f%s", sign, x, suffix);
	else
		sig3(buf, size, x, sign, suffix);
}
