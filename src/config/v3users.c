/* v3users.c: createUser, rouser and rwuser of leakwatchd.conf, checked before net-snmp sees them. */
/* SPDX-License-Identifier: ISC */
#include "config/v3users.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

struct proto_name {
	const char *name;
	int value;
};

/* The spellings net-snmp's createUser takes (usm_lookup_auth_type, snmplib/snmpusm.c). */
static const struct proto_name auth_names[] = {
	{ "SHA", LW_V3_AUTH_SHA1 },       { "SHA-1", LW_V3_AUTH_SHA1 },
	{ "SHA1", LW_V3_AUTH_SHA1 },      { "SHA-224", LW_V3_AUTH_SHA224 },
	{ "SHA224", LW_V3_AUTH_SHA224 },  { "SHA-256", LW_V3_AUTH_SHA256 },
	{ "SHA256", LW_V3_AUTH_SHA256 },  { "SHA-384", LW_V3_AUTH_SHA384 },
	{ "SHA384", LW_V3_AUTH_SHA384 },  { "SHA-512", LW_V3_AUTH_SHA512 },
	{ "SHA512", LW_V3_AUTH_SHA512 },
};

/* AES-192/256 are the Blumenthal draft's key extension, which Debian's net-snmp is built with
 * (--enable-blumenthal-aes); the Reeder ("-C") variants are not offered. */
static const struct proto_name priv_names[] = {
	{ "AES", LW_V3_PRIV_AES128 },     { "AES-128", LW_V3_PRIV_AES128 },
	{ "AES128", LW_V3_PRIV_AES128 },  { "AES-192", LW_V3_PRIV_AES192 },
	{ "AES192", LW_V3_PRIV_AES192 },  { "AES-256", LW_V3_PRIV_AES256 },
	{ "AES256", LW_V3_PRIV_AES256 },
};

static int lookup(const struct proto_name *t, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(t[i].name, s) == 0)
			return t[i].value;
	return -1;
}

const char *lw_v3_auth_name(enum lw_v3_auth a)
{
	switch (a) {
	case LW_V3_AUTH_SHA1: return "SHA";
	case LW_V3_AUTH_SHA224: return "SHA-224";
	case LW_V3_AUTH_SHA256: return "SHA-256";
	case LW_V3_AUTH_SHA384: return "SHA-384";
	case LW_V3_AUTH_SHA512: return "SHA-512";
	}
	return NULL;
}

const char *lw_v3_priv_name(enum lw_v3_priv p)
{
	switch (p) {
	case LW_V3_PRIV_NONE: return NULL;
	case LW_V3_PRIV_AES128: return "AES";
	case LW_V3_PRIV_AES192: return "AES-192";
	case LW_V3_PRIV_AES256: return "AES-256";
	}
	return NULL;
}

const struct lw_v3user *lw_v3users_find(const struct lw_v3users *u, const char *name)
{
	for (size_t i = 0; i < u->nusers; i++)
		if (strcmp(u->users[i].name, name) == 0)
			return &u->users[i];
	return NULL;
}

static int check_name(const char *dir, const char *name, struct lw_error *err)
{
	if (strlen(name) > LW_V3_NAME_MAX)
		return lw_error_set(err, EINVAL, "%s: user name '%s' is longer than %d characters",
				    dir, name, LW_V3_NAME_MAX);
	/* net-snmp's createUser would read "-e" as its engine ID option. */
	if (name[0] == '-')
		return lw_error_set(err, EINVAL, "%s: user name '%s' starts with '-'", dir, name);
	return 0;
}

static int copy_pass(const char *dir, const char *what, const char *pass, char *dst,
		     struct lw_error *err)
{
	size_t n = strlen(pass);

	/* The passphrase itself is never quoted back: the log may be more widely readable. */
	if (n < LW_V3_PASS_MIN)
		return lw_error_set(err, EINVAL, "%s: the %s passphrase has %zu characters, at least "
				    "%d are needed (RFC 3414 11.2)", dir, what, n, LW_V3_PASS_MIN);
	if (n > LW_V3_PASS_MAX)
		return lw_error_set(err, EINVAL, "%s: the %s passphrase is longer than %d characters",
				    dir, what, LW_V3_PASS_MAX);
	memcpy(dst, pass, n + 1);
	return 0;
}

int lw_v3users_create(struct lw_v3users *u, int argc, char *const argv[], unsigned line,
		      struct lw_error *err)
{
	const char *dir = argv[0];
	struct lw_v3user nu;
	int a, p;

