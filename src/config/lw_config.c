/* lw_config.c: parser for leakwatchd.conf; every error names the file and line. */
/* SPDX-License-Identifier: ISC */
#include "config/lw_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_ARGS 8

struct line {
	const char *file;
	unsigned no;
	int argc;
	char *argv[MAX_ARGS];
};

static int line_error(const struct line *l, struct lw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int line_error(const struct line *l, struct lw_error *err, const char *fmt, ...)
{
	char msg[LW_ERROR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lw_error_set(err, EINVAL, "%s:%u: %s", l->file, l->no, msg);
}

static int want_args(const struct line *l, int min, int max, const char *usage,
		     struct lw_error *err)
{
	if (l->argc - 1 < min || l->argc - 1 > max)
		return line_error(l, err, "%s: usage: %s", l->argv[0], usage);
	return 0;
}

static int parse_number(const struct line *l, const char *what, uint64_t lo, uint64_t hi,
			uint64_t *out, struct lw_error *err)
{
	const char *s = l->argv[1];
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return line_error(l, err, "%s: '%s' is not a number of %s", l->argv[0], s, what);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		return line_error(l, err, "%s: '%s' is not a number of %s", l->argv[0], s, what);
	if (errno == ERANGE || v < lo || v > hi)
		return line_error(l, err, "%s: '%s' is out of range %llu..%llu", l->argv[0], s,
				  (unsigned long long)lo, (unsigned long long)hi);
	*out = v;
	return 0;
}

static int parse_u32(const struct line *l, const char *what, uint32_t lo, uint32_t hi,
		     uint32_t *out, struct lw_error *err)
{
	uint64_t v;

	if (parse_number(l, what, lo, hi, &v, err))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int parse_seconds(const struct line *l, uint32_t lo, uint32_t hi, uint32_t *out,
			 struct lw_error *err)
{
	return parse_u32(l, "seconds", lo, hi, out, err);
}

static int copy_arg(const struct line *l, int i, char *dst, size_t cap, struct lw_error *err)
{
	size_t n = strlen(l->argv[i]);

	if (n >= cap)
		return line_error(l, err, "%s: argument %d is longer than %zu characters", l->argv[0],
				  i, cap - 1);
	memcpy(dst, l->argv[i], n + 1);
	return 0;
}

/* Accepts "ADDR" or "ADDR/PREFIX" for IPv4 and IPv6, and "default" for any source. */
static int parse_source(const struct line *l, const char *src, struct lw_community *c,
			struct lw_error *err)
{
	char addr[64];
	unsigned char bin[16];
	const char *slash = strchr(src, '/');
	size_t alen = slash ? (size_t)(slash - src) : strlen(src);
	int maxbits;

	if (strcmp(src, "default") == 0) {
		c->source[0] = '\0';
		return 0;
	}
	if (alen == 0 || alen >= sizeof(addr))
		return line_error(l, err, "rocommunity: bad source '%s'", src);
	memcpy(addr, src, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, bin) == 1) {
		c->family = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, addr, bin) == 1) {
		c->family = AF_INET6;
		maxbits = 128;
	} else {
		return line_error(l, err, "rocommunity: source '%s' is not an IPv4 or IPv6 address",
				  addr);
	}
	if (slash != NULL) {
		char *end;
		long bits = strtol(slash + 1, &end, 10);

		if (slash[1] == '\0' || *end != '\0' || bits < 0 || bits > maxbits)
			return line_error(l, err, "rocommunity: bad prefix length in '%s'", src);
	}
	if (strlen(src) >= sizeof(c->source))
		return line_error(l, err, "rocommunity: source '%s' too long", src);
	strcpy(c->source, src);
	return 0;
}

static int do_interval(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "interval SECONDS", err))
		return -1;
	if (parse_seconds(l, 1, 86400, &cfg->interval_s, err))
		return -1;
	cfg->interval_line = l->no;
	return 0;
}

