/* v3users.h: the standalone master's SNMPv3 users (createUser) and their access (rouser, rwuser). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_V3USERS_H
#define LW_V3USERS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/lw_error.h"

#define LW_V3_MAX_USERS 16
#define LW_V3_NAME_MAX 32      /* usmUserName: SnmpAdminString (SIZE(1..32)), RFC 3414 */
#define LW_V3_PASS_MIN 8       /* RFC 3414 11.2; net-snmp's USM_LENGTH_P_MIN refuses shorter */
#define LW_V3_PASS_MAX 127

/* HMAC-SHA-1-96 (RFC 3414) and HMAC-SHA-2 (RFC 7860); MD5 is refused. */
enum lw_v3_auth {
	LW_V3_AUTH_SHA1 = 1,
	LW_V3_AUTH_SHA224,
	LW_V3_AUTH_SHA256,
	LW_V3_AUTH_SHA384,
	LW_V3_AUTH_SHA512,
};

/* CFB128-AES-128 (RFC 3826) and its 192/256-bit key extensions; DES is refused. */
enum lw_v3_priv {
	LW_V3_PRIV_NONE = 0,
	LW_V3_PRIV_AES128,
	LW_V3_PRIV_AES192,
	LW_V3_PRIV_AES256,
};

/* The lowest securityLevel an access line accepts (noAuthNoPriv is never granted to a user). */
enum lw_v3_level { LW_V3_LEVEL_AUTH = 1, LW_V3_LEVEL_PRIV };

struct lw_v3user {
	char name[LW_V3_NAME_MAX + 1];
	enum lw_v3_auth auth;
	char authpass[LW_V3_PASS_MAX + 1];
	enum lw_v3_priv priv;              /* NONE: the user can only be used at authNoPriv */
	char privpass[LW_V3_PASS_MAX + 1];
	unsigned line;                     /* its createUser line */
};

/* One rouser or rwuser line. */
struct lw_v3access {
	char name[LW_V3_NAME_MAX + 1];
	bool write;
	enum lw_v3_level level;
	unsigned line;
};

struct lw_v3users {
	size_t nusers, naccess;
	struct lw_v3user users[LW_V3_MAX_USERS];
	struct lw_v3access access[LW_V3_MAX_USERS];
};

/*
 * "createUser NAME AUTHPROTO AUTHPASS [PRIVPROTO PRIVPASS]", argv[0] being the directive, at
 * line. The error text has no location: the caller adds FILE:LINE.
 */
int lw_v3users_create(struct lw_v3users *u, int argc, char *const argv[], unsigned line,
		      struct lw_error *err);

/* "rouser NAME [auth|priv]" or "rwuser NAME [auth|priv]" (default auth). */
int lw_v3users_access(struct lw_v3users *u, int argc, char *const argv[], unsigned line,
		      struct lw_error *err);

/*
 * After the whole file: every access line names a created user, and one requiring priv a user
 * with a privacy passphrase. On error *line is the access line at fault.
 */
int lw_v3users_check(const struct lw_v3users *u, unsigned *line, struct lw_error *err);

/* The created user called name, or NULL. */
const struct lw_v3user *lw_v3users_find(const struct lw_v3users *u, const char *name);

/* The protocol names net-snmp's createUser takes ("SHA-256", "AES-256"); NULL for NONE. */
const char *lw_v3_auth_name(enum lw_v3_auth a);
const char *lw_v3_priv_name(enum lw_v3_priv p);

#endif
