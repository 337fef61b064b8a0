/* cmd_report_time.h: the times and durations `leakwatch report` takes (ISO 8601 or epoch seconds; 48h, 30m, 2d). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CMD_REPORT_TIME_H
#define LW_CMD_REPORT_TIME_H

#include <stdint.h>

/* "2026-12-07T17:30:00Z", "2026-12-07T19:30+02:00", "2026-12-07 17:30", "1796000000": UTC
 * unless an offset is given. 0, or -1 when it is none of these. */
int lw_parse_time(const char *s, int64_t *out);

/* "48h", "30m", "2d", "90s", "3600": seconds, > 0. 0, or -1. */
int lw_parse_duration(const char *s, int64_t *out);

#endif