static int do_kernel_interval(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "kernel_interval SECONDS", err))
		return -1;
	return parse_seconds(l, 1, 86400, &cfg->kernel_interval_s, err);
}

static int do_ping(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "agentx_ping_interval SECONDS", err))
		return -1;
	return parse_seconds(l, 1, 3600, &cfg->agentx_ping_interval_s, err);
}

static int do_socket(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "agentx_socket unix:/PATH|tcp:HOST:PORT", err))
		return -1;
	return copy_arg(l, 1, cfg->agentx_socket, sizeof(cfg->agentx_socket), err);
}

static int do_root(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "root DIRECTORY", err))
		return -1;
	if (l->argv[1][0] != '/')
		return line_error(l, err, "root: '%s' is not an absolute path", l->argv[1]);
	return copy_arg(l, 1, cfg->root, sizeof(cfg->root), err);
}

static int do_rocommunity(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	struct lw_community c;

	if (want_args(l, 1, 2, "rocommunity COMMUNITY [SOURCE]", err))
		return -1;
	if (cfg->ncommunities == LW_CONFIG_MAX_COMMUNITIES)
		return line_error(l, err, "rocommunity: at most %d communities",
				  LW_CONFIG_MAX_COMMUNITIES);
	memset(&c, 0, sizeof(c));
	if (copy_arg(l, 1, c.name, sizeof(c.name), err))
		return -1;
	if (l->argc == 3 && parse_source(l, l->argv[2], &c, err))
		return -1;
	cfg->communities[cfg->ncommunities++] = c;
	return 0;
}

/* SNMPv3 users (src/config/v3users.c): the module's message gets this line's location. */
static int do_create_user(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (lw_v3users_create(&cfg->v3, l->argc, l->argv, l->no, err))
		return line_error(l, err, "%s", err->text);
	return 0;
}

static int do_user_access(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (lw_v3users_access(&cfg->v3, l->argc, l->argv, l->no, err))
		return line_error(l, err, "%s", err->text);
	return 0;
}

static int do_trap2sink(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	struct lw_trapsink t;

	if (want_args(l, 2, 2, "trap2sink HOST[:PORT] COMMUNITY", err))
		return -1;
	if (cfg->ntrapsinks == LW_CONFIG_MAX_TRAPSINKS)
		return line_error(l, err, "trap2sink: at most %d sinks", LW_CONFIG_MAX_TRAPSINKS);
	memset(&t, 0, sizeof(t));
	if (copy_arg(l, 1, t.host, sizeof(t.host), err) ||
	    copy_arg(l, 2, t.community, sizeof(t.community), err))
		return -1;
	cfg->trapsinks[cfg->ntrapsinks++] = t;
	return 0;
}

static int add_pattern(const struct line *l, size_t *n,
		       char list[][LW_CONFIG_PATTERN_MAX], struct lw_error *err)
{
	if (want_args(l, 1, 1, l->argv[0][8] == 'i' ? "process_include PATTERN"
						     : "process_exclude PATTERN", err))
		return -1;
	if (*n == LW_CONFIG_MAX_PATTERNS)
		return line_error(l, err, "%s: at most %d patterns", l->argv[0],
				  LW_CONFIG_MAX_PATTERNS);
	if (copy_arg(l, 1, list[*n], LW_CONFIG_PATTERN_MAX, err))
		return -1;
	(*n)++;
	return 0;
}

static int do_include(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	return add_pattern(l, &cfg->proc.ninclude, cfg->proc.include, err);
}

static int do_exclude(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	return add_pattern(l, &cfg->proc.nexclude, cfg->proc.exclude, err);
}

static int do_min_rss(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "process_min_rss KIB", err))
		return -1;
	return parse_number(l, "KiB", 0, UINT64_C(1) << 40, &cfg->proc.min_rss_kb, err);
}

static int do_max_rows(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "process_max_rows N", err))
		return -1;
	return parse_u32(l, "rows", 1, 1000000, &cfg->proc.max_rows, err);
}

