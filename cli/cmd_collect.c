/* cmd_collect.c: leakwatch collect: the daemon's collectors and detector for a while, then the report. */
/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collect_opts.h"
#include "collect_prio.h"
#include "collect_progress.h"
#include "collect_report.h"
#include "collect_run.h"
#include "commands.h"
#include "cycle/sampler.h"
#include "history/history.h"
#include "mcast/mcastboard.h"
#include "mcast/mcastcap.h"
#include "base/readfile.h"

/* How long the stop waits for the cycle under way: longer than leakwatchd's 2 s, which must not
 * keep a service manager waiting, because a cycle of a host in trouble (thousands of processes,
 * a loaded CPU at nice 10) can take seconds, and waiting keeps its sample. Past it, a collector
 * is taken to be blocked in the kernel (a /proc read behind a stuck lock) and left behind. */
#define SAMPLER_STOP_TIMEOUT_MS 10000

struct collect {
	struct collect_opts o;
	struct lw_config *cfg;
	struct lw_history *history;
	struct lw_mailbox mailbox;
	bool mailbox_ok;
	struct lw_mcast_board board;
	bool board_ok;
	struct lw_mcast_capture *mcast;
	struct lw_sampler *sampler;
	bool sampler_left;            /* blocked in the kernel at the stop: its data are left be */
	int sigfd;
	bool tty;                     /* stderr is a terminal: the progress line */
	struct timespec started;      /* CLOCK_MONOTONIC */
	uint64_t samples;
	bool stopped_early;
	int stop_signal;              /* the first one */
	unsigned signals;             /* SIGINT and SIGTERM read: a second one skips the report */
	bool said_unreadable, said_history;
	char suspect[192];
};

static int64_t elapsed_ms(const struct collect *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - c->started.tv_sec) * 1000 +
	       (now.tv_nsec - c->started.tv_nsec) / 1000000;
}

static int64_t elapsed_s(const struct collect *c)
{
	return elapsed_ms(c) / 1000;
}

