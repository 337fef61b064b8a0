/* lw_config.h: leakwatchd.conf parsed into one immutable, reference-counted configuration per load. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CONFIG_H
#define LW_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"
#include "config/history_settings.h"
#include "config/thresholds.h"
#include "config/v3users.h"

#define LW_CONFIG_DEFAULT_INTERVAL 60
#define LW_CONFIG_DEFAULT_PING 5
#define LW_CONFIG_MAX_COMMUNITIES 16
#define LW_CONFIG_MAX_TRAPSINKS 8
#define LW_CONFIG_LINE_MAX 1024
#define LW_CONFIG_MAX_PATTERNS 32
#define LW_CONFIG_PATTERN_MAX 64
#define LW_CONFIG_DEFAULT_MAX_ROWS 20000
#define LW_CONFIG_DEFAULT_TOP 10
#define LW_CONFIG_MAX_TOP 100
#define LW_CONFIG_DEFAULT_TCP_TOP 5
#define LW_CONFIG_MAX_TCP_TOP 50          /* = LW_TCP_TOP_MAX */
#define LW_CONFIG_DEFAULT_TCP_PORTS 1024
#define LW_CONFIG_DEFAULT_KERNEL_INTERVAL 60
#define LW_CONFIG_MAX_MCAST_IFACES 16
#define LW_CONFIG_DEFAULT_MCAST_BUFFER (8u << 20)
#define LW_CONFIG_DEFAULT_MCAST_SNAPLEN 128
#define LW_CONFIG_MIN_MCAST_SNAPLEN 96     /* Ethernet, two VLAN tags and a 60-byte IPv4 header */
#define LW_CONFIG_DEFAULT_MCAST_GROUPS 1024
#ifndef LW_DEFAULT_STATE_DIR
#define LW_DEFAULT_STATE_DIR "/var/lib/leakwatch"
#endif

struct lw_community {
	char name[64];
	char source[64];   /* "" = any source; else an address or address/prefix */
	int family;        /* AF_INET or AF_INET6 when source is set */
};

struct lw_trapsink {
	char host[128];    /* host or host:port, as net-snmp's trap2sink takes it */
	char community[64];
};

/*
 * How lwProcCmdline publishes a command line (process_cmdline): argv often carries secrets
 * (mysql -pSECRET, --token=...), and the read community is not a secret boundary.
 */
enum lw_cmdline_mode {
	LW_CMDLINE_MASK = 0,  /* the default: secret-looking values replaced (src/proc/cmdmask.h) */
	LW_CMDLINE_YES,       /* as the process has it */
	LW_CMDLINE_NO,        /* not published: lwProcCmdline is absent */
};

/* What the process collector publishes (process_* directives). */
struct lw_proc_config {
	size_t ninclude, nexclude;
	char include[LW_CONFIG_MAX_PATTERNS][LW_CONFIG_PATTERN_MAX];  /* shell globs on names */
	char exclude[LW_CONFIG_MAX_PATTERNS][LW_CONFIG_PATTERN_MAX];
	uint64_t min_rss_kb;
	uint32_t max_rows;
	uint32_t top_n;
	uint8_t cmdline;     /* enum lw_cmdline_mode */
};

/* What the TCP collector publishes (tcp_* directives). */
struct lw_tcp_config {
	uint32_t top_n;      /* lwTcpTopRemoteTable rows per state */
	uint32_t max_ports;  /* lwTcpPortStateTable rows */
};

/* Which frames a multicast capture sees (pcap_setdirection). */
enum lw_mcast_direction { LW_MCAST_DIR_IN = 1, LW_MCAST_DIR_OUT = 2, LW_MCAST_DIR_INOUT = 3 };

/* The multicast captures (mcast_* directives); read at start only. */
struct lw_mcast_config {
	size_t ninterfaces;
	char interfaces[LW_CONFIG_MAX_MCAST_IFACES][16];  /* IFNAMSIZ */
	uint32_t buffer_bytes;   /* kernel capture ring per interface */
	uint32_t snaplen;
	uint32_t max_groups;     /* group rows per interface */
	enum lw_mcast_direction direction;
};

