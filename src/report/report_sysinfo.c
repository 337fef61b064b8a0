/* report_sysinfo.c: system/: the host the report was made on (uname, kernel command line, uptime, leakwatchd -V), the configurations in force and the collector tables. */
/* SPDX-License-Identifier: ISC */
#include "report/report_out.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A small file's first line(s) into f, or why not. */
static void copy_text(FILE *f, const char *label, const char *path)
{
	char buf[4096];
	size_t n;
	FILE *in = fopen(path, "r");

	fprintf(f, "%s: ", label);
	if (in == NULL) {
		fprintf(f, "(%s: %s)\n", path, strerror(errno));
		return;
	}
	n = fread(buf, 1, sizeof(buf) - 1, in);
	fclose(in);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	fprintf(f, "%s\n", buf);
}

/* `prog -V`'s output into buf (no shell); 0, or an errno from the spawn. */
static int run_version(const char *prog, bool search, char *buf, size_t cap)
{
	char *argv[] = { (char *)prog, (char *)"-V", NULL };
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, rc;
	size_t n = 0;
	ssize_t k;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	rc = search ? posix_spawnp(&pid, prog, &fa, NULL, argv, environ)
		    : posix_spawn(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return rc;
	}
	while (n < cap - 1 && (k = read(pipefd[0], buf + n, cap - 1 - n)) > 0)
		n += (size_t)k;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	/* a shell's "not found" exit status from posix_spawnp's fallback */
	return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ENOENT : 0;
}

/* leakwatchd's version: the path given, else PATH, else the usual sbin directories. */
static void version_of(FILE *f, const char *given)
{
	static const char *const dirs[] = { "/usr/local/sbin/leakwatchd", "/usr/sbin/leakwatchd" };
	char buf[512];
	int rc;

	fprintf(f, "leakwatchd -V: ");
	if (given != NULL) {
		rc = run_version(given, false, buf, sizeof(buf));
	} else {
		rc = run_version("leakwatchd", true, buf, sizeof(buf));
		for (size_t i = 0; rc != 0 && i < sizeof(dirs) / sizeof(dirs[0]); i++)
			rc = run_version(dirs[i], false, buf, sizeof(buf));
	}
	if (rc != 0)
		fprintf(f, "(leakwatchd not found: %s)\n", strerror(rc));
	else
		fprintf(f, "%s\n", buf[0] ? buf : "(no output)");
}

static int copy_file(const char *from, const char *to, struct lw_error *err)
{
	char tmp[PATH_MAX + 8], buf[8192];
	FILE *in = fopen(from, "r"), *out;
	size_t n;

	if (in == NULL)
		return lw_error_set(err, errno, "%s: %s", from, strerror(errno));
	if ((out = lw_rfile_open(to, tmp, sizeof(tmp), err)) == NULL) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	return lw_rfile_commit(out, tmp, to, err);
}

/*
 * system/collectors-run-N.txt: the collector table run N stored, as lwCollectorTable (and
 * `leakwatch show collectors`) shows it. The error and notice texts go last on their line: they
 * are long and of any width, the columns before them stay aligned.
 */
static int write_collectors(const struct lw_report_run *u, size_t n, const char *sub,
			    struct lw_error *err)
{
	char path[PATH_MAX + 64], tmp[PATH_MAX + 80], when[32];
	FILE *f;