static int do_top(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "process_top N", err))
		return -1;
	return parse_u32(l, "rows", 1, LW_CONFIG_MAX_TOP, &cfg->proc.top_n, err);
}

static int do_cmdline(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	static const char *const modes[] = { [LW_CMDLINE_MASK] = "mask", [LW_CMDLINE_YES] = "yes",
					     [LW_CMDLINE_NO] = "no" };

	if (want_args(l, 1, 1, "process_cmdline yes|no|mask", err))
		return -1;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(l->argv[1], modes[i]) == 0) {
			cfg->proc.cmdline = (uint8_t)i;
			return 0;
		}
	return line_error(l, err, "process_cmdline: '%s' is not yes, no or mask", l->argv[1]);
}

static int do_tcp_top(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "tcp_top N", err))
		return -1;
	return parse_u32(l, "rows per state", 1, LW_CONFIG_MAX_TCP_TOP, &cfg->tcp.top_n, err);
}

static int do_tcp_ports(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "tcp_max_ports N", err))
		return -1;
	return parse_u32(l, "ports", 1, UINT16_MAX, &cfg->tcp.max_ports, err);
}

static int do_mcast_interface(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	struct lw_mcast_config *m = &cfg->mcast;

	if (want_args(l, 1, 1, "mcast_interface IFNAME", err))
		return -1;
	if (m->ninterfaces == LW_CONFIG_MAX_MCAST_IFACES)
		return line_error(l, err, "mcast_interface: at most %d interfaces",
				  LW_CONFIG_MAX_MCAST_IFACES);
	for (size_t i = 0; i < m->ninterfaces; i++)
		if (strcmp(m->interfaces[i], l->argv[1]) == 0)
			return line_error(l, err, "mcast_interface: '%s' is already configured",
					  l->argv[1]);
	/* "any" would count a frame once per interface it crosses and has no ifIndex; the
	 * rest is what Linux refuses in a device name (and what would leave sys/class/net/). */
	if (strcmp(l->argv[1], "any") == 0 || strcmp(l->argv[1], ".") == 0 ||
	    strcmp(l->argv[1], "..") == 0 || strpbrk(l->argv[1], "/:") != NULL)
		return line_error(l, err, "mcast_interface: '%s' is not an interface name",
				  l->argv[1]);
	if (copy_arg(l, 1, m->interfaces[m->ninterfaces], sizeof(m->interfaces[0]), err))
		return -1;
	m->ninterfaces++;
	return 0;
}

/* The power of 1024 a size suffix stands for: "" 0, K 10, M 20, G 30; -1 for anything else. */
static int size_shift(const char *suffix)
{
	static const char units[] = "KMG";

	if (suffix[0] == '\0')
		return 0;
	if (suffix[1] != '\0')
		return -1;
	for (int i = 0; units[i] != '\0'; i++)
		if (suffix[0] == units[i] || suffix[0] == units[i] + ('a' - 'A'))
			return 10 * (i + 1);
	return -1;
}

/* BYTES with an optional K, M or G (powers of 1024). */
static int do_mcast_buffer(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	const uint64_t lo = 64u << 10, hi = 1u << 30;
	const char *s;
	char *end;
	unsigned long long v;
	int shift;

	if (want_args(l, 1, 1, "mcast_buffer_size BYTES[K|M|G]", err))
		return -1;
	s = l->argv[1];
	errno = 0;
	v = strtoull(s, &end, 10);
	shift = size_shift(end);
	if (*s < '0' || *s > '9' || shift < 0)
		return line_error(l, err, "mcast_buffer_size: '%s' is not a number of bytes", s);
	if (errno == ERANGE || v > (hi >> shift) || (v << shift) < lo)
		return line_error(l, err, "mcast_buffer_size: '%s' is out of range %llu..%llu", s,
				  (unsigned long long)lo, (unsigned long long)hi);
	cfg->mcast.buffer_bytes = (uint32_t)(v << shift);
	return 0;
}

