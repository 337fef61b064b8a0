/* mib_alarms.h: the lwAlarms definitions: thresholds (read-write), active alarms, system trends. */
#ifndef LW_MIB_ALARMS_H
#define LW_MIB_ALARMS_H

#include <stdbool.h>

#include "detect/alarms.h"
#include "mibtree.h"

/* lwAlarmEntry columns the notifications carry (NOTIFICATION-TYPE OBJECTS; the definitions
 * use the same names). */
enum {
	LW_ALARM_COL_OBJECT = 3,
	LW_ALARM_COL_OBJECT_ID = 4,
	LW_ALARM_COL_SEVERITY = 5,
	LW_ALARM_COL_VALUE = 7,
	LW_ALARM_COL_THRESHOLD = 8,
	LW_ALARM_COL_SLOPE = 9,
	LW_ALARM_COL_TIME_TO_EXHAUSTION = 10,
};

int lw_mib_alarms_add(struct lw_mibtree *t);

/* Sets vb to an alarm's value in an lwAlarmEntry column, through the table's own definition;
 * false when the column has no value for it. */
bool lw_mib_alarm_value(netsnmp_variable_list *vb, unsigned column, const struct lw_alarm *a);

#endif
