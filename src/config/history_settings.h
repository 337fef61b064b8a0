/* history_settings.h: the sampled history's settings (history_* directives), one struct for config/ and history/. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_SETTINGS_H
#define LW_HISTORY_SETTINGS_H

#include <stdint.h>

/* The defaults of the history_* directives (docs/DESIGN.md, "Configuration"). */
#define LW_HISTORY_DEFAULT_FULL_HOURS 48
#define LW_HISTORY_DEFAULT_WINDOW_S 600
#define LW_HISTORY_DEFAULT_DAYS 30
#define LW_HISTORY_DEFAULT_MAX_MB 1024

/*
 * Owned by config/ (the parser fills it in struct lw_config) and handed by pointer to
 * lw_history_open, which is why it lives here and not in history/: config/ never includes
 * history/. Read at start only: a reload that changes it asks for a restart.
 */
struct lw_history_settings {
	int enabled;                /* history yes|no; lw_history_open ignores it */
	char path[512];             /* the database file, its directory must exist: the parser sets
	                             * STATE_DIR/history.db */
	uint32_t full_hours;        /* samples kept at full resolution */
	uint32_t window_s;          /* older samples become min/max/avg per window */
	uint32_t days;              /* windows kept */
	uint32_t max_mb;            /* the file never grows past this: oldest data go first */
};

/* The defaults above, enabled, no path (the caller names the file). */
void lw_history_settings_default(struct lw_history_settings *hs);

#endif