struct lw_config {
	uint32_t interval_s;
	uint32_t kernel_interval_s;  /* slabinfo, zoneinfo, buddyinfo */
	uint32_t agentx_ping_interval_s;
	char agentx_socket[256];  /* "" = net-snmp's default */
	char root[1024];
	size_t ncommunities;
	struct lw_community communities[LW_CONFIG_MAX_COMMUNITIES];
	struct lw_v3users v3;      /* standalone master: createUser, rouser, rwuser */
	size_t ntrapsinks;
	struct lw_trapsink trapsinks[LW_CONFIG_MAX_TRAPSINKS];
	struct lw_proc_config proc;
	struct lw_tcp_config tcp;
	struct lw_mcast_config mcast;
	char state_dir[256];       /* history.db and the thresholds set over SNMP */
	struct lw_history_settings history;  /* history.path: STATE_DIR/history.db */
	struct lw_thresholds thresholds;  /* the file's values; SNMP SETs persist on top */
	unsigned threshold_line[LW_TH_COUNT];  /* where each was set, for messages; 0 default */
	unsigned interval_line;    /* where interval was set, for messages; 0 default */
};

/*
 * One configuration per load, shared by reference
 * ------------------------------------------------
 * lw_config_new, lw_config_dup and lw_config_load return a heap object holding one reference.
 * Its creator may fill it in until it shares it; from then on nobody writes it, so every holder
 * reads it without a lock. The agent thread, the sampler and the collect state each hold a
 * reference to the one in force (lw_config_ref) and drop it (lw_config_unref) when they move to
 * another; the last drop frees it. The count is atomic because the agent thread and the sampler
 * thread drop references to the same object.
 *
 * A change (a SIGHUP reload, a threshold SET) never edits the object in force: it builds a new
 * one (lw_config_load, or lw_config_dup and an edit), swaps the agent's pointer and hands the new
 * one to the sampler with lw_sampler_configure. The hand-over keeps today's thread-safety story:
 * lw_sampler_configure stores the pointer under the sampler's lock and wakes it; the sampler
 * thread, under that lock and only between cycles, passes it to the collect state
 * (lw_collect_set_config), which takes its own reference and drops the old one. A cycle thus
 * runs from start to end on one configuration, and an old object lives until the last thread
 * that used it has moved on.
 *
 * Values frozen for a reason are copied out, and say why where they are: the snapshot's
 * interval (what the cycle ran with, published with it), the history writer's settings (fixed
 * for the life of its file), the capture threads' settings (fixed while they run).
 *
 * A struct lw_config that is a plain value (on the stack: lw_config_defaults and
 * lw_config_parse, as the tests and the fuzzer use them) has no count: never pass one to
 * lw_config_ref, lw_config_unref, the sampler or the collect state.
 */

/* A heap configuration with the defaults and one reference; NULL when out of memory. */
struct lw_config *lw_config_new(void);

/* A heap copy of cfg (a shared object or a plain value) with one reference; NULL: no memory. */
struct lw_config *lw_config_dup(const struct lw_config *cfg);

/* Takes a reference to a heap configuration; returns it. */
const struct lw_config *lw_config_ref(const struct lw_config *cfg);

/* Drops a reference; the last one frees the object. NULL is a no-op. */
void lw_config_unref(const struct lw_config *cfg);

/* Fills a plain value with the defaults (and the history path under the default state_dir). */
void lw_config_defaults(struct lw_config *cfg);

/*
 * Parses buf as the contents of a file called name, on top of the values already in cfg.
 * On error cfg is unchanged and err->text is "NAME:LINE: message".
 */
int lw_config_parse(const char *name, const char *buf, size_t len, struct lw_config *cfg,
		    struct lw_error *err);

/*
 * Whether a leak_window of window seconds holds with cfg's interval (at least ten intervals,
 * leakwatchd.conf(5)); for thresholds that do not come from the file (SET, persisted ones).
 * The message names directives.
 */
int lw_config_check_window(const struct lw_config *cfg, uint32_t window, struct lw_error *err);

/* Defaults, then the file, into a new heap object (*out, one reference, not yet shared). A file
 * that cannot be read is an error that names it; *out is then NULL. */
int lw_config_load(const char *path, struct lw_config **out, struct lw_error *err);

/*
 * What a reload may change at once: the intervals, process_*, tcp_* and the thresholds. The rest
 * (root, agentx, access, mcast_*, state_dir, history_*) is wired in at start, so a reloaded
 * object takes those from the running one, and keeps describing what is in force.
 */
void lw_config_keep_start_settings(struct lw_config *next, const struct lw_config *running);

/* The i-th directive of the parser's table (the thresholds' are lw_threshold_def's), NULL past
 * the last: the example leakwatchd.conf is checked against it (tests/unit/test_config_example.c). */
const char *lw_config_directive_name(size_t i);

#endif
