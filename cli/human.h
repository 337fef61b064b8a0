/* human.h: values in units an operator reads at a glance (MiB, 3h12m, 1.2k, Mbit/s). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_HUMAN_H
#define LW_CLI_HUMAN_H

#include <stddef.h>
#include <stdint.h>

#include "mib_objects.h"
#include "snmp_client.h"

char *lw_human_kib(char *buf, size_t size, double kib);       /* "812 KiB", "1.2 GiB" */
char *lw_human_bytes(char *buf, size_t size, double bytes);   /* "512 B", "3.4 MiB" */
char *lw_human_duration(char *buf, size_t size, uint64_t seconds);  /* "45s", "3h12m", "2d4h" */
char *lw_human_count(char *buf, size_t size, double n);       /* "950", "12.3k", "1.2M" */
char *lw_human_bps(char *buf, size_t size, double bps);       /* "1.2 Mbit/s" */
/* A value of object O as a person reads it: its unit, its labels; "-" when absent. */
char *lw_human_value(char *buf, size_t size, const struct lw_obj *o, const struct lw_val *v);
/* The value as the wire has it (numbers, text), for CSV. */
char *lw_raw_value(char *buf, size_t size, const struct lw_val *v);

#endif