static int do_mcast_snaplen(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "mcast_snaplen BYTES", err))
		return -1;
	return parse_u32(l, "bytes", LW_CONFIG_MIN_MCAST_SNAPLEN, UINT16_MAX, &cfg->mcast.snaplen,
			 err);
}

static int do_mcast_groups(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "mcast_max_groups N", err))
		return -1;
	return parse_u32(l, "groups", 1, 65536, &cfg->mcast.max_groups, err);
}

static int do_mcast_direction(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	static const char *const names[] = { [LW_MCAST_DIR_IN] = "in", [LW_MCAST_DIR_OUT] = "out",
					     [LW_MCAST_DIR_INOUT] = "inout" };

	if (want_args(l, 1, 1, "mcast_direction in|out|inout", err))
		return -1;
	for (int d = LW_MCAST_DIR_IN; d <= LW_MCAST_DIR_INOUT; d++)
		if (strcmp(l->argv[1], names[d]) == 0) {
			cfg->mcast.direction = (enum lw_mcast_direction)d;
			return 0;
		}
	return line_error(l, err, "mcast_direction: '%s' is not in, out or inout", l->argv[1]);
}

static int do_state_dir(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "state_dir DIRECTORY", err))
		return -1;
	if (l->argv[1][0] != '/')
		return line_error(l, err, "state_dir: '%s' is not an absolute path", l->argv[1]);
	return copy_arg(l, 1, cfg->state_dir, sizeof(cfg->state_dir), err);
}

static int do_history(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "history yes|no", err))
		return -1;
	if (strcmp(l->argv[1], "yes") != 0 && strcmp(l->argv[1], "no") != 0)
		return line_error(l, err, "history: '%s' is not yes or no", l->argv[1]);
	cfg->history.enabled = strcmp(l->argv[1], "yes") == 0;
	return 0;
}

static int do_history_hours(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "history_full_hours HOURS", err))
		return -1;
	return parse_u32(l, "hours", 1, 8760, &cfg->history.full_hours, err);
}

static int do_history_window(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "history_window SECONDS", err))
		return -1;
	return parse_seconds(l, 60, 86400, &cfg->history.window_s, err);
}

static int do_history_days(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "history_days DAYS", err))
		return -1;
	return parse_u32(l, "days", 1, 3650, &cfg->history.days, err);
}

static int do_history_max(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	if (want_args(l, 1, 1, "history_max_mb MIB", err))
		return -1;
	return parse_u32(l, "MiB", 16, 1u << 20, &cfg->history.max_mb, err);
}

/* Every threshold directive: its range comes from the thresholds table. */
static int do_threshold(const struct line *l, struct lw_config *cfg, struct lw_error *err)
{
	int id = lw_threshold_by_directive(l->argv[0]);
	const struct lw_threshold_def *d = lw_threshold_def((enum lw_threshold_id)id);
	char usage[96];

	snprintf(usage, sizeof(usage), "%s N", l->argv[0]);
	if (want_args(l, 1, 1, usage, err))
		return -1;
	if (parse_u32(l, d->unit, d->lo, d->hi, &cfg->thresholds.v[id], err))
		return -1;
	cfg->threshold_line[id] = l->no;
	return 0;
}

