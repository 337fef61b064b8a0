/* mib_objects.h: LEAKWATCH-MIB's tables and scalar groups as leakwatch(1) knows them, no MIB file. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_MIB_OBJECTS_H
#define LW_CLI_MIB_OBJECTS_H

#include <stddef.h>

/* How a value is read and shown; the SMI syntax itself is kept as text beside it. */
enum lw_obj_type {
	LW_T_INTEGER,     /* Integer32 */
	LW_T_UNSIGNED,    /* Unsigned32, InterfaceIndex, InetPortNumber */
	LW_T_GAUGE,       /* Gauge32 */
	LW_T_COUNTER,     /* Counter32 */
	LW_T_COUNTER64,   /* Counter64 */
	LW_T_GAUGE64,     /* CounterBasedGauge64 (HCNUM-TC): a level encoded as a Counter64 */
	LW_T_STRING,      /* DisplayString */
	LW_T_DATETIME,    /* DateAndTime (SNMPv2-TC) */
	LW_T_OID,         /* OBJECT IDENTIFIER */
	LW_T_INETADDR,    /* InetAddress (RFC 4001): 4 or 16 octets */
	LW_T_HUNDREDTHS,  /* LwHundredths, LwHundredthsSetting: 376 is 3.76 */
	LW_T_ENUM,        /* an enumerated INTEGER or TC (TruthValue, LwLeakState, ...) */
};

struct lw_obj_enum {
	int value;
	const char *label;  /* NULL ends the list */
};

struct lw_obj {
	const char *name;       /* the MIB's descriptor, e.g. "lwProcRssKB" */
	unsigned sub;           /* column or scalar number below its entry or group */
	enum lw_obj_type type;
	const char *syntax;     /* the SMI syntax or TC, e.g. "Gauge32", "LwLeakState" */
	const char *units;      /* the UNITS clause, "" without one */
	const struct lw_obj_enum *enums;  /* NULL unless LW_T_ENUM */
	int readable;           /* 0 for an index (not-accessible) */
};

/* A table (its entry's OID, columns and INDEX) or a scalar group (its node's OID, scalars). */
struct lw_obj_group {
	const char *name;        /* "lwProcTable", "lwSockstat" */
	unsigned oid[8];         /* below leakwatchMIB (LW_MIB_ROOT): the entry's or node's */
	size_t oid_len;
	const struct lw_obj *objs;
	size_t nobjs;
	const struct lw_obj *index;  /* NULL for a scalar group */
	size_t nindex;
};

extern const struct lw_obj_group lw_obj_groups[];
extern const unsigned lw_obj_group_count;

/* The group named NAME; NULL when there is none. */
const struct lw_obj_group *lw_obj_group_find(const char *name);
/* The object named NAME of group G; NULL when there is none. */
const struct lw_obj *lw_obj_find(const struct lw_obj_group *g, const char *name);
/* The label of VALUE in an enumeration; NULL when it has none. */
const char *lw_obj_enum_label(const struct lw_obj *o, long value);

#endif
