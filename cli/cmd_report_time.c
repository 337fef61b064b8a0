/* cmd_report_time.c: ISO 8601 times (UTC or with an offset) and epoch seconds; durations with a unit. */
/* SPDX-License-Identifier: ISC */
#include "cmd_report_time.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int lw_parse_time(const char *s, int64_t *out)
{
	struct tm tm;
	const char *p;
	int off_h = 0, off_m = 0, sign = 0;
	int64_t t;

	if (all_digits(s) && strlen(s) <= 12) {
		*out = strtoll(s, NULL, 10);
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	/* the date, then T or a space, then hh:mm[:ss] */
	p = strptime(s, "%Y-%m-%d", &tm);
	if (p == NULL)
		return -1;
	if (*p == 'T' || *p == ' ') {
		const char *q = strptime(p + 1, "%H:%M:%S", &tm);

		if (q == NULL)
			q = strptime(p + 1, "%H:%M", &tm);
		if (q == NULL)
			return -1;
		p = q;
	}
	if (*p == 'Z' && p[1] == '\0') {
		sign = 0;
	} else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1])) {
		sign = *p == '+' ? 1 : -1;
		if (sscanf(p + 1, "%2d:%2d", &off_h, &off_m) < 1 ||
		    (strlen(p + 1) != 2 && strlen(p + 1) != 5 && strlen(p + 1) != 4))
			return -1;
		if (strlen(p + 1) == 4)  /* +0200 */
			sscanf(p + 1, "%2d%2d", &off_h, &off_m);
	} else if (*p != '\0') {
		return -1;
	}
	t = (int64_t)timegm(&tm);
	*out = t - sign * (off_h * 3600 + off_m * 60);
	return 0;
}

int lw_parse_duration(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	int64_t mult = 1;

	if (end == s || v <= 0)
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		mult = 1;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mult = 60;
	else if (strcmp(end, "h") == 0)
		mult = 3600;
	else if (strcmp(end, "d") == 0)
		mult = 86400;
	else
		return -1;
	*out = (int64_t)v * mult;
	return 0;
}