static const struct directive {
	const char *name;
	int (*apply)(const struct line *l, struct lw_config *cfg, struct lw_error *err);
} directives[] = {
	{ "interval", do_interval },
	{ "kernel_interval", do_kernel_interval },
	{ "agentx_ping_interval", do_ping },
	{ "agentx_socket", do_socket },
	{ "root", do_root },
	{ "rocommunity", do_rocommunity },
	{ "trap2sink", do_trap2sink },
	{ "createUser", do_create_user },
	{ "rouser", do_user_access },
	{ "rwuser", do_user_access },
	{ "process_include", do_include },
	{ "process_exclude", do_exclude },
	{ "process_min_rss", do_min_rss },
	{ "process_max_rows", do_max_rows },
	{ "process_top", do_top },
	{ "process_cmdline", do_cmdline },
	{ "tcp_top", do_tcp_top },
	{ "tcp_max_ports", do_tcp_ports },
	{ "mcast_interface", do_mcast_interface },
	{ "mcast_buffer_size", do_mcast_buffer },
	{ "mcast_snaplen", do_mcast_snaplen },
	{ "mcast_max_groups", do_mcast_groups },
	{ "mcast_direction", do_mcast_direction },
	{ "state_dir", do_state_dir },
	{ "history", do_history },
	{ "history_full_hours", do_history_hours },
	{ "history_window", do_history_window },
	{ "history_days", do_history_days },
	{ "history_max_mb", do_history_max },
};

/* Splits text (NUL-terminated, modified in place) into blank-separated words up to a '#'. */
static int split_words(struct line *l, char *text, struct lw_error *err)
{
	char *p = text;

	l->argc = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '\0' || *p == '#')
			return 0;
		if (l->argc == MAX_ARGS)
			return line_error(l, err, "too many words (at most %d)", MAX_ARGS);
		l->argv[l->argc++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
}

static int apply_line(struct line *l, char *text, struct lw_config *cfg, struct lw_error *err)
{
	if (split_words(l, text, err))
		return -1;
	if (l->argc == 0)
		return 0;
	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (strcmp(l->argv[0], directives[i].name) == 0)
			return directives[i].apply(l, cfg, err);
	if (lw_threshold_by_directive(l->argv[0]) >= 0)
		return do_threshold(l, cfg, err);
	return line_error(l, err, "unknown directive '%s'", l->argv[0]);
}

/* The history file lives in state_dir, whichever line set it: derived after the whole file. */
static void history_path(struct lw_config *cfg)
{
	/* state_dir is at most 255 characters: the name always fits path's 512. */
	snprintf(cfg->history.path, sizeof(cfg->history.path), "%.*s/history.db",
		 (int)(sizeof(cfg->state_dir) - 1), cfg->state_dir);
}

void lw_config_defaults(struct lw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->interval_s = LW_CONFIG_DEFAULT_INTERVAL;
	cfg->kernel_interval_s = LW_CONFIG_DEFAULT_KERNEL_INTERVAL;
	cfg->agentx_ping_interval_s = LW_CONFIG_DEFAULT_PING;
	strcpy(cfg->root, "/");
	cfg->proc.max_rows = LW_CONFIG_DEFAULT_MAX_ROWS;
	cfg->proc.top_n = LW_CONFIG_DEFAULT_TOP;
	cfg->proc.cmdline = LW_CMDLINE_MASK;
	cfg->tcp.top_n = LW_CONFIG_DEFAULT_TCP_TOP;
	cfg->tcp.max_ports = LW_CONFIG_DEFAULT_TCP_PORTS;
	cfg->mcast.buffer_bytes = LW_CONFIG_DEFAULT_MCAST_BUFFER;
	cfg->mcast.snaplen = LW_CONFIG_DEFAULT_MCAST_SNAPLEN;
	cfg->mcast.max_groups = LW_CONFIG_DEFAULT_MCAST_GROUPS;
	cfg->mcast.direction = LW_MCAST_DIR_IN;
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s", LW_DEFAULT_STATE_DIR);
	lw_history_settings_default(&cfg->history);
	history_path(cfg);
	lw_thresholds_default(&cfg->thresholds);
}

/* Where a rule between directives is broken: the later of their lines (0: all defaults). */
static int rule_error(const char *name, unsigned line, const char *why, struct lw_error *err)
{
	if (line == 0)
		return lw_error_set(err, EINVAL, "%s: %s", name, why);
	return lw_error_set(err, EINVAL, "%s:%u: %s", name, line, why);
}

