/* lw_config.h: leakwatchd.conf, snmpd.conf-style directives parsed into a plain struct. */
#ifndef LW_CONFIG_H
#define LW_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"
#include "config/history_settings.h"
#include "config/thresholds.h"

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

/* What the process collector publishes (process_* directives). */
struct lw_proc_config {
	size_t ninclude, nexclude;
	char include[LW_CONFIG_MAX_PATTERNS][LW_CONFIG_PATTERN_MAX];  /* shell globs on names */
	char exclude[LW_CONFIG_MAX_PATTERNS][LW_CONFIG_PATTERN_MAX];
	uint64_t min_rss_kb;
	uint32_t max_rows;
	uint32_t top_n;
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
	size_t ntrapsinks;
	struct lw_trapsink trapsinks[LW_CONFIG_MAX_TRAPSINKS];
	struct lw_proc_config proc;
	struct lw_tcp_config tcp;
	struct lw_mcast_config mcast;
	char state_dir[256];       /* history.db and the thresholds set over SNMP */
	struct lw_history_settings history;  /* history.path: STATE_DIR/history.db */
	struct lw_thresholds thresholds;  /* the file's values; SNMP SETs persist on top */
	unsigned threshold_line[LW_TH_COUNT];  /* where each was set, for messages; 0 default */
};

void lw_config_defaults(struct lw_config *cfg);

/*
 * Parses buf as the contents of a file called name, on top of the values already in cfg.
 * On error cfg is unchanged and err->text is "NAME:LINE: message".
 */
int lw_config_parse(const char *name, const char *buf, size_t len, struct lw_config *cfg,
		    struct lw_error *err);

/* Defaults, then the file. A file that cannot be read is an error that names it. */
int lw_config_load(const char *path, struct lw_config *cfg, struct lw_error *err);

#endif
