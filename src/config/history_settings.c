/* history_settings.c: the defaults of the history settings, shared by the parser and the history's tests. */
/* SPDX-License-Identifier: ISC */
#include "config/history_settings.h"

#include <string.h>

void lw_history_settings_default(struct lw_history_settings *hs)
{
	memset(hs, 0, sizeof(*hs));
	hs->enabled = 1;
	hs->full_hours = LW_HISTORY_DEFAULT_FULL_HOURS;
	hs->window_s = LW_HISTORY_DEFAULT_WINDOW_S;
	hs->days = LW_HISTORY_DEFAULT_DAYS;
	hs->max_mb = LW_HISTORY_DEFAULT_MAX_MB;
}
