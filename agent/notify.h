/* notify.h: notifications sent when the served snapshot changes (collector failed/recovered). */
#ifndef LW_NOTIFY_H
#define LW_NOTIFY_H

#include "snapshot.h"

/*
 * Compares the snapshot being replaced (NULL at start-up: every collector counts as healthy)
 * with the next one and sends one notification per transition.
 */
void lw_notify_transitions(const struct lw_snapshot *prev, const struct lw_snapshot *next);

#endif
