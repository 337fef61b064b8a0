/* snmp_client.c: snmpget's options through snmp_parse_args, then GETs and multi-column GETBULKs. */
/* SPDX-License-Identifier: ISC */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "snmp_client.h"
#include "../agent/lw_oids.h"

static const oid lw_root[] = { LW_MIB_ROOT };
#define ROOT_LEN (sizeof(lw_root) / sizeof(lw_root[0]))

/* Varbinds per request: a GETBULK response of 256 small values stays below 8 KiB, well inside
 * a UDP datagram and snmpd's default maximum message size; the agent trims it if not. */
#define VARBINDS_PER_PDU 256
#define GET_PER_PDU 64

struct lw_client {
	netsnmp_session *ss;
	long version;
	char peer[256];
};

const char *lw_client_peer(const struct lw_client *c)
{
	return c->peer;
}

struct lw_client *lw_client_open(int argc, char **argv, int *rest, int *exit_code,
				 struct lw_error *err)
{
	netsnmp_session session;
	/* snmp_parse_args wants the agent after the options; leakwatch defaults to localhost. */
	char **av = calloc((size_t)argc + 2, sizeof(*av));
	if (!av) {
		*exit_code = LW_EXIT_FAILED;
		lw_error_set(err, 12, "out of memory");
		return NULL;
	}
	for (int i = 0; i < argc; i++)
		av[i] = argv[i];
	int ac = argc;
	/*
	 * No MIB module is loaded and none is needed: the names are compiled in (mib_objects.c).
	 * An empty MIBS keeps net-snmp from loading its default modules and from warning, on a
	 * host without them, "Cannot find module"; MIBDIRS is left alone (a -M is harmless).
	 */
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
	int arg = snmp_parse_args(ac, av, &session, "", NULL);
	if (arg == NETSNMP_PARSE_ARGS_SUCCESS_EXIT) {
		free(av);
		*exit_code = LW_EXIT_OK;
		return NULL;
	}
	if (arg < 0) {
		free(av);
		*exit_code = LW_EXIT_USAGE;
		lw_error_set(err, 22, "bad SNMP options (see snmpcmd(1))");
		return NULL;
	}
	/* snmp_parse_args took argv[arg] as the agent; with none, it is an error there, so the
	 * caller passes "localhost" itself when nothing follows the options (see cmd_*.c). */
	*rest = arg + 1;
	struct lw_client *c = calloc(1, sizeof(*c));
	if (!c) {
		free(av);
		*exit_code = LW_EXIT_FAILED;
		lw_error_set(err, 12, "out of memory");
		return NULL;
	}
	snprintf(c->peer, sizeof(c->peer), "%s", session.peername ? session.peername : "?");
	c->version = session.version;
	SOCK_STARTUP;
	c->ss = snmp_open(&session);
	free(av);
	/* snmp_parse_args strdup()s the community; snmp_open took a copy */
	if (session.community) {
		free(session.community);
		session.community = NULL;
		session.community_len = 0;
	}
	if (!c->ss) {
		int liberr, syserr;
		char *msg = NULL;
		snmp_error(&session, &liberr, &syserr, &msg);
		/* net-snmp words a refused TCP connection "Unknown host": the system's error says
		 * what happened */
		if (msg && strstr(msg, "Connection refused"))
			lw_error_set(err, 111, "cannot reach %s: connection refused", c->peer);
		else
			lw_error_set(err, 111, "cannot reach %s: %s", c->peer,
				     msg ? msg : "snmp_open failed");
		free(msg);
		free(c);
		*exit_code = LW_EXIT_NO_ANSWER;
		return NULL;
	}
	return c;
}

void lw_client_close(struct lw_client *c)
{
	if (!c)
		return;
	snmp_close(c->ss);
	free(c);
	snmp_shutdown("snmpapp");  /* snmp_parse_args initialised the library as "snmpapp" */
	SOCK_CLEANUP;
}