/*
 * The rules between directives that leakwatchd.conf(5) states, judged on the whole file (a
 * rule is broken by whichever of its directives came last, so the order of lines is free):
 * leak_window a multiple of 10 s, leak_warmup 0 or at least one leak_window, and a leak_window
 * the file gives at least ten intervals (the detector's floor is the minimum of a window: with fewer samples
 * than ten it is one sample, and a sawtooth counts as growth). The user lines (createUser,
 * rouser, rwuser) have theirs in lw_v3users_check.
 */
static int check_rules(const char *name, const struct lw_config *cfg, struct lw_error *err)
{
	enum lw_threshold_id bad;
	char why[LW_ERROR_TEXT_MAX];
	uint32_t window = cfg->thresholds.v[LW_TH_LEAK_WINDOW];
	unsigned line;

	if (lw_thresholds_consistent_named(&cfg->thresholds, LW_TH_NAMES_DIRECTIVE, &bad,
					   err) != 0) {
		snprintf(why, sizeof(why), "%s", err->text);
		line = cfg->threshold_line[bad];
		if (err->code == EINVAL && cfg->threshold_line[LW_TH_LEAK_WARMUP] > line)
			line = cfg->threshold_line[LW_TH_LEAK_WARMUP];
		if (err->code == EINVAL && cfg->threshold_line[LW_TH_LEAK_WINDOW] > line)
			line = cfg->threshold_line[LW_TH_LEAK_WINDOW];
		return rule_error(name, line, why, err);
	}
	/* Only a leak_window the file gives: the default (600 s) stays valid beside a long
	 * interval, as it was before the rule was checked (many files set only interval). */
	if (cfg->threshold_line[LW_TH_LEAK_WINDOW] != 0 &&
	    (uint64_t)window < 10 * (uint64_t)cfg->interval_s) {
		snprintf(why, sizeof(why), "leak_window %u s is shorter than ten intervals (interval "
			 "%u s: at least %u)", window, cfg->interval_s, 10 * cfg->interval_s);
		line = cfg->threshold_line[LW_TH_LEAK_WINDOW];
		if (cfg->interval_line > line)
			line = cfg->interval_line;
		return rule_error(name, line, why, err);
	}
	return 0;
}

int lw_config_check_window(const struct lw_config *cfg, uint32_t window, struct lw_error *err)
{
	if ((uint64_t)window < 10 * (uint64_t)cfg->interval_s)
		return lw_error_set(err, EINVAL, "leak_window %u s is shorter than ten intervals "
				    "(interval %u s: at least %u)", window, cfg->interval_s,
				    10 * cfg->interval_s);
	return 0;
}

int lw_config_parse(const char *name, const char *buf, size_t len, struct lw_config *cfg,
		    struct lw_error *err)
{
	struct lw_config *next = malloc(sizeof(*next));
	struct line l = { .file = name, .no = 0 };
	size_t pos = 0;

	if (next == NULL)
		return lw_error_set(err, ENOMEM, "%s: out of memory", name);
	*next = *cfg;
	while (pos < len) {
		char text[LW_CONFIG_LINE_MAX + 1];
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		l.no++;
		if (n > LW_CONFIG_LINE_MAX) {
			free(next);
			return line_error(&l, err, "line longer than %d characters", LW_CONFIG_LINE_MAX);
		}
		if (memchr(buf + pos, '\0', n) != NULL) {
			free(next);
			return line_error(&l, err, "NUL byte in line");
		}
		memcpy(text, buf + pos, n);
		text[n] = '\0';
		if (apply_line(&l, text, next, err)) {
			free(next);
			return -1;
		}
		pos += n + (nl ? 1 : 0);
	}
	if (check_rules(name, next, err)) {
		free(next);
		return -1;
	}
	/* A rouser line may come before its createUser, as in snmpd.conf. */
	if (lw_v3users_check(&next->v3, &l.no, err)) {
		free(next);
		return line_error(&l, err, "%s", err->text);
	}
	history_path(next);
	*cfg = *next;
	free(next);
	return 0;
}

