/* notify.h: notifications sent when the served snapshot changes: collectors and alarms. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_NOTIFY_H
#define LW_NOTIFY_H

#include <stdint.h>

#include "cycle/snapshot.h"

/*
 * Compares the snapshot being replaced (NULL at start-up: every collector counts as healthy)
 * with the next one and sends one notification per transition; a collector that starts
 * failing is logged with its error, once.
 */
void lw_notify_transitions(const struct lw_snapshot *prev, const struct lw_snapshot *next);

/*
 * Sends the notification of every alarm event of next newer than *sent_seq (raise or clear,
 * with the alarm's figures) and logs it; *sent_seq becomes the newest sent.
 */
void lw_notify_alarms(const struct lw_snapshot *next, uint64_t *sent_seq);

#endif