/* The exit status and one line for a failed exchange (STAT_ERROR or STAT_TIMEOUT). */
static int exchange_error(struct lw_client *c, int status, struct lw_error *err)
{
	if (status == STAT_TIMEOUT) {
		if (c->version == SNMP_VERSION_3)
			lw_error_set(err, 110, "no answer from %s (host down, wrong port, or an SNMPv3"
				     " privacy password the agent cannot decrypt with)", c->peer);
		else
			lw_error_set(err, 110, "no answer from %s (host down, wrong community or port)",
				     c->peer);
		return LW_EXIT_NO_ANSWER;
	}
	int liberr = 0, syserr = 0;
	char *msg = NULL;
	snmp_error(c->ss, &liberr, &syserr, &msg);
	/* a report PDU's error is left in the library's snmp_errno, not in the session */
	if (liberr == 0 && snmp_errno != 0) {
		liberr = snmp_errno;
		free(msg);
		msg = strdup(snmp_api_errstring(liberr));
	}
	int code = LW_EXIT_FAILED;
	switch (liberr) {
	/* The USM's report PDUs (RFC 3414 section 3.2), as net-snmp turns them into errors. */
	case SNMPERR_UNKNOWN_USER_NAME:
	case SNMPERR_USM_UNKNOWNSECURITYNAME:
	case SNMPERR_AUTHENTICATION_FAILURE:
	case SNMPERR_USM_AUTHENTICATIONFAILURE:
	case SNMPERR_DECRYPTION_ERR:
	case SNMPERR_USM_DECRYPTIONERROR:
	case SNMPERR_UNSUPPORTED_SEC_LEVEL:
	case SNMPERR_USM_UNSUPPORTEDSECURITYLEVEL:
	case SNMPERR_UNKNOWN_ENG_ID:
	case SNMPERR_USM_UNKNOWNENGINEID:
	case SNMPERR_NOT_IN_TIME_WINDOW:
	case SNMPERR_USM_NOTINTIMEWINDOW:
	case SNMPERR_USM_GENERICERROR:
	case SNMPERR_UNKNOWN_REPORT:
		code = LW_EXIT_AUTH;
		lw_error_set(err, 13, "%s refused the request: %s", c->peer, msg ? msg : "SNMPv3 error");
		break;
	case SNMPERR_TIMEOUT:
		free(msg);
		return exchange_error(c, STAT_TIMEOUT, err);
	default:
		code = LW_EXIT_NO_ANSWER;
		lw_error_set(err, 5, "cannot query %s: %s", c->peer, msg ? msg : "SNMP error");
	}
	free(msg);
	return code;
}

/* One request, one answer: 0 with *RESP set (errstat left to the caller), else an exit code. */
static int exchange(struct lw_client *c, netsnmp_pdu *req, netsnmp_pdu **resp,
		    struct lw_error *err)
{
	*resp = NULL;
	int status = snmp_synch_response(c->ss, req, resp);
	if (status == STAT_SUCCESS && *resp)
		return 0;
	if (*resp)
		snmp_free_pdu(*resp);
	*resp = NULL;
	return exchange_error(c, status, err);
}

static int errstat_error(struct lw_client *c, const netsnmp_pdu *resp, struct lw_error *err)
{
	if (resp->errstat == SNMP_ERR_AUTHORIZATIONERROR || resp->errstat == SNMP_ERR_NOACCESS) {
		lw_error_set(err, 13, "%s denies access to LEAKWATCH-MIB (%s): check its access"
			     " control (VACM views)", c->peer, snmp_errstring(resp->errstat));
		return LW_EXIT_AUTH;
	}
	lw_error_set(err, 5, "%s answered with an error: %s (index %ld)", c->peer,
		     snmp_errstring(resp->errstat), resp->errindex);
	return LW_EXIT_FAILED;
}

void lw_val_free(struct lw_val *v)
{
	if (v->kind == LW_V_TEXT)
		free(v->text);
	memset(v, 0, sizeof(*v));
}

