/* dateandtime.h: SNMPv2-TC DateAndTime encoding (11 octets, UTC) without any SNMP library. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_DATEANDTIME_H
#define LW_DATEANDTIME_H

#include <stdint.h>
#include <time.h>

#define LW_DATEANDTIME_LEN 11

/* Encodes t (wall clock) as year(2, big-endian) month day hour min sec deci-sec '+' 0 0. */
void lw_dateandtime_encode(const struct timespec *t, uint8_t out[LW_DATEANDTIME_LEN]);

#endif
