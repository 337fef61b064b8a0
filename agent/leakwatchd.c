/* leakwatchd.c: the daemon: options, configuration, signals, the sampler and the agent loop. */
/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agent_config.h"
#include "agent_ctx.h"
#include "agent_setup.h"
#include "mib_groups.h"
#include "mibtree.h"
#include "notify.h"
#include "instance.h"
#include "privdrop.h"
#include "service_notify.h"
#include "base/readfile.h"
#include "config/config_redact.h"

#ifndef LW_DEFAULT_CONFIG
#define LW_DEFAULT_CONFIG "/etc/leakwatch/leakwatchd.conf"
#endif

/* leakwatchd(8), EXIT STATUS. */
enum {
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
	EXIT_ANOTHER_INSTANCE = LW_EXIT_ANOTHER_INSTANCE,
	EXIT_REGISTRATION_REFUSED = LW_EXIT_REGISTRATION_REFUSED,
};

/* How long a stop waits for a collector blocked in the kernel before leaving it behind. */
#define SAMPLER_STOP_TIMEOUT_MS 2000

static void usage(FILE *out)
{
	fprintf(out,
		"usage: leakwatchd [-f] [-t] [-c FILE] [-x SOCKET] [-M -l ADDR] [-p PIDFILE] [-L WHERE] [-u USER [-g GROUP]] [-V] [-h]\n"
		"  -f, --foreground         stay in the foreground\n"
		"  -t, --check-config       check the configuration, print the verdict and exit\n"
		"  -c, --config FILE        configuration file (default %s)\n"
		"  -x, --agentx-socket ADDR AgentX master socket (unix:/path or tcp:HOST:PORT)\n"
		"  -M, --master             run as a standalone master agent, not an AgentX subagent\n"
		"  -l, --listen ADDR        with -M: listening address, e.g. udp:127.0.0.1:11161\n"
		"  -p, --pidfile PIDFILE    write the process id to PIDFILE, locked while running\n"
		"  -L, --log WHERE          e: stderr, o: stdout, s [FACILITY]: syslog (daemon),\n"
		"                           f FILE: FILE, n: nowhere; E, O, N, F, S: net-snmp's\n"
		"                           forms with a priority (-LS 4 d: warnings up, daemon)\n"
		"  -u, --user USER          after start-up run as USER, keeping only the collectors'\n"
		"                           capabilities\n"
		"  -g, --group GROUP        with -u: run with GROUP (default: USER's primary group)\n"
		"  -V, --version            print the version and exit\n"
		"  -h, --help               print this help and exit\n",
		LW_DEFAULT_CONFIG);
}

/* The snapshot hand-over: runs on the agent thread when the sampler's eventfd fires. */
static void on_snapshot(int fd, void *arg)
{
	struct lw_agent *agent = arg;
	struct lw_snapshot *next = lw_mailbox_take(&agent->mailbox);

	(void)fd;
	if (next == NULL)
		return;
	struct lw_snapshot *old = agent->current;

	lw_notify_transitions(old, next);
	lw_notify_alarms(next, &agent->alarm_seq_sent);
	/* Table rows point into the snapshot: repoint them before the old one is freed. */
	agent->current = next;
	lw_mibtree_load(agent->mibtree, agent);
	lw_snapshot_free(old);
	lw_service_snapshot(agent);
}

/* The capture threads published: runs on the agent thread when the board's eventfd fires. */
static void on_mcast(int fd, void *arg)
{
	(void)fd;
	lw_mib_mcast_take(arg);
}

/* The capture settings are fixed while the threads run. */
static bool mcast_config_changed(const struct lw_mcast_config *a, const struct lw_mcast_config *b)
{
	if (a->ninterfaces != b->ninterfaces || a->buffer_bytes != b->buffer_bytes ||
	    a->snaplen != b->snaplen || a->max_groups != b->max_groups ||
	    a->direction != b->direction)
		return true;
	for (size_t i = 0; i < a->ninterfaces; i++)
		if (strcmp(a->interfaces[i], b->interfaces[i]) != 0)
			return true;
	return false;
}

/*
 * The configuration file as the history's run row keeps it (the support report shows it),
 * with the arguments of the directives that carry secrets (communities, v3 passphrases)
 * left out: the history file travels in reports. NULL when unreadable or no file.
 */