/* DateAndTime (SNMPv2-TC): 2-byte year, month, day, hour, minutes, seconds, deci-seconds,
 * then optionally the direction and offset from UTC. */
static char *datetime_text(const u_char *b, size_t n)
{
	char buf[64];
	if (n < 8)
		return strdup("");
	int len = snprintf(buf, sizeof(buf), "%04u-%02u-%02uT%02u:%02u:%02u",
			   (unsigned)(b[0] << 8 | b[1]), b[2], b[3], b[4], b[5], b[6]);
	if (n >= 11)
		snprintf(buf + len, sizeof(buf) - (size_t)len, "%c%02u:%02u", b[8], b[9], b[10]);
	return strdup(buf);
}

/* An InetAddress as the MIB's ...AddrText columns give it (inet_ntop: RFC 5952 for IPv6);
 * empty for a length that is neither IPv4's nor IPv6's (RFC 4001's unknown type). */
static char *inetaddr_text(const u_char *b, size_t n)
{
	char buf[INET6_ADDRSTRLEN] = "";

	if (n == 4 || n == 16)
		inet_ntop(n == 4 ? AF_INET : AF_INET6, b, buf, sizeof(buf));
	return strdup(buf);
}

/* Converts a varbind to a value; TYPE decides how octet strings read. */
static void val_from(struct lw_val *v, const netsnmp_variable_list *vb, enum lw_obj_type type)
{
	memset(v, 0, sizeof(*v));
	switch (vb->type) {
	case ASN_INTEGER:
		v->kind = LW_V_INT;
		v->i = *vb->val.integer;
		break;
	case ASN_GAUGE:
	case ASN_COUNTER:
	case ASN_TIMETICKS:
		v->kind = LW_V_UINT;
		v->u = (uint64_t)(unsigned long)*vb->val.integer & 0xffffffffu;
		break;
	case ASN_COUNTER64:
		v->kind = LW_V_UINT;
		v->u = (uint64_t)vb->val.counter64->high << 32 | (vb->val.counter64->low & 0xffffffffu);
		break;
	case ASN_OCTET_STR:
		v->kind = LW_V_TEXT;
		if (type == LW_T_DATETIME)
			v->text = datetime_text(vb->val.string, vb->val_len);
		else if (type == LW_T_INETADDR)
			v->text = inetaddr_text(vb->val.string, vb->val_len);
		else {
			v->text = malloc(vb->val_len + 1);
			if (v->text) {
				memcpy(v->text, vb->val.string, vb->val_len);
				v->text[vb->val_len] = 0;
			}
		}
		if (!v->text)
			v->kind = LW_V_ABSENT;
		break;
	case ASN_OBJECT_ID: {
		char buf[1024];
		size_t len = 0;
		for (size_t i = 0; i < vb->val_len / sizeof(oid) && len + 12 < sizeof(buf); i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, ".%lu",
						(unsigned long)vb->val.objid[i]);
		buf[len] = 0;
		v->kind = LW_V_TEXT;
		v->text = strdup(buf);
		if (!v->text)
			v->kind = LW_V_ABSENT;
		break;
	}
	default:  /* noSuchObject, noSuchInstance, endOfMibView, NULL */
		break;
	}
}

static size_t full_oid(oid *out, const unsigned *sub, size_t len)
{
	memcpy(out, lw_root, sizeof(lw_root));
	for (size_t i = 0; i < len && ROOT_LEN + i < MAX_OID_LEN; i++)
		out[ROOT_LEN + i] = sub[i];
	return ROOT_LEN + len;
}