/* A line of its own above the progress line (which the next tick redraws). */
__attribute__((format(printf, 2, 3)))
static void say(const struct collect *c, const char *fmt, ...)
{
	va_list ap;

	if (c->tty)
		fputs("\r\033[K", stderr);
	fputs("leakwatch collect: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* leakwatchd.conf if given (the daemon's own file can be reused as it is), else the defaults;
 * then what this command decides: its interval, and its history in its own file. */
static int load_config(struct collect *c)
{
	struct lw_error err;
	uint32_t hours;

	if (c->o.config_path != NULL) {
		if (lw_config_load(c->o.config_path, &c->cfg, &err)) {
			fprintf(stderr, "leakwatch collect: %s\n", err.text);
			return LW_EXIT_USAGE;
		}
	} else if ((c->cfg = lw_config_new()) == NULL) {
		fprintf(stderr, "leakwatch collect: out of memory\n");
		return LW_EXIT_FAILED;
	}
	/* Not shared yet: this object may still be edited (config/lw_config.h). */
	if (strlen(c->o.db) >= sizeof(c->cfg->history.path)) {
		fprintf(stderr, "leakwatch collect: --db: the name is too long (at most %zu bytes)\n",
			sizeof(c->cfg->history.path) - 1);
		return LW_EXIT_USAGE;
	}
	c->cfg->interval_s = c->o.interval_s;
	c->cfg->history.enabled = 1;
	memcpy(c->cfg->history.path, c->o.db, strlen(c->o.db) + 1);
	/* The whole collection at full resolution, plus an hour for a clock step: the report reads
	 * samples, not the windows that retention would make of them. */
	hours = c->o.duration_s / 3600 + 2;
	if (c->cfg->history.full_hours < hours)
		c->cfg->history.full_hours = hours > 8760 ? 8760 : hours;
	return 0;
}

/* The directory that will hold path exists and is writable: found now, not after an hour. */
static int check_dir_of(const char *path, const char *what)
{
	char copy[4096];
	const char *dir;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "leakwatch collect: cannot write the %s %s in %s: %s\n", what, path,
			dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int check_paths(const struct collect *c)
{
	struct stat st;
	size_t n = strlen(c->o.out);
	bool tarball = n >= 7 && strcmp(c->o.out + n - 7, ".tar.gz") == 0;

	/* A collection's database holds that collection only: a report of two would mix them. */
	if (lstat(c->o.db, &st) == 0) {
		fprintf(stderr, "leakwatch collect: %s exists (a database of an earlier collection?);"
			" remove it or name another with --db\n", c->o.db);
		return -1;
	}
	if (check_dir_of(c->o.db, "database") != 0)
		return -1;
	if (!tarball && stat(c->o.out, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			fprintf(stderr, "leakwatch collect: -o %s is neither a directory nor a name "
				"ending in .tar.gz\n", c->o.out);
			return -1;
		}
		return access(c->o.out, W_OK | X_OK) == 0 ? 0 :
			(fprintf(stderr, "leakwatch collect: cannot write in %s: %s\n", c->o.out,
				 strerror(errno)), -1);
	}
	return check_dir_of(c->o.out, "report");
}

/* SIGINT and SIGTERM stop the collection early, through a signalfd read by the main loop;
 * blocked before any thread starts so that every thread inherits the mask. */
static int setup_signals(struct collect *c)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (c->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		fprintf(stderr, "leakwatch collect: signals: %s\n", strerror(errno));
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	/*
	 * A closed terminal (an ssh session that drops) does not end the collection: it goes on to
	 * its report as if under nohup, without the progress line nobody can see any more.
	 */
	signal(SIGHUP, SIG_IGN);
	return 0;
}

/* The report is being written after the first signal: a second one abandons it. */
static const char *abandon_db;

#define ABANDON_HEAD "leakwatch collect: report abandoned; the collection stays in "
#define ABANDON_TAIL " (leakwatch report --db writes it)\n"

static void on_second_signal(int sig)
{
	static const char head[] = "\n" ABANDON_HEAD;
	static const char tail[] = ABANDON_TAIL;

	(void)sig;
	/* Only async-signal-safe calls (signal-safety(7)). */
	if (write(STDERR_FILENO, head, sizeof(head) - 1) < 0 ||
	    write(STDERR_FILENO, abandon_db, strlen(abandon_db)) < 0 ||
	    write(STDERR_FILENO, tail, sizeof(tail) - 1) < 0)
		_exit(LW_EXIT_FAILED);
	_exit(LW_EXIT_FAILED);
}

static void arm_second_signal(const struct collect *c)
{
	struct sigaction sa;
	sigset_t set;

	abandon_db = c->o.db;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_second_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* What this user could not read, said once after the first sample: the report is then known
 * to lack it (e.g. /proc/slabinfo is root's only, descriptors of other users' processes). */
static void say_unreadable(struct collect *c, const struct lw_snapshot *s)
{
	uid_t uid = geteuid();

	c->said_unreadable = true;
	for (int id = 0; id < LW_COL_COUNT; id++) {
		const struct lw_collector_stats *cs = &s->collectors[id];
		const char *name = lw_collector_def((enum lw_collector_id)id)->name;

		if (id == LW_COL_HISTORY || cs->runs == 0)
			continue;
		if (!cs->ok)
			say(c, "not collected as uid %u: %s (%s)", (unsigned)uid, name,
			    cs->last_error);
		else if (cs->notice[0] != '\0')
			say(c, "%s: %s", name, cs->notice);
	}
}

/* The history stage's failures: the first one said, the collection goes on (a full disk may
 * be freed); a database that cannot be written at all was refused before the start. */
static void check_history(struct collect *c, const struct lw_snapshot *s)
{
	const struct lw_collector_stats *cs = &s->collectors[LW_COL_HISTORY];

	if (!cs->ok && !c->said_history) {
		say(c, "%s", cs->last_error);
		c->said_history = true;
	} else if (cs->ok) {
		c->said_history = false;
	}
}

static void show_progress(struct collect *c, const char *note)
{
	struct collect_progress p = {
		.elapsed_s = elapsed_s(c), .duration_s = c->o.duration_s, .samples = c->samples,
		.suspect = c->suspect, .note = note,
	};

	if (!c->tty)
		return;
	if (p.elapsed_s > p.duration_s)
		p.elapsed_s = p.duration_s;
	collect_progress_show(stderr, &p);
}

static void on_snapshot(struct collect *c)
{
	struct lw_snapshot *s = lw_mailbox_take(&c->mailbox);

	if (s == NULL)
		return;
	c->samples++;
	if (!c->said_unreadable)
		say_unreadable(c, s);
	check_history(c, s);
	collect_top_suspect(s, c->suspect, sizeof(c->suspect));
	lw_snapshot_free(s);
}

static void on_signals(struct collect *c)
{
	struct signalfd_siginfo si;

	while (read(c->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (c->signals++ == 0)
			c->stop_signal = (int)si.ssi_signo;
		c->stopped_early = true;
	}
}

/* Samples until the duration has passed (the first at once, then one per interval: duration /
 * interval + 1 of them) or a signal came. */
static void collect_loop(struct collect *c)
{
	uint64_t want = c->o.duration_s / c->o.interval_s + 1;
	/* Cycles slower than the interval (a host in trouble) end the run at the duration plus
	 * one interval all the same. */
	int64_t give_up_ms = ((int64_t)c->o.duration_s + c->o.interval_s) * 1000;

	while (!c->stopped_early && c->samples < want) {
		struct pollfd fds[2] = {
			{ .fd = c->mailbox.eventfd, .events = POLLIN },
			{ .fd = c->sigfd, .events = POLLIN },
		};
		int64_t left_ms = give_up_ms - elapsed_ms(c);

		if (left_ms <= 0)
			break;
		/* A tick a second for the progress line; otherwise only the events wake it. */
		if (poll(fds, 2, c->tty && left_ms > 1000 ? 1000 :
			 (int)(left_ms > 3600000 ? 3600000 : left_ms)) < 0 &&
		    errno != EINTR)
			break;
		if (fds[0].revents & POLLIN)
			on_snapshot(c);
		if (fds[1].revents & POLLIN)
			on_signals(c);
		show_progress(c, NULL);
	}
}

/* Captures only when mcast_interface lines ask for them; a capture that cannot start (no
 * CAP_NET_RAW) is said and the rest goes on. */
static void start_captures(struct collect *c)
{
	struct lw_error err;
	int rootfd;

	if (c->cfg->mcast.ninterfaces == 0)
		return;
	if (lw_mcast_board_init(&c->board, c->cfg->mcast.ninterfaces, &err) == 0) {
		c->board_ok = true;
		if (lw_root_open(c->cfg->root, &rootfd, &err) == 0) {
			if (lw_mcast_capture_start(&c->mcast, &c->cfg->mcast, rootfd, &c->board,
						   &err) == 0) {
				close(rootfd);
				return;
			}
			close(rootfd);
		}
	}
	c->mcast = NULL;
	say(c, "multicast: %s; collecting without it", err.text);
}

static int start(struct collect *c)
{
	struct lw_history_status hs;
	struct lw_error err;

	if (lw_mailbox_init(&c->mailbox, &err)) {
		fprintf(stderr, "leakwatch collect: %s\n", err.text);
		return -1;
	}
	c->mailbox_ok = true;
	if (lw_history_open(&c->history, &c->cfg->history, &err)) {
		fprintf(stderr, "leakwatch collect: %s\n", err.text);
		return -1;
	}
	/* The file is opened by lw_history_open: its status says now whether it can be written. */
	lw_history_status(c->history, &hs);
	if (!hs.ok) {
		fprintf(stderr, "leakwatch collect: %s\n", hs.error);
		return -1;
	}
	/* Before the first cycle: the run row goes with it (history.h). */
	if (collect_set_run(c->history, c->o.duration_s, c->o.interval_s, c->o.config_path,
			    &err)) {
		fprintf(stderr, "leakwatch collect: %s\n", err.text);
		return -1;
	}
	start_captures(c);
	clock_gettime(CLOCK_MONOTONIC, &c->started);
	if (lw_sampler_start_linked(&c->sampler, c->cfg, &c->mailbox, c->history, c->mcast,
				    &err)) {
		fprintf(stderr, "leakwatch collect: %s\n", err.text);
		return -1;
	}
	return 0;
}

/* Stops the threads; what the history has queued is written before its file closes. */
static void stop(struct collect *c)
{
	const char *stuck = NULL;

	if (c->sampler != NULL && lw_sampler_stop(c->sampler, SAMPLER_STOP_TIMEOUT_MS, &stuck)) {
		/* Its thread still uses the history, the captures and the mailbox: the process exit
		 * reclaims them. What the writer has is still flushed for the report. */
		say(c, "collector '%s' is blocked in the kernel (a read of /proc that does not "
		    "return); the report is made without its last cycle", stuck);
		c->sampler_left = true;
		lw_history_flush(c->history);
		return;
	}
	c->sampler = NULL;
	/* The cycle that was under way at the stop published its snapshot: count it too. */
	on_snapshot(c);
	lw_mcast_capture_stop(c->mcast);
	c->mcast = NULL;
	lw_history_close(c->history);
	c->history = NULL;
}

static void release(struct collect *c)
{
	if (c->sampler_left)
		return;
	if (c->sampler != NULL)
		lw_sampler_stop(c->sampler, SAMPLER_STOP_TIMEOUT_MS, NULL);
	lw_mcast_capture_stop(c->mcast);
	lw_history_close(c->history);
	if (c->board_ok)
		lw_mcast_board_destroy(&c->board);
	if (c->mailbox_ok)
		lw_mailbox_destroy(&c->mailbox);
	if (c->sigfd >= 0)
		close(c->sigfd);
	lw_config_unref(c->cfg);
}

static int report(struct collect *c)
{
	struct lw_error err;
	size_t cycles = 0, suspects = 0;
	char span[24];

	arm_second_signal(c);
	show_progress(c, "writing the report (Ctrl-C again skips it)");
	if (collect_write_report(c->o.db, c->o.out, &cycles, &suspects, &err)) {
		if (c->tty)
			collect_progress_end(stderr);
		fprintf(stderr, "leakwatch collect: the report was not written: %s; the collection "
			"is in %s (leakwatch report --db %s -o %s)\n", err.text, c->o.db, c->o.db,
			c->o.out);
		return LW_EXIT_FAILED;
	}
	if (c->tty) {
		collect_progress_end(stderr);
		collect_format_span(span, sizeof(span), elapsed_s(c));
		fprintf(stderr, "leakwatch collect: %s: %zu samples, %zu suspects%s; database %s\n",
			c->o.out, cycles, suspects, c->stopped_early ? " (stopped early)" : "",
			c->o.db);
	}
	return LW_EXIT_OK;
}

/* A run that never sampled leaves no database behind: it did not exist (check_paths). */
static void remove_db(const struct collect *c)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char path[sizeof(c->o.db) + 16];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", c->o.db, suffixes[i]);
		unlink(path);
	}
}

int lw_cmd_collect(int argc, char **argv)
{
	struct collect c;
	struct lw_error err;
	int rc;

	memset(&c, 0, sizeof(c));
	c.sigfd = -1;
	rc = collect_parse_args(argc, argv, &c.o);
	if (rc != 0 || c.o.help)
		return rc;
	if ((rc = load_config(&c)) != 0) {
		lw_config_unref(c.cfg);
		return rc;
	}
	if (check_paths(&c) != 0) {
		lw_config_unref(c.cfg);
		return LW_EXIT_FAILED;
	}
	c.tty = isatty(STDERR_FILENO) == 1;
	snprintf(c.suspect, sizeof(c.suspect), "none so far");
	/* Before any thread: they inherit the priority and the signal mask. */
	collect_lower_priority();
	if (setup_signals(&c) != 0 || start(&c) != 0) {
		release(&c);
		remove_db(&c);
		return LW_EXIT_FAILED;
	}
	show_progress(&c, NULL);
	collect_loop(&c);
	if (c.stopped_early)
		show_progress(&c, c.stop_signal == SIGINT ? "interrupted: stopping" : "stopping");
	stop(&c);
	if (c.signals >= 2) {
		/* Both came before the loop read them (a double Ctrl-C): no report either. */
		if (c.tty)
			collect_progress_end(stderr);
		fprintf(stderr, ABANDON_HEAD "%s" ABANDON_TAIL, c.o.db);
		release(&c);
		return LW_EXIT_FAILED;
	}
	rc = report(&c);
	release(&c);
	/* The report read the file read-only: its -wal and -shm are left to a read-write close. */
	if (!c.sampler_left && lw_history_tidy(c.o.db, &err) != 0)
		fprintf(stderr, "leakwatch collect: %s\n", err.text);
	return rc;
}
