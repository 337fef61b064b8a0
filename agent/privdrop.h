/* privdrop.h: -u USER -g GROUP: leaving root after start-up with only the collectors' capabilities. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_PRIVDROP_H
#define LW_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/lw_error.h"

/* Who the daemon becomes: resolved from the names at start-up, before anything is opened. */
struct lw_privdrop {
	bool wanted;                 /* -u was given */
	uid_t uid;
	gid_t gid;
	char user[64];
	char group[64];
};

/*
 * Resolves -u USER and -g GROUP (group NULL: USER's primary group; names or numbers). Fails with
 * EINVAL for -g without -u or a name that does not exist, and with EPERM when the process may
 * not change its uid (not root). user NULL and group NULL: nothing wanted, returns 0.
 */
int lw_privdrop_resolve(struct lw_privdrop *pd, const char *user, const char *group,
			struct lw_error *err);

/*
 * After what needs root is open (pid file, state directory lock, listening socket, AgentX
 * session) and before any thread exists: gives state_dir to the user when it holds only
 * leakwatchd's files, changes groups, gid and uid, and keeps exactly CAP_DAC_READ_SEARCH,
 * CAP_NET_RAW and CAP_SYS_PTRACE (those the process had) as permitted and effective, with every
 * other capability out of the bounding set, no inheritable or ambient ones and no_new_privs;
 * then checks that this is so and that root cannot be regained. done gets a one-line summary.
 * Any failure leaves the daemon unfit to run: the caller exits.
 */
int lw_privdrop_apply(const struct lw_privdrop *pd, const char *state_dir, char *done,
		      size_t done_size, struct lw_error *err);

/*
 * What the process's effective capabilities leave out, one line: for each collector capability
 * missing, its name and what goes unread without it ("" when none is missing). captures:
 * mcast_interface is configured (CAP_NET_RAW matters only then).
 */
void lw_privdrop_missing(char *buf, size_t size, bool captures);

#endif