static char *config_text_for_history(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *in, *out;
	int rc;

	if (path == NULL || (in = fopen(path, "re")) == NULL)
		return NULL;
	if ((out = open_memstream(&buf, &len)) == NULL) {
		fclose(in);
		return NULL;
	}
	rc = lw_config_redact(in, out);
	fclose(in);
	if (fclose(out) != 0 || rc != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Who writes the history (its run row): this daemon, its version, interval and settings. */
static void history_set_run(struct lw_agent *agent)
{
	char *config = config_text_for_history(agent->config_path);
	struct lw_history_run_info run = { .program = "leakwatchd", .version = LW_VERSION,
					   .interval_s = agent->cfg->interval_s, .config = config };
	struct lw_error err;

	if (agent->history != NULL && lw_history_set_run(agent->history, &run, &err))
		snmp_log(LOG_ERR, "%s\n", err.text);
	free(config);
}

static void reload(struct lw_agent *agent)
{
	struct lw_config *next;
	struct lw_error err;

	if (agent->config_path == NULL) {
		snmp_log(LOG_INFO, "SIGHUP: no configuration file to reload\n");
		return;
	}
	if (lw_config_load(agent->config_path, &next, &err)) {
		snmp_log(LOG_ERR, "reload failed, keeping the running configuration: %s\n", err.text);
		return;
	}
	/* The intervals, process_* and tcp_* settings apply at once; the rest is wired in at start. */
	if (strcmp(next->root, agent->cfg->root) != 0 ||
	    strcmp(next->agentx_socket, agent->cfg->agentx_socket) != 0 ||
	    next->agentx_ping_interval_s != agent->cfg->agentx_ping_interval_s ||
	    next->ncommunities != agent->cfg->ncommunities ||
	    memcmp(&next->v3, &agent->cfg->v3, sizeof(next->v3)) != 0 ||
	    next->ntrapsinks != agent->cfg->ntrapsinks)
		snmp_log(LOG_WARNING, "%s: root, agentx and access settings apply at the next "
			 "restart\n", agent->config_path);
	if (mcast_config_changed(&next->mcast, &agent->cfg->mcast))
		snmp_log(LOG_WARNING, "%s: mcast_* settings apply at the next restart\n",
			 agent->config_path);
	if (strcmp(next->state_dir, agent->cfg->state_dir) != 0 ||
	    memcmp(&next->history, &agent->cfg->history, sizeof(next->history)) != 0)
		snmp_log(LOG_WARNING, "%s: state_dir and history_* settings apply at the next "
			 "restart\n", agent->config_path);
	lw_config_keep_start_settings(next, agent->cfg);
	/* What SNMP SETs persisted keeps winning over the file. */
	if (lw_thresholds_load(agent->thresholds_path, &next->thresholds, &err))
		snmp_log(LOG_ERR, "reload: %s; the file's thresholds apply\n", err.text);
	else if ((next->thresholds.set_mask >> LW_TH_LEAK_WINDOW & 1u) &&
		 lw_config_check_window(next, next->thresholds.v[LW_TH_LEAK_WINDOW], &err)) {
		/* A new interval against a window set over SNMP: the file alone cannot show it. */
		snmp_log(LOG_ERR, "reload failed, keeping the running configuration: %s: %s (the "
			 "leak_window set over SNMP, kept in %s)\n", agent->config_path, err.text,
			 agent->thresholds_path);
		lw_config_unref(next);
		return;
	}
	lw_agent_set_config(agent, next);
	history_set_run(agent);
	snmp_log(LOG_INFO, "configuration reloaded from %s (interval %u s)\n", agent->config_path,
		 agent->cfg->interval_s);
}

static void on_signal(int fd, void *arg)
{
	struct lw_agent *agent = arg;
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(agent);
		else
			agent->running = false;
	}
}

static int setup_signals(struct lw_agent *agent, struct lw_error *err)
{
	sigset_t set;

	/* Blocked before any thread starts, so every thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return lw_error_set(err, errno, "sigprocmask: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	agent->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (agent->sigfd < 0)
		return lw_error_set(err, errno, "signalfd: %s", strerror(errno));
	return 0;
}

struct options {
	bool foreground;
	bool check_only;         /* -t: load and judge the configuration, then exit */
	bool logging_chosen;
	bool log_to_stderr;      /* -L e/E, or -f without -L: an error printed once is enough */
	const char *pidfile;
	const char *user, *group;    /* -u, -g */
	struct lw_privdrop priv;     /* resolved from them */
};

/*
 * -L as leakwatchd(8) documents it: net-snmp's letters (snmpcmd(1), "-L"), except that a
 * syslog facility is optional: "-L s" (or -Ls) logs to the daemon facility, "-L s d" and
 * "-Ls0" choose one (d, u, 0-7). net-snmp's own parser takes the word after "s" as the
 * facility whatever it is, so "-L s -c FILE" failed with "invalid syslog facility: -".
 * Every other form (e, o, n, f FILE, and E, O, N, F, S with a priority) is net-snmp's own,
 * which may consume the next argument (optind).
 */
static int log_option(char *arg, int argc, char **argv, struct options *o)
{
	char spec[16] = "sd";
	const char *facility = arg + 1;

	if (arg[0] != 's') {
		if (arg[0] == 'e' || arg[0] == 'E')
			o->log_to_stderr = true;
		return snmp_log_options(arg, argc, argv);
	}
	if (*facility == '=')
		facility++;
	if (*facility == '\0' && optind < argc && argv[optind][0] != '-')
		facility = argv[optind++];
	if (*facility != '\0') {
		/* net-snmp reads the first letter: d(aemon), u(ser), 0-7 (local0..7). */
		if (strchr("dDuU01234567", facility[0]) == NULL) {
			fprintf(stderr, "leakwatchd: -L s: unknown syslog facility '%s' (d, u or "
				"0-7)\n", facility);
			return -1;
		}
		spec[1] = facility[0];
	}
	snmp_log_syslogname("leakwatchd");
	return snmp_log_options(spec, 0, NULL);
}

static const struct option long_options[] = {
	{ "foreground", no_argument, NULL, 'f' },
	{ "check-config", no_argument, NULL, 't' },
	{ "config", required_argument, NULL, 'c' },
	{ "agentx-socket", required_argument, NULL, 'x' },
	{ "master", no_argument, NULL, 'M' },
	{ "listen", required_argument, NULL, 'l' },
	{ "pidfile", required_argument, NULL, 'p' },
	{ "log", required_argument, NULL, 'L' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "user", required_argument, NULL, 'u' },
	{ "group", required_argument, NULL, 'g' },
	{ NULL, 0, NULL, 0 },
};

/* "+": options stop at the first other word, which is an error; no reordering of argv,
 * since -L's net-snmp forms read the word after their own by position (optind). */
#define SHORT_OPTIONS "+ftc:x:Ml:p:L:Vhu:g:"

static int parse_options(int argc, char **argv, struct lw_agent *agent, struct options *o)
{
	struct lw_error err;
	int c;

	while ((c = getopt_long(argc, argv, SHORT_OPTIONS, long_options, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->foreground = true;
			break;
		case 't':
			o->check_only = true;
			break;
		case 'c':
			agent->config_path = optarg;
			break;
		case 'x':
			agent->agentx_socket = optarg;
			break;
		case 'M':
			agent->master = true;
			break;
		case 'l':
			agent->listen = optarg;
			break;
		case 'p':
			o->pidfile = optarg;
			break;
		case 'L':
			if (log_option(optarg, argc, argv, o) != 0) {
				fprintf(stderr, "leakwatchd: bad -L argument '%s' (see leakwatchd -h)\n",
					optarg);
				return EXIT_USAGE;
			}
			o->logging_chosen = true;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'g':
			o->group = optarg;
			break;
		case 'V':
			printf("leakwatchd %s\n", LW_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			/* getopt_long has named the option on stderr. */
			fprintf(stderr, "usage: see leakwatchd --help\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "leakwatchd: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (agent->master != (agent->listen != NULL)) {
		fprintf(stderr, "leakwatchd: -M and -l ADDR go together\n");
		return EXIT_USAGE;
	}
	/* Names resolved now: an unknown user stops the start before anything is opened. */
	if (lw_privdrop_resolve(&o->priv, o->user, o->group, &err)) {
		fprintf(stderr, "leakwatchd: %s\n", err.text);
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * path made absolute against the working directory, without resolving links (a symlinked
 * configuration stays followed at each SIGHUP): the daemon runs in "/" once it forked
 * (netsnmp_daemonize chdirs there), where a relative -c or -p no longer names the file.
 * NULL stays NULL; the result is the caller's to free, or NULL with errno when out of memory.
 */
static char *absolute_path(const char *path, bool *oom)
{
	char cwd[PATH_MAX];
	char *abs;

	*oom = false;
	if (path == NULL)
		return NULL;
	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		abs = strdup(path);
	else if (asprintf(&abs, "%s/%s", cwd, path) < 0)
		abs = NULL;
	*oom = abs == NULL;
	return abs;
}

/*
 * A start-up error: on the terminal (stderr) until the daemon forks, and once in the log
 * unless the log is that same stderr (-L e, or -f without -L), so it is never printed twice.
 * -t only prints.
 */
static void startup_error(const struct options *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void startup_error(const struct options *o, const char *fmt, ...)
{
	char msg[LW_ERROR_TEXT_MAX + 200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "leakwatchd: %s\n", msg);
	if (!o->check_only && !o->log_to_stderr)
		snmp_log(LOG_ERR, "%s\n", msg);
}

static int load_config(struct lw_agent *agent, const struct options *o)
{
	struct lw_config *cfg;
	struct lw_error err;

	if (agent->config_path == NULL) {
		/* The default file is optional: without it, defaults apply. */
		if (access(LW_DEFAULT_CONFIG, F_OK) != 0) {
			if ((cfg = lw_config_new()) == NULL) {
				startup_error(o, "out of memory");
				return EXIT_RUNTIME;
			}
			agent->cfg = cfg;
			return 0;
		}
		agent->config_path = LW_DEFAULT_CONFIG;
	}
	if (lw_config_load(agent->config_path, &cfg, &err)) {
		startup_error(o, "%s", err.text);
		return EXIT_USAGE;
	}
	agent->cfg = cfg;
	return 0;
}

/* What the state directory (made and locked by lw_instance_take) keeps: SET thresholds, the
 * history. */
static void open_state(struct lw_agent *agent)
{
	struct lw_thresholds th;
	struct lw_error err;

	snprintf(agent->thresholds_path, sizeof(agent->thresholds_path), "%s/thresholds",
		 agent->cfg->state_dir);
	/* Before the sampler starts: the persisted values are in force from its first cycle. */
	th = agent->cfg->thresholds;
	if (lw_thresholds_load(agent->thresholds_path, &th, &err))
		snmp_log(LOG_ERR, "%s; the configuration's thresholds apply\n", err.text);
	else if ((th.set_mask >> LW_TH_LEAK_WINDOW & 1u) &&
		 lw_config_check_window(agent->cfg, th.v[LW_TH_LEAK_WINDOW], &err))
		snmp_log(LOG_ERR, "%s: %s (with the interval of the configuration); the "
			 "configuration's thresholds apply\n", agent->thresholds_path, err.text);
	else
		lw_agent_apply_thresholds(agent, &th);
	if (!agent->cfg->history.enabled)
		return;
	if (lw_history_open(&agent->history, &agent->cfg->history, &err)) {
		snmp_log(LOG_ERR, "history: %s; running without it\n", err.text);
		agent->history = NULL;
	}
	history_set_run(agent);
}

/* One capture thread per mcast_interface, reading sysfs under the collectors' root. */
static int start_captures(struct lw_agent *agent, struct lw_error *err)
{
	int rootfd, rc;

	if (agent->cfg->mcast.ninterfaces == 0)
		return 0;
	if (lw_root_open(agent->cfg->root, &rootfd, err))
		return -1;
	rc = lw_mcast_capture_start(&agent->mcast, &agent->cfg->mcast, rootfd, &agent->mcast_board,
				    err);
	close(rootfd);
	return rc;
}

/*
 * After what needs root is open (the pid file and state lock, the listening port, the AgentX
 * session) and before the first thread: -u/-g's drop, then once in the log what the
 * capabilities in force leave unread.
 */
static int drop_privileges(struct lw_agent *agent, const struct lw_privdrop *priv)
{
	char text[3 * LW_ERROR_TEXT_MAX];
	struct lw_error err;

	if (lw_privdrop_apply(priv, agent->cfg->state_dir, text, sizeof(text), &err)) {
		snmp_log(LOG_ERR, "start-up: %s\n", err.text);
		return -1;
	}
	if (text[0] != '\0')
		snmp_log(LOG_INFO, "%s\n", text);
	lw_privdrop_missing(text, sizeof(text), agent->cfg->mcast.ninterfaces > 0);
	if (text[0] != '\0')
		snmp_log(LOG_WARNING, "capabilities: %s\n", text);
	return 0;
}

static int run(struct lw_agent *agent, const struct lw_privdrop *priv)
{
	struct lw_error err;
	const char *stuck = NULL;
	bool sampler_left = false;
	int rc = EXIT_RUNTIME;

	if (setup_signals(agent, &err) || lw_mailbox_init(&agent->mailbox, &err) ||
	    lw_mcast_board_init(&agent->mcast_board, agent->cfg->mcast.ninterfaces, &err)) {
		snmp_log(LOG_ERR, "start-up: %s\n", err.text);
		return EXIT_RUNTIME;
	}
	clock_gettime(CLOCK_REALTIME, &agent->start_time);
	lw_service_init(agent);
	if (lw_agent_setup(agent, &err)) {
		snmp_log(LOG_ERR, "start-up: %s\n", err.text);
		if (agent->registration_refused)
			rc = EXIT_REGISTRATION_REFUSED;
		/* Closes the AgentX session, if one was opened, before exiting. */
		lw_agent_teardown(agent);
		goto out;
	}
	register_readfd(agent->mailbox.eventfd, on_snapshot, agent);
	register_readfd(agent->sigfd, on_signal, agent);
	register_readfd(agent->mcast_board.eventfd, on_mcast, agent);
	if (drop_privileges(agent, priv))
		goto close_state;
	open_state(agent);
	/* Captures first: the sampler's alarms read their rates from the first cycle on. */
	if (start_captures(agent, &err)) {
		snmp_log(LOG_ERR, "start-up: %s\n", err.text);
		goto close_state;
	}
	if (lw_sampler_start_linked(&agent->sampler, agent->cfg, &agent->mailbox, agent->history,
				    agent->mcast, &err)) {
		snmp_log(LOG_ERR, "start-up: %s\n", err.text);
		goto stop_captures;
	}
	snmp_log(LOG_INFO, "leakwatchd %s started (%s, interval %u s)\n", LW_VERSION,
		 agent->master ? "standalone master" : "AgentX subagent", agent->cfg->interval_s);
	agent->running = true;
	lw_service_start(agent);
	while (agent->running)
		agent_check_and_process(1);
	lw_service_stopping();
	/* A registration refused at a reconnection ends the loop too (agent_setup.c). */
	rc = agent->registration_refused ? EXIT_REGISTRATION_REFUSED : 0;
	snmp_log(LOG_INFO, "leakwatchd stopping\n");
	if (lw_sampler_stop(agent->sampler, SAMPLER_STOP_TIMEOUT_MS, &stuck)) {
		/* The thread still uses the mailbox, the captures' figures and the history; the
		 * process exit reclaims them all. */
		snmp_log(LOG_WARNING, "collector '%s' has been blocked for over %d ms (a read of "
			 "/proc that does not return); exiting without it\n", stuck,
			 SAMPLER_STOP_TIMEOUT_MS);
		sampler_left = true;
	} else {
		/* Freed: a SET whose CleanupSet the master sends while the session closes
		 * (lw_agent_teardown) still applies to agent->cfg, never to the sampler. */
		agent->sampler = NULL;
	}
stop_captures:
	if (!sampler_left) {
		lw_mcast_capture_stop(agent->mcast);
		agent->mcast = NULL;
	}
close_state:
	/* What is queued is written before the file closes. */
	if (!sampler_left) {
		lw_history_close(agent->history);
		agent->history = NULL;
	}
	unregister_readfd(agent->mailbox.eventfd);
	unregister_readfd(agent->sigfd);
	unregister_readfd(agent->mcast_board.eventfd);
	lw_agent_teardown(agent);
out:
	lw_snapshot_free(agent->current);
	agent->current = NULL;
	if (!sampler_left)
		lw_mailbox_destroy(&agent->mailbox);
	lw_mcast_board_destroy(&agent->mcast_board);
	close(agent->sigfd);
	return rc;
}

/*
 * -t: the configuration loaded and judged exactly as at start-up (every directive, then the
 * rules between them), without logging, forking, the state directory or the master.
 */
static int check_config(struct lw_agent *agent, const struct options *o)
{
	int rc = load_config(agent, o);

	if (rc != 0)
		return rc;
	if (agent->config_path == NULL)
		printf("leakwatchd: no configuration file (%s is missing): the defaults apply; "
		       "configuration OK\n", LW_DEFAULT_CONFIG);
	else
		printf("leakwatchd: %s: configuration OK\n", agent->config_path);
	lw_config_unref(agent->cfg);
	agent->cfg = NULL;
	return 0;
}

/* One daemon per state directory and pid file: a second one exits here with its own status. */
static int take_instance(struct lw_agent *agent, const struct options *o,
			 struct lw_instance *instance)
{
	char warning[LW_ERROR_TEXT_MAX + 200];
	struct lw_error err;

	switch (lw_instance_take(instance, agent->cfg->state_dir, o->pidfile, warning,
				 sizeof(warning), &err)) {
	case LW_INSTANCE_HELD:
		startup_error(o, "%s; exiting", err.text);
		return EXIT_ANOTHER_INSTANCE;
	case LW_INSTANCE_FAILED:
		startup_error(o, "start-up: %s", err.text);
		return EXIT_RUNTIME;
	case LW_INSTANCE_OK:
		break;
	}
	if (warning[0] != '\0')
		snmp_log(LOG_WARNING, "%s\n", warning);
	return 0;
}

int main(int argc, char **argv)
{
	struct lw_agent agent;
	struct options o = { 0 };
	struct lw_instance instance;
	struct lw_error err;
	char *config_path, *pidfile;
	bool oom, oom_pid;
	int rc;

	/*
	 * One malloc arena for every thread, set before any thread exists. glibc gives a thread
	 * that finds the main arena locked an arena of its own (up to 8 per core), and each keeps
	 * its free chunks and a heap of its own: under a loaded host's contention RSS stepped up
	 * by an arena's worth and stayed (docs/PERFORMANCE.md, "Own memory under churn"). The
	 * threads here allocate a few thousand times per cycle, so the shared lock costs nothing
	 * measurable. An operator's MALLOC_ARENA_MAX or glibc.malloc.arena_max still wins.
	 */
	if (getenv("MALLOC_ARENA_MAX") == NULL &&
	    (getenv("GLIBC_TUNABLES") == NULL || strstr(getenv("GLIBC_TUNABLES"), "arena_max") == NULL))
		mallopt(M_ARENA_MAX, 1);
	memset(&agent, 0, sizeof(agent));
	agent.sigfd = -1;
	rc = parse_options(argc, argv, &agent, &o);
	if (rc != 0)
		return rc;
	if (o.check_only)
		return check_config(&agent, &o);
	if (!o.logging_chosen) {
		if (o.foreground) {
			snmp_enable_stderrlog();
			o.log_to_stderr = true;
		} else {
			snmp_enable_syslog_ident("leakwatchd", LOG_DAEMON);
		}
	}
	config_path = absolute_path(agent.config_path, &oom);
	pidfile = absolute_path(o.pidfile, &oom_pid);
	if (oom || oom_pid) {
		startup_error(&o, "out of memory");
		rc = EXIT_RUNTIME;
		goto free_paths;
	}
	if (config_path != NULL)
		agent.config_path = config_path;
	o.pidfile = pidfile;
	rc = load_config(&agent, &o);
	if (rc != 0)
		goto free_paths;
	/* Before the master, the history or the port are touched, and before forking, so the
	 * status reaches whoever started the daemon. */
	rc = take_instance(&agent, &o, &instance);
	if (rc != 0) {
		lw_config_unref(agent.cfg);
		goto free_paths;
	}
	/* Fork before any thread exists; errors so far went to the terminal. The locks belong
	 * to open file descriptions, which the child inherits. */
	if (!o.foreground && netsnmp_daemonize(1, 0) != 0) {
		snmp_log(LOG_ERR, "cannot daemonize\n");
		lw_instance_release(&instance);
		lw_config_unref(agent.cfg);
		rc = EXIT_RUNTIME;
		goto free_paths;
	}
	if (lw_instance_write_pids(&instance, &err)) {
		snmp_log(LOG_ERR, "start-up: %s\n", err.text);
		lw_instance_release(&instance);
		lw_config_unref(agent.cfg);
		rc = EXIT_RUNTIME;
		goto free_paths;
	}
	rc = run(&agent, &o.priv);
	/* The pid file goes only now: a daemon still stopping keeps its state directory too. */
	lw_instance_release(&instance);
	/* A sampler left blocked holds its own reference. */
	lw_config_unref(agent.cfg);
	snmp_disable_log();
free_paths:
	free(config_path);
	free(pidfile);
	return rc;
}