/* The shared object: the count beside the value, so a plain struct lw_config stays a value. */
struct config_obj {
	atomic_uint refs;
	struct lw_config cfg;
};

static struct config_obj *obj_of(const struct lw_config *cfg)
{
	/* The const goes: the count is the one thing of a shared object that changes. */
	char *p = (char *)(uintptr_t)cfg;

	return (struct config_obj *)(void *)(p - offsetof(struct config_obj, cfg));
}

struct lw_config *lw_config_dup(const struct lw_config *cfg)
{
	struct config_obj *o = malloc(sizeof(*o));

	if (o == NULL)
		return NULL;
	atomic_init(&o->refs, 1);
	o->cfg = *cfg;
	return &o->cfg;
}

struct lw_config *lw_config_new(void)
{
	struct config_obj *o = malloc(sizeof(*o));

	if (o == NULL)
		return NULL;
	atomic_init(&o->refs, 1);
	lw_config_defaults(&o->cfg);
	return &o->cfg;
}

const struct lw_config *lw_config_ref(const struct lw_config *cfg)
{
	/* Relaxed: a new reference is taken from one already held, which orders nothing. */
	atomic_fetch_add_explicit(&obj_of(cfg)->refs, 1, memory_order_relaxed);
	return cfg;
}

void lw_config_unref(const struct lw_config *cfg)
{
	struct config_obj *o;

	if (cfg == NULL)
		return;
	o = obj_of(cfg);
	/* Release, then acquire on the last: every holder's reads happen before the free. */
	if (atomic_fetch_sub_explicit(&o->refs, 1, memory_order_release) == 1) {
		atomic_thread_fence(memory_order_acquire);
		free(o);
	}
}

void lw_config_keep_start_settings(struct lw_config *next, const struct lw_config *running)
{
	/* Each of these is read once at start (agent_setup.c, the captures, open_state). */
	memcpy(next->agentx_socket, running->agentx_socket, sizeof(next->agentx_socket));
	next->agentx_ping_interval_s = running->agentx_ping_interval_s;
	memcpy(next->root, running->root, sizeof(next->root));
	next->ncommunities = running->ncommunities;
	memcpy(next->communities, running->communities, sizeof(next->communities));
	next->v3 = running->v3;
	next->ntrapsinks = running->ntrapsinks;
	memcpy(next->trapsinks, running->trapsinks, sizeof(next->trapsinks));
	next->mcast = running->mcast;
	memcpy(next->state_dir, running->state_dir, sizeof(next->state_dir));
	next->history = running->history;
}

int lw_config_load(const char *path, struct lw_config **out, struct lw_error *err)
{
	struct lw_config *cfg;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	FILE *f;
	int rc;

	*out = NULL;
	f = fopen(path, "re");
	if (f == NULL)
		return lw_error_set(err, errno, "%s: %s", path, strerror(errno));
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb;

			/* A config file is small; 1 MiB is a clear sign of the wrong file. */
			if (cap >= (1u << 20)) {
				free(buf);
				fclose(f);
				return lw_error_set(err, EFBIG, "%s: larger than 1 MiB", path);
			}
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return lw_error_set(err, ENOMEM, "%s: out of memory", path);
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		free(buf);
		fclose(f);
		return lw_error_set(err, e, "%s: read error: %s", path, strerror(e));
	}
	fclose(f);
	if ((cfg = lw_config_new()) == NULL) {
		free(buf);
		return lw_error_set(err, ENOMEM, "%s: out of memory", path);
	}
	rc = lw_config_parse(path, buf, len, cfg, err);
	free(buf);
	if (rc != 0) {
		lw_config_unref(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

const char *lw_config_directive_name(size_t i)
{
	return i < sizeof(directives) / sizeof(directives[0]) ? directives[i].name : NULL;
}
