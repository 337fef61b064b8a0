/* dateandtime.c: encodes wall-clock times as DateAndTime in UTC so no host time zone leaks in. */
/* SPDX-License-Identifier: ISC */
#include "base/dateandtime.h"

void lw_dateandtime_encode(const struct timespec *t, uint8_t out[LW_DATEANDTIME_LEN])
{
	struct tm tm;
	time_t sec = t->tv_sec;
	unsigned year;

	gmtime_r(&sec, &tm);
	year = (unsigned)tm.tm_year + 1900u;
	out[0] = (uint8_t)(year >> 8);
	out[1] = (uint8_t)(year & 0xff);
	out[2] = (uint8_t)(tm.tm_mon + 1);
	out[3] = (uint8_t)tm.tm_mday;
	out[4] = (uint8_t)tm.tm_hour;
	out[5] = (uint8_t)tm.tm_min;
	/* DateAndTime allows 60 for a leap second; gmtime never yields more. */
	out[6] = (uint8_t)tm.tm_sec;
	out[7] = (uint8_t)(t->tv_nsec / 100000000L);
	out[8] = '+';
	out[9] = 0;
	out[10] = 0;
}