	if (argc != 4 && argc != 6)
		return lw_error_set(err, EINVAL, "%s: usage: createUser NAME SHA|SHA-224|SHA-256|"
				    "SHA-384|SHA-512 AUTHPASS [AES|AES-192|AES-256 PRIVPASS]", dir);
	if (check_name(dir, argv[1], err))
		return -1;
	if (lw_v3users_find(u, argv[1]) != NULL)
		return lw_error_set(err, EINVAL, "%s: user '%s' already created on line %u", dir,
				    argv[1], lw_v3users_find(u, argv[1])->line);
	if (u->nusers == LW_V3_MAX_USERS)
		return lw_error_set(err, EINVAL, "%s: at most %d users", dir, LW_V3_MAX_USERS);
	memset(&nu, 0, sizeof(nu));
	strcpy(nu.name, argv[1]);
	nu.line = line;
	a = lookup(auth_names, sizeof(auth_names) / sizeof(auth_names[0]), argv[2]);
	if (a < 0)
		return lw_error_set(err, EINVAL, "%s: unknown authentication protocol '%s' (SHA, "
				    "SHA-224, SHA-256, SHA-384 or SHA-512; MD5 is not accepted)",
				    dir, argv[2]);
	nu.auth = (enum lw_v3_auth)a;
	if (copy_pass(dir, "authentication", argv[3], nu.authpass, err))
		return -1;
	if (argc == 6) {
		p = lookup(priv_names, sizeof(priv_names) / sizeof(priv_names[0]), argv[4]);
		if (p < 0)
			return lw_error_set(err, EINVAL, "%s: unknown privacy protocol '%s' (AES, "
					    "AES-192 or AES-256; DES is not accepted)", dir,
					    argv[4]);
		nu.priv = (enum lw_v3_priv)p;
		if (copy_pass(dir, "privacy", argv[5], nu.privpass, err))
			return -1;
	}
	u->users[u->nusers++] = nu;
	return 0;
}

int lw_v3users_access(struct lw_v3users *u, int argc, char *const argv[], unsigned line,
		      struct lw_error *err)
{
	const char *dir = argv[0];
	struct lw_v3access ac;

	if (argc != 2 && argc != 3)
		return lw_error_set(err, EINVAL, "%s: usage: %s NAME [auth|priv]", dir, dir);
	if (check_name(dir, argv[1], err))
		return -1;
	for (size_t i = 0; i < u->naccess; i++)
		if (strcmp(u->access[i].name, argv[1]) == 0)
			return lw_error_set(err, EINVAL, "%s: user '%s' already has access on line %u",
					    dir, argv[1], u->access[i].line);
	if (u->naccess == LW_V3_MAX_USERS)
		return lw_error_set(err, EINVAL, "%s: at most %d rouser and rwuser lines", dir,
				    LW_V3_MAX_USERS);
	memset(&ac, 0, sizeof(ac));
	strcpy(ac.name, argv[1]);
	ac.write = strcmp(dir, "rwuser") == 0;
	ac.level = LW_V3_LEVEL_AUTH;
	ac.line = line;
	if (argc == 3) {
		if (strcasecmp(argv[2], "priv") == 0)
			ac.level = LW_V3_LEVEL_PRIV;
		else if (strcasecmp(argv[2], "noauth") == 0)
			/* A user is worth having over a community only when its requests are signed. */
			return lw_error_set(err, EINVAL, "%s: level noauth is not accepted: a user "
					    "authenticates (auth or priv)", dir);
		else if (strcasecmp(argv[2], "auth") != 0)
			return lw_error_set(err, EINVAL, "%s: unknown level '%s' (auth or priv)", dir,
					    argv[2]);
	}
	u->access[u->naccess++] = ac;
	return 0;
}

int lw_v3users_check(const struct lw_v3users *u, unsigned *line, struct lw_error *err)
{
	for (size_t i = 0; i < u->naccess; i++) {
		const struct lw_v3access *ac = &u->access[i];
		const struct lw_v3user *user = lw_v3users_find(u, ac->name);
		const char *dir = ac->write ? "rwuser" : "rouser";

		*line = ac->line;
		if (user == NULL)
			return lw_error_set(err, EINVAL, "%s: no createUser line for '%s'", dir,
					    ac->name);
		if (ac->level == LW_V3_LEVEL_PRIV && user->priv == LW_V3_PRIV_NONE)
			return lw_error_set(err, EINVAL, "%s: '%s' requires priv but its createUser "
					    "(line %u) has no privacy protocol", dir, ac->name,
					    user->line);
	}
	*line = 0;
	return 0;
}