int lw_client_get(struct lw_client *c, const unsigned *const *oids, const size_t *lens, size_t n,
		  const enum lw_obj_type *types, struct lw_val *vals, struct lw_error *err)
{
	for (size_t start = 0; start < n; start += GET_PER_PDU) {
		size_t count = n - start < GET_PER_PDU ? n - start : GET_PER_PDU;
		char skip[GET_PER_PDU] = { 0 };  /* SNMPv1: objects the agent has not (noSuchName) */
		for (;;) {
			netsnmp_pdu *req = snmp_pdu_create(SNMP_MSG_GET), *resp;
			oid name[MAX_OID_LEN];
			size_t map[GET_PER_PDU], nreq = 0;
			for (size_t i = 0; i < count; i++) {
				if (skip[i])
					continue;
				size_t len = full_oid(name, oids[start + i], lens[start + i]);
				snmp_add_null_var(req, name, len);
				map[nreq++] = i;
			}
			if (nreq == 0) {
				snmp_free_pdu(req);
				break;
			}
			int rc = exchange(c, req, &resp, err);
			if (rc)
				return rc;
			if (resp->errstat == SNMP_ERR_NOSUCHNAME && resp->errindex >= 1 &&
			    (size_t)resp->errindex <= nreq) {
				skip[map[resp->errindex - 1]] = 1;
				vals[start + map[resp->errindex - 1]].kind = LW_V_ABSENT;
				snmp_free_pdu(resp);
				continue;
			}
			if (resp->errstat != SNMP_ERR_NOERROR) {
				rc = errstat_error(c, resp, err);
				snmp_free_pdu(resp);
				return rc;
			}
			size_t k = 0;
			for (netsnmp_variable_list *vb = resp->variables; vb && k < nreq;
			     vb = vb->next_variable, k++)
				val_from(&vals[start + map[k]], vb,
					 types ? types[start + map[k]] : LW_T_STRING);
			snmp_free_pdu(resp);
			break;
		}
	}
	return 0;
}

void lw_table_free(struct lw_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t i = 0; i < t->ncols; i++)
			lw_val_free(&t->rows[r].vals[i]);
		free(t->rows[r].vals);
	}
	free(t->rows);
	free(t->cols);
	memset(t, 0, sizeof(*t));
}

int lw_table_col(const struct lw_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i]->name, name) == 0)
			return (int)i;
	return -1;
}

static int idx_cmp(const unsigned *a, size_t an, const oid *b, size_t bn)
{
	for (size_t i = 0; i < an && i < bn; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return an < bn ? -1 : an > bn ? 1 : 0;
}

/* The row of index IDX, found from *CURSOR onwards (each column's indexes only grow), created
 * in its place when absent. NULL when out of memory. */
static struct lw_row *row_at(struct lw_table *t, size_t *cursor, const oid *idx, size_t len)
{
	size_t r = *cursor;
	int cmp = 1;
	while (r < t->nrows && (cmp = idx_cmp(t->rows[r].idx, t->rows[r].idx_len, idx, len)) < 0)
		r++;
	*cursor = r;
	if (r < t->nrows && cmp == 0)
		return &t->rows[r];
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct lw_row *rows = realloc(t->rows, cap * sizeof(*rows));
		if (!rows)
			return NULL;
		t->rows = rows;
		t->cap = cap;
	}
	struct lw_val *vals = calloc(t->ncols, sizeof(*vals));
	if (!vals)
		return NULL;
	memmove(&t->rows[r + 1], &t->rows[r], (t->nrows - r) * sizeof(*t->rows));
	t->nrows++;
	struct lw_row *row = &t->rows[r];
	row->vals = vals;
	row->idx_len = len < sizeof(row->idx) / sizeof(row->idx[0]) ? len :
		sizeof(row->idx) / sizeof(row->idx[0]);
	for (size_t i = 0; i < row->idx_len; i++)
		row->idx[i] = (unsigned)idx[i];
	return row;
}