	lw_rpath(path, sizeof(path), "%s/collectors-run-%zu.txt", sub, n);
	if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL)
		return -1;
	lw_rfmt_time(when, sizeof(when), u->start_t);
	fprintf(f, "# The collector table of %s pid %u, started %s\n", u->program, u->pid, when);
	if (u->ncoll == 0) {
		fprintf(f, "# none stored (the run wrote no cycle with it)\n");
	} else {
		int64_t t0 = u->coll[0].t, t1 = u->coll[0].t;
		char until[32];

		for (size_t i = 1; i < u->ncoll; i++) {
			t0 = u->coll[i].t < t0 ? u->coll[i].t : t0;
			t1 = u->coll[i].t > t1 ? u->coll[i].t : t1;
		}
		lw_rfmt_time(when, sizeof(when), t0);
		lw_rfmt_time(until, sizeof(until), t1);
		fprintf(f, "# rows written from %s to %s: all every few minutes (runs, durations), a"
			" row at once when its ok, errors, error or notice changed\n", when, until);
	}
	fprintf(f, "%-16s %-4s %10s %8s %10s %14s %10s  %-40s %s\n", "name", "ok", "runs", "errors",
		"interval_s", "last_dur_us", "avg_dur_us", "source", "last error / notice");
	for (size_t i = 0; i < u->ncoll; i++) {
		const struct lw_report_collector *k = &u->coll[i];

		fprintf(f, "%-16s %-4s %10u %8u %10u %14u %10llu  %-40s", k->name, k->ok ? "yes" : "NO",
			k->runs, k->errors, k->interval_s, k->last_duration_us,
			(unsigned long long)(k->runs ? k->total_duration_us / k->runs : 0), k->source);
		if (k->last_error[0] != '\0')
			fprintf(f, " error: %s", k->last_error);
		if (k->notice[0] != '\0')
			fprintf(f, " notice: %s", k->notice);
		fputc('\n', f);
	}
	return lw_rfile_commit(f, tmp, path, err);
}

int lw_rsys_write(const struct lw_report *r, const struct lw_report_opts *o, const char *dir,
		  struct lw_error *err)
{
	char sub[PATH_MAX], path[PATH_MAX + 64], tmp[PATH_MAX + 80], when[32], boot[64] = "";
	struct utsname u;
	FILE *f;

	lw_rpath(sub, sizeof(sub), "%s/system", dir);
	if (mkdir(sub, 0755) != 0 && errno != EEXIST)
		return lw_error_set(err, errno, "cannot create %s: %s", sub, strerror(errno));
	lw_rpath(path, sizeof(path), "%s/system.txt", sub);
	if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL)
		return -1;
	lw_rfmt_time(when, sizeof(when), r->generated_t);
	fprintf(f, "# The host this report was made on (the history may come from another)\n");
	fprintf(f, "report made: %s\n", when);
	if (uname(&u) == 0)
		fprintf(f, "uname: %s %s %s %s %s\n", u.sysname, u.nodename, u.release, u.version,
			u.machine);
	copy_text(f, "kernel command line", "/proc/cmdline");
	copy_text(f, "uptime (s, idle s)", "/proc/uptime");
	copy_text(f, "boot_id", "/proc/sys/kernel/random/boot_id");
	{
		FILE *b = fopen("/proc/sys/kernel/random/boot_id", "r");

		if (b != NULL) {
			if (fgets(boot, sizeof(boot), b) != NULL)
				boot[strcspn(boot, "\n")] = '\0';
			fclose(b);
		}
	}
	if (r->nruns > 0)
		fprintf(f, "the history's last run was written %s\n",
			strcmp(boot, r->runs[r->nruns - 1].boot_id) == 0 ?
			"in this boot of this host" : "in another boot or on another host");
	version_of(f, o->leakwatchd_path);
	if (!r->has_collectors)
		fprintf(f, "collector table: not recorded: a history of schema version %d (`leakwatch"
			" show collectors` shows a running agent's)\n", r->schema_version);
	else if (r->nruns == 0)
		fprintf(f, "collector table: no run in the window\n");
	else
		fprintf(f, "collector table: collectors-run-N.txt, one per run (N as"
			" config-run-N.conf)\n");
	if (lw_rfile_commit(f, tmp, path, err) != 0)
		return -1;
	for (size_t i = 0; r->has_collectors && i < r->nruns; i++)
		if (write_collectors(&r->runs[i], i + 1, sub, err) != 0)
			return -1;
	for (size_t i = 0; i < r->nruns; i++) {
		if (r->runs[i].config == NULL)
			continue;
		lw_rpath(path, sizeof(path), "%s/config-run-%zu.conf", sub, i + 1);
		if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL)
			return -1;
		lw_rfmt_time(when, sizeof(when), r->runs[i].start_t);
		fprintf(f, "# the configuration of %s pid %u, started %s\n", r->runs[i].program,
			r->runs[i].pid, when);
		fputs(r->runs[i].config, f);
		if (lw_rfile_commit(f, tmp, path, err) != 0)
			return -1;
	}
	if (o->config_path != NULL) {
		lw_rpath(path, sizeof(path), "%s/leakwatchd.conf", sub);
		if (copy_file(o->config_path, path, err) != 0)
			return -1;
	}
	return 0;
}
