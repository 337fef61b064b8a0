/* lwn_range.h: threshold ranges, states and perfdata of check_leakwatch, per the Monitoring Plugins guidelines (no SNMP here). */
/* SPDX-License-Identifier: ISC */
#ifndef LWN_RANGE_H
#define LWN_RANGE_H

#include <stddef.h>

/* Plugin return codes, in the guidelines' numbering. */
enum { LWN_OK = 0, LWN_WARNING = 1, LWN_CRITICAL = 2, LWN_UNKNOWN = 3 };

/* [@][start:][end]: alert outside start..end (inside with @); start ~ is minus infinity, an
 * empty end plus infinity. */
typedef struct {
	int set;              /* 0: no range given, never alerts */
	int inside;           /* @: alert when start <= v <= end */
	int low_inf;          /* start was ~ */
	int high_inf;         /* end was left out ("10:") */
	double low, high;
	char text[48];        /* as given, for perfdata */
} lwn_range;

/* 0 on success; -1 with a one-line reason in err. */
int lwn_range_parse(const char *s, lwn_range *r, char *err, size_t errlen);
/* 1 when v is in alert for r (never when r is not set). */
int lwn_range_alert(const lwn_range *r, double v);

/* Thresholds per metric: -w/--critical take "RANGE" (the mode's main metric) or
 * "LABEL=RANGE[,LABEL=RANGE...]". */
#define LWN_MAX_THRESHOLDS 16
typedef struct {
	char label[32];
	lwn_range warn, crit;
} lwn_threshold;
typedef struct {
	lwn_threshold t[LWN_MAX_THRESHOLDS];
	int n;
} lwn_thresholds;

/* Adds spec to th as warning (critical = 0) or critical ranges. known is the list of labels
 * the mode accepts (NULL-terminated), known[0] the label of a bare range. */
int lwn_thresholds_add(lwn_thresholds *th, const char *spec, int critical,
		       const char *const *known, char *err, size_t errlen);
/* The thresholds of label, or NULL (lookups are by the perfdata label). */
const lwn_threshold *lwn_thresholds_get(const lwn_thresholds *th, const char *label);
/* The state of v against t: CRITICAL if crit alerts, else WARNING if warn does, else OK. */
int lwn_check(const lwn_threshold *t, double v);

/* Worst of two states: CRITICAL > WARNING > UNKNOWN > OK. */
int lwn_worse(int a, int b);
const char *lwn_state_name(int state);

/* Output text and perfdata, bounded: what does not fit is cut, never overflows. */
typedef struct {
	char buf[8192];
	size_t len;
} lwn_buf;
void lwn_buf_init(lwn_buf *b);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void lwn_buf_printf(lwn_buf *b, const char *fmt, ...);

/* One perfdata item 'label'=value[UOM];warn;crit;min;max (a space before all but the first).
 * value is a number already formatted; uom one of "", "%", "s", "KB", "B", "c"; t may be NULL;
 * min/max "" when unknown. Labels are quoted, and ' and = in them become _. */
void lwn_perf_add(lwn_buf *b, const char *label, const char *value, const char *uom,
		  const lwn_threshold *t, const char *min, const char *max);
/* Formats an integer value in hundredths as a decimal with two places ("12.34", "-0.05"). */
void lwn_fmt_hundredths(char *out, size_t outlen, long long hundredths);
/* "2h 5m", "3d 4h", "45s": a duration for people. */
void lwn_fmt_duration(char *out, size_t outlen, unsigned long long seconds);

#endif