int lw_client_table(struct lw_client *c, const struct lw_obj_group *g, const char *const *names,
		    size_t max_rows, struct lw_table *t, struct lw_error *err)
{
	memset(t, 0, sizeof(*t));
	t->group = g;
	size_t n = 0;
	while (names[n])
		n++;
	t->cols = calloc(n ? n : 1, sizeof(*t->cols));
	oid (*last)[MAX_OID_LEN] = calloc(n ? n : 1, sizeof(*last));
	size_t *last_len = calloc(n ? n : 1, sizeof(*last_len));
	size_t *cursor = calloc(n ? n : 1, sizeof(*cursor));
	char *done = calloc(n ? n : 1, 1);
	int rc = 0;
	if (!t->cols || !last || !last_len || !cursor || !done) {
		rc = LW_EXIT_FAILED;
		lw_error_set(err, 12, "out of memory");
		goto out;
	}
	t->ncols = n;
	oid prefix[MAX_OID_LEN];
	size_t plen = full_oid(prefix, g->oid, g->oid_len);
	for (size_t i = 0; i < n; i++) {
		t->cols[i] = lw_obj_find(g, names[i]);
		if (!t->cols[i]) {
			rc = LW_EXIT_FAILED;
			lw_error_set(err, 22, "internal: %s has no column %s", g->name, names[i]);
			goto out;
		}
		memcpy(last[i], prefix, plen * sizeof(oid));
		last[i][plen] = t->cols[i]->sub;
		last_len[i] = plen + 1;
	}
	for (;;) {
		size_t active[VARBINDS_PER_PDU], na = 0;
		for (size_t i = 0; i < n && na < VARBINDS_PER_PDU; i++)
			if (!done[i])
				active[na++] = i;
		if (na == 0 || (max_rows && t->nrows >= max_rows))
			break;
		netsnmp_pdu *req, *resp;
		if (c->version == SNMP_VERSION_1) {
			req = snmp_pdu_create(SNMP_MSG_GETNEXT);
		} else {
			req = snmp_pdu_create(SNMP_MSG_GETBULK);
			req->non_repeaters = 0;
			long reps = VARBINDS_PER_PDU / (long)na;
			if (max_rows && (size_t)reps > max_rows - t->nrows)
				reps = (long)(max_rows - t->nrows);
			req->max_repetitions = reps < 1 ? 1 : reps;
		}
		for (size_t k = 0; k < na; k++)
			snmp_add_null_var(req, last[active[k]], last_len[active[k]]);
		rc = exchange(c, req, &resp, err);
		if (rc)
			goto out;
		if (resp->errstat == SNMP_ERR_NOSUCHNAME && c->version == SNMP_VERSION_1) {
			/* SNMPv1's end of the MIB: that column is finished (RFC 1157 4.1.3). */
			if (resp->errindex >= 1 && (size_t)resp->errindex <= na)
				done[active[resp->errindex - 1]] = 1;
			else
				for (size_t k = 0; k < na; k++)
					done[active[k]] = 1;
			snmp_free_pdu(resp);
			continue;
		}
		if (resp->errstat != SNMP_ERR_NOERROR) {
			rc = errstat_error(c, resp, err);
			snmp_free_pdu(resp);
			goto out;
		}
		size_t k = 0;
		int progress = 0;
		for (netsnmp_variable_list *vb = resp->variables; vb; vb = vb->next_variable, k++) {
			size_t col = active[k % na];
			if (done[col])
				continue;
			size_t cl = plen + 1;
			if (vb->type == SNMP_ENDOFMIBVIEW || vb->name_length <= cl ||
			    snmp_oid_compare(vb->name, cl, last[col], cl) != 0 ||
			    snmp_oid_compare(vb->name, vb->name_length, last[col], last_len[col]) <= 0) {
				done[col] = 1;
				continue;
			}
			struct lw_row *row = row_at(t, &cursor[col], vb->name + cl, vb->name_length - cl);
			if (!row) {
				snmp_free_pdu(resp);
				rc = LW_EXIT_FAILED;
				lw_error_set(err, 12, "out of memory");
				goto out;
			}
			lw_val_free(&row->vals[col]);
			val_from(&row->vals[col], vb, t->cols[col]->type);
			memcpy(last[col], vb->name, vb->name_length * sizeof(oid));
			last_len[col] = vb->name_length;
			progress = 1;
		}
		snmp_free_pdu(resp);
		if (!progress)
			break;
	}
out:
	free(last);
	free(last_len);
	free(cursor);
	free(done);
	if (rc)
		lw_table_free(t);
	return rc;
}

