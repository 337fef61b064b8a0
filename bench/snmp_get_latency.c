/* snmp_get_latency: time interleaved SNMPv2c GETs of two OIDs over one session, print percentiles. */
/* SPDX-License-Identifier: ISC */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clock_gettime, getopt, setenv even under -std=c11 */
#endif
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_REQUESTS 2000L
#define DEFAULT_WARMUP 50L
#define DEFAULT_TIMEOUT_MS 1000L
#define MAX_REQUESTS 10000000L
#define MAX_ERROR_LINES 5

static long error_lines; /* error messages printed so far */

struct target {
    const char *text;    /* OID as given on the command line */
    oid name[MAX_OID_LEN];
    size_t name_len;
    uint64_t *ns;        /* latencies of the successful timed GETs */
    long count;          /* timed GETs sent */
    long errors;         /* timed GETs that failed */
    long ok;             /* entries used in ns */
    long warmup_errors;  /* warm-up GETs that failed */
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: snmp_get_latency -p PEER -c COMMUNITY [-n N] [-w WARMUP] [-t TIMEOUT_MS]\n"
            "                        OID_A OID_B\n"
            "  -p PEER        e.g. udp:127.0.0.1:11161\n"
            "  -c COMMUNITY   SNMPv2c community\n"
            "  -n N           timed GETs of each OID (default %ld)\n"
            "  -w WARMUP      untimed warm-up GETs of each OID (default %ld)\n"
            "  -t TIMEOUT_MS  per-request timeout, no retries (default %ld)\n"
            "OIDs are numeric (.1.3.6.1.2.1.1.3.0); the GETs alternate A B B A A B ...\n",
            DEFAULT_REQUESTS, DEFAULT_WARMUP, DEFAULT_TIMEOUT_MS);
}

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Dotted decimal only, so no MIB files are ever loaded. */
static int parse_oid(const char *s, oid *name, size_t *len)
{
    const char *p = s;
    size_t n = 0;

    if (*p == '.')
        p++;
    while (*p != '\0') {
        char *end;
        unsigned long v;

        if (*p < '0' || *p > '9' || n >= MAX_OID_LEN)
            return -1;
        errno = 0;
        v = strtoul(p, &end, 10);
        if (errno != 0 || v > 0xffffffffUL)
            return -1;
        name[n++] = (oid)v;
        p = end;
        if (*p == '.') {
            p++;
            if (*p == '\0')
                return -1;
        } else if (*p != '\0') {
            return -1;
        }
    }
    if (n < 2)
        return -1;
    *len = n;
    return 0;
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Report a failed GET on stderr; only the first few, then one line saying the rest are not shown. */
static void report(const struct target *t, const char *why)
{
    if (error_lines < MAX_ERROR_LINES)
        fprintf(stderr, "snmp_get_latency: %s: %s\n", t->text, why);
    else if (error_lines == MAX_ERROR_LINES)
        fprintf(stderr, "snmp_get_latency: further errors not shown\n");
    error_lines++;
}

/* One GET; returns 0 on a usable value and stores the elapsed time in *ns. */
static int get_once(void *sess, const struct target *t, uint64_t *ns)
{
    netsnmp_pdu *pdu, *resp = NULL;
    uint64_t start;
    int status, rc = -1;
    const char *why = NULL;

    pdu = snmp_pdu_create(SNMP_MSG_GET);
    if (pdu == NULL)
        return -1;
    snmp_add_null_var(pdu, t->name, t->name_len);
    start = now_ns();
    status = snmp_sess_synch_response(sess, pdu, &resp);
    *ns = now_ns() - start;
    if (status != STAT_SUCCESS || resp == NULL) {
        char *msg = NULL;

        snmp_sess_error(sess, NULL, NULL, &msg);
        report(t, msg != NULL ? msg : (status == STAT_TIMEOUT ? "timeout" : "send/receive error"));
        free(msg);
    } else if (resp->errstat != SNMP_ERR_NOERROR) {
        why = snmp_errstring((int)resp->errstat);
    } else if (resp->variables == NULL) {
        why = "empty response";
    } else if (resp->variables->type == SNMP_NOSUCHOBJECT) {
        why = "noSuchObject";
    } else if (resp->variables->type == SNMP_NOSUCHINSTANCE) {
        why = "noSuchInstance";
    } else if (resp->variables->type == SNMP_ENDOFMIBVIEW) {
        why = "endOfMibView";
    } else {
        rc = 0;
    }
    if (why != NULL)
        report(t, why);
    if (resp != NULL)
        snmp_free_pdu(resp);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array, in microseconds. */
static double pct_us(const struct target *t, int pct)
{
    long rank = (long)(((long long)pct * t->ok + 99) / 100);

    if (rank < 1)
        rank = 1;
    return (double)t->ns[rank - 1] / 1000.0;
}

static void print_target(const char *key, const struct target *t)
{
    printf("%s.oid: %s\n", key, t->text);
    printf("%s.count: %ld\n", key, t->count);
    printf("%s.errors: %ld\n", key, t->errors);
    if (t->ok == 0) {
        printf("%s.p50_us: n/a\n%s.p90_us: n/a\n%s.p99_us: n/a\n%s.max_us: n/a\n",
               key, key, key, key);
        return;
    }
    printf("%s.p50_us: %.1f\n", key, pct_us(t, 50));
    printf("%s.p90_us: %.1f\n", key, pct_us(t, 90));
    printf("%s.p99_us: %.1f\n", key, pct_us(t, 99));
    printf("%s.max_us: %.1f\n", key, (double)t->ns[t->ok - 1] / 1000.0);
}

static void print_ratio(const char *key, const struct target *a, const struct target *b, int pct)
{
    if (a->ok == 0 || b->ok == 0 || pct_us(b, pct) <= 0.0)
        printf("%s: n/a\n", key);
    else
        printf("%s: %.3f\n", key, pct_us(a, pct) / pct_us(b, pct));
}

int main(int argc, char **argv)
{
    const char *peer = NULL, *community = NULL;
    long requests = DEFAULT_REQUESTS, warmup = DEFAULT_WARMUP, timeout_ms = DEFAULT_TIMEOUT_MS;
    struct target t[2];
    netsnmp_session cfg;
    void *sess;
    long i;
    int opt, k;

    while ((opt = getopt(argc, argv, "p:c:n:w:t:h")) != -1) {
        switch (opt) {
        case 'p': peer = optarg; break;
        case 'c': community = optarg; break;
        case 'n':
            if (parse_long(optarg, 1, MAX_REQUESTS, &requests) != 0) {
                fprintf(stderr, "snmp_get_latency: -n: '%s' is out of range 1..%ld\n",
                        optarg, MAX_REQUESTS);
                return 2;
            }
            break;
        case 'w':
            if (parse_long(optarg, 0, MAX_REQUESTS, &warmup) != 0) {
                fprintf(stderr, "snmp_get_latency: -w: '%s' is out of range 0..%ld\n",
                        optarg, MAX_REQUESTS);
                return 2;
            }
            break;
        case 't':
            if (parse_long(optarg, 1, 60000, &timeout_ms) != 0) {
                fprintf(stderr, "snmp_get_latency: -t: '%s' is out of range 1..60000\n", optarg);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (peer == NULL || community == NULL || argc - optind != 2) {
        usage(stderr);
        return 2;
    }
    memset(t, 0, sizeof(t));
    for (k = 0; k < 2; k++) {
        t[k].text = argv[optind + k];
        if (parse_oid(t[k].text, t[k].name, &t[k].name_len) != 0) {
            fprintf(stderr, "snmp_get_latency: '%s' is not a numeric OID\n", t[k].text);
            return 2;
        }
        t[k].ns = calloc((size_t)requests, sizeof(*t[k].ns));
        if (t[k].ns == NULL) {
            fprintf(stderr, "snmp_get_latency: out of memory\n");
            return 1;
        }
    }

    /* No snmp.conf (it could set defVersion 3) and no MIB files: only what is given here. */
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    setenv("MIBS", "", 1);
    init_snmp("snmp_get_latency");

    snmp_sess_init(&cfg);
    cfg.version = SNMP_VERSION_2c;
    cfg.peername = (char *)peer;
    cfg.community = (u_char *)community;
    cfg.community_len = strlen(community);
    cfg.timeout = timeout_ms * 1000L;
    cfg.retries = 0;
    sess = snmp_sess_open(&cfg);
    if (sess == NULL) {
        char *msg = NULL;

        snmp_error(&cfg, NULL, NULL, &msg);
        fprintf(stderr, "snmp_get_latency: cannot open session to %s: %s\n", peer,
                msg != NULL ? msg : "unknown error");
        free(msg);
        return 1;
    }

    /* Pairs alternate A,B then B,A so neither OID always goes first. */
    for (i = 0; i < warmup + requests; i++) {
        for (k = 0; k < 2; k++) {
            struct target *cur = &t[(i & 1) ? 1 - k : k];
            uint64_t ns;
            int rc = get_once(sess, cur, &ns);

            if (i < warmup) {
                cur->warmup_errors += rc != 0;
                continue;
            }
            cur->count++;
            if (rc != 0)
                cur->errors++;
            else
                cur->ns[cur->ok++] = ns;
        }
    }
    snmp_sess_close(sess);
    snmp_shutdown("snmp_get_latency");

    for (k = 0; k < 2; k++)
        qsort(t[k].ns, (size_t)t[k].ok, sizeof(*t[k].ns), cmp_u64);
    printf("peer: %s\n", peer);
    printf("requests_per_oid: %ld\n", requests);
    printf("warmup_per_oid: %ld\n", warmup);
    printf("warmup.errors: %ld\n", t[0].warmup_errors + t[1].warmup_errors);
    print_target("a", &t[0]);
    print_target("b", &t[1]);
    print_ratio("ratio.p50", &t[0], &t[1], 50);
    print_ratio("ratio.p99", &t[0], &t[1], 99);
    fflush(stdout);

    k = t[0].errors || t[1].errors || t[0].warmup_errors || t[1].warmup_errors;
    free(t[0].ns);
    free(t[1].ns);
    return k ? 1 : 0;
}