int lw_client_table_all(struct lw_client *c, const struct lw_obj_group *g, size_t max_rows,
			struct lw_table *t, struct lw_error *err)
{
	const char *names[64];
	size_t n = 0;
	for (size_t i = 0; i < g->nobjs && n < 63; i++)
		if (g->objs[i].readable)
			names[n++] = g->objs[i].name;
	names[n] = NULL;
	return lw_client_table(c, g, names, max_rows, t, err);
}

int lw_client_scalars(struct lw_client *c, const struct lw_obj_group *g, struct lw_table *t,
		      struct lw_error *err)
{
	memset(t, 0, sizeof(*t));
	t->group = g;
	size_t n = 0;
	t->cols = calloc(g->nobjs ? g->nobjs : 1, sizeof(*t->cols));
	unsigned (*oids)[16] = calloc(g->nobjs ? g->nobjs : 1, sizeof(*oids));
	const unsigned **ptrs = calloc(g->nobjs ? g->nobjs : 1, sizeof(*ptrs));
	size_t *lens = calloc(g->nobjs ? g->nobjs : 1, sizeof(*lens));
	t->rows = calloc(1, sizeof(*t->rows));
	int rc = 0;
	if (!t->cols || !oids || !ptrs || !lens || !t->rows) {
		rc = LW_EXIT_FAILED;
		lw_error_set(err, 12, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < g->nobjs; i++) {
		if (!g->objs[i].readable)
			continue;
		t->cols[n] = &g->objs[i];
		memcpy(oids[n], g->oid, g->oid_len * sizeof(unsigned));
		oids[n][g->oid_len] = g->objs[i].sub;
		oids[n][g->oid_len + 1] = 0;  /* a scalar's instance */
		ptrs[n] = oids[n];
		lens[n] = g->oid_len + 2;
		n++;
	}
	t->ncols = n;
	t->rows[0].vals = calloc(n ? n : 1, sizeof(struct lw_val));
	if (!t->rows[0].vals) {
		rc = LW_EXIT_FAILED;
		lw_error_set(err, 12, "out of memory");
		goto out;
	}
	t->cap = t->nrows = 1;
	enum lw_obj_type *types = calloc(n ? n : 1, sizeof(*types));
	if (!types) {
		rc = LW_EXIT_FAILED;
		lw_error_set(err, 12, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		types[i] = t->cols[i]->type;
	rc = lw_client_get(c, ptrs, lens, n, types, t->rows[0].vals, err);
	free(types);
out:
	free(oids);
	free(ptrs);
	free(lens);
	if (rc)
		lw_table_free(t);
	return rc;
}

int lw_client_check_mib(struct lw_client *c, struct lw_error *err)
{
	const struct lw_obj_group *g = lw_obj_group_find("lwAgent");
	const struct lw_obj *o = lw_obj_find(g, "lwAgentVersion");
	unsigned name[16];
	memcpy(name, g->oid, g->oid_len * sizeof(unsigned));
	name[g->oid_len] = o->sub;
	name[g->oid_len + 1] = 0;
	const unsigned *ptr = name;
	size_t len = g->oid_len + 2;
	struct lw_val v = { 0 };
	int rc = lw_client_get(c, &ptr, &len, 1, NULL, &v, err);
	if (rc)
		return rc;
	int ok = v.kind == LW_V_TEXT;
	lw_val_free(&v);
	if (!ok) {
		lw_error_set(err, 2, "%s answers but serves no LEAKWATCH-MIB (no lwAgentVersion.0):"
			     " is leakwatchd running, and connected to this snmpd over AgentX?", c->peer);
		return LW_EXIT_NO_MIB;
	}
	return 0;
}
