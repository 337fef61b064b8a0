/* proccollect.c: the /proc/[pid]/ collector: stat, statm, fd... of each process, by identity. */
/* SPDX-License-Identifier: ISC */
#include "proc/proccollect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/readfile.h"
#include "cycle/collector.h"
#include "proc/cmdmask.h"
#include "proc/fdtypes.h"
#include "proc/procpid.h"
#include "proc/procsummary.h"
#include "sys/meminfo.h"

#define CMDLINE_BYTES 128

/* What survives between cycles for one process identity. */
struct ident {
	uint32_t pid;
	uint64_t starttime;       /* ticks after boot: with pid, the identity */
	char *cmdline;            /* raw (NUL-separated arguments), read once; never published */
	uint32_t cmdline_len;
	char *shown;              /* what lwProcCmdline shows under shown_mode (escaped), or NULL */
	uint8_t shown_mode;       /* enum lw_cmdline_mode shown was made for */
	uint32_t fd_limit;
	uint32_t uid;             /* real uid from status, read with the cmdline */
	uint32_t name_hash;       /* a new name means an execve: identity files are read again */
	uint64_t ticks, rss_kb;   /* at the last sample */
	uint32_t fds_key;         /* descriptor count the types were listed at (UINT32_MAX: never) */
	struct lw_fd_types types; /* for the collector itself, without its kept descriptors */
	int types_errno;          /* 0, or why the listing at fds_key failed: types unknown */
	int stat_fd, statm_fd;    /* kept open and pread each cycle, or -1 */
};

struct lw_proc_collector {
	int rootfd;
	DIR *proc;
	long clk_tck;
	uint64_t page_kb;
	uint64_t btime;
	bool fd_count_by_size;    /* st_size of /proc/PID/fd is the count (Linux >= 6.2) */
	struct ident *idents;     /* last cycle's, sorted by pid */
	size_t nidents;
	struct timespec last;     /* when the last sample started */
	bool have_last;
	size_t fd_budget;         /* processes whose stat/statm may stay open (2 fds each) */
	size_t fds_kept;          /* processes whose stat/statm are open right now */
	uint32_t self_pid;        /* this process in the root's procfs, 0 if not there */
	struct lw_proc_collector_stats stats;
};

/* Descriptors left for everything else in the daemon (sockets, logs, /proc reads). */
#define FD_RESERVE 512

static uint64_t timespec_us(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000u + (uint64_t)t->tv_nsec / 1000u;
}

static void close_kept(struct ident *id)
{
	if (id->stat_fd >= 0)
		close(id->stat_fd);
	if (id->statm_fd >= 0)
		close(id->statm_fd);
	id->stat_fd = id->statm_fd = -1;
}

static void free_cmdline(struct ident *id)
{
	free(id->cmdline);
	free(id->shown);
	id->cmdline = id->shown = NULL;
	id->cmdline_len = 0;
}

static void free_idents(struct ident *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free_cmdline(&v[i]);
		close_kept(&v[i]);
	}
	free(v);
}

/*
 * Keeping stat and statm open turns 8 syscalls per process into 2 preads. The budget is the
 * descriptor limit (raised to its hard maximum) less a reserve; beyond it, files are reopened.
 */
static size_t fd_budget(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max;

		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return 1u << 20;
	return rl.rlim_cur > 2 * FD_RESERVE ? (size_t)(rl.rlim_cur - FD_RESERVE) / 2 : 0;
}

int lw_proc_collector_new(int rootfd, struct lw_proc_collector **out, struct lw_error *err)
{
	struct lw_proc_collector *pc = calloc(1, sizeof(*pc));
	char buf[16384];
	size_t len;
	struct stat st;
	int fd;

	if (pc == NULL)
		return lw_error_set(err, ENOMEM, "processes: out of memory");
	pc->rootfd = rootfd;
	pc->clk_tck = sysconf(_SC_CLK_TCK);
	pc->page_kb = (uint64_t)sysconf(_SC_PAGESIZE) / 1024u;
	/* Boot time never changes; a root without proc/stat gives start times after the epoch. */
	if (lw_read_file_at(rootfd, "proc/stat", buf, sizeof(buf), &len, err) == 0)
		(void)lw_stat_btime_parse(buf, len, &pc->btime, err);
	pc->fd_count_by_size = fstatat(rootfd, "proc/self/fd", &st, 0) == 0 && st.st_size > 0;
	len = (size_t)readlinkat(rootfd, "proc/self", buf, 15);
	if (len < 15) {
		buf[len] = '\0';
		pc->self_pid = (uint32_t)strtoul(buf, NULL, 10);
	}
	pc->fd_budget = fd_budget();
	fd = openat(rootfd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (pc->proc = fdopendir(fd)) == NULL) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		free(pc);
		return lw_error_set(err, e, "open proc: %s", strerror(e));
	}
	*out = pc;
	return 0;
}

void lw_proc_collector_free(struct lw_proc_collector *pc)
{
	if (pc == NULL)
		return;
	closedir(pc->proc);
	free_idents(pc->idents, pc->nidents);
	free(pc);
}

static int ident_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct ident *)a)->pid, y = ((const struct ident *)b)->pid;

	return (x > y) - (x < y);
}

static struct ident *find_ident(const struct lw_proc_collector *pc, uint32_t pid)
{
	const struct ident key = { .pid = pid };

	return pc->nidents ? bsearch(&key, pc->idents, pc->nidents, sizeof(key), ident_cmp) : NULL;
}

static uint8_t state_of(char c)
{
	switch (c) {
	case 'R': return LW_PS_RUNNING;
	case 'S': return LW_PS_SLEEPING;
	case 'D': return LW_PS_DISK_SLEEP;
	case 'T': return LW_PS_STOPPED;
	case 't': return LW_PS_TRACING_STOP;
	case 'Z': return LW_PS_ZOMBIE;
	case 'X': return LW_PS_DEAD;
	case 'I': return LW_PS_IDLE;
	default: return LW_PS_OTHER;
	}
}

/* "PID/file" into path (32 bytes): no snprintf, which showed in profiles at 10k a cycle. */
static const char *pid_path(char *path, const char *pidname, const char *file)
{
	size_t a = strnlen(pidname, 15), b = strnlen(file, 15);

	memcpy(path, pidname, a);
	path[a] = '/';
	memcpy(path + a + 1, file, b);
	path[a + 1 + b] = '\0';
	return path;
}

/*
 * The descriptor count into *out: 0, or an errno when it cannot be known (ENOENT: the process
 * is gone; EACCES: older kernels count by listing, which needs the rights over the process
 * that CAP_DAC_READ_SEARCH gives: the size needs none, proc_fd_getattr() in fs/proc/fd.c).
 */
static int count_fds(const struct lw_proc_collector *pc, const char *pidname, bool self,
		     uint32_t *out)
{
	char path[32];
	struct stat st;
	struct dirent *de;
	uint32_t n = 0;
	DIR *d;
	int fd;

	pid_path(path, pidname, "fd");
	if (pc->fd_count_by_size) {
		if (fstatat(dirfd(pc->proc), path, &st, 0) != 0)
			return errno ? errno : EIO;
		*out = (uint32_t)st.st_size;
		return 0;
	}
	fd = openat(dirfd(pc->proc), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		int e = errno ? errno : EIO;

		if (fd >= 0)
			close(fd);
		return e;
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	*out = self && n > 0 ? n - 1 : n;  /* our own listing's descriptor is not one we hold */
	return 0;
}

/* Reads what is read once per identity (and again after an execve): cmdline, fd limit, uid. */
static int new_ident(int dfd, struct ident *id)
{
	char buf[4096];
	size_t len;
	uint64_t soft;
	struct lw_error err;

	if (lw_read_prefix_at(dfd, "cmdline", buf, CMDLINE_BYTES, &len, &err))
		len = 0;
	/* Kept raw: process_cmdline decides at each cycle what is shown (a reload applies to
	 * every process), and masking needs the argument boundaries that escaping loses. */
	free_cmdline(id);
	id->cmdline = malloc(len ? len : 1);
	if (id->cmdline == NULL)
		return -1;
	memcpy(id->cmdline, buf, len);
	id->cmdline_len = (uint32_t)len;
	/* /proc/PID is owned by root for non-dumpable processes; status has the real uid. */
	if (lw_read_file_at(dfd, "status", buf, sizeof(buf), &len, &err) == 0)
		(void)lw_pid_status_uid_parse(buf, len, &id->uid, &err);
	id->fd_limit = UINT32_MAX;
	if (lw_read_file_at(dfd, "limits", buf, sizeof(buf), &len, &err) == 0 &&
	    lw_pid_limits_nofile_parse(buf, len, &soft, &err) == 0)
		id->fd_limit = soft > UINT32_MAX ? UINT32_MAX : (uint32_t)soft;
	return 0;
}

/* One read of a kept /proc file: these files are produced whole by the first read. */
static int pread_whole(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t n = pread(fd, buf, cap, 0);

	if (n < 0 || (size_t)n == cap)
		return -1;  /* ESRCH: the process this fd was opened on has exited */
	*len = (size_t)n;
	return 0;
}

/* stat and statm through two open descriptors (kept, or just opened): two preads. */
static int pread_pair(int fd, int fdm, struct lw_pid_stat *st, struct lw_pid_statm *sm)
{
	char buf[4096];
	size_t len;
	struct lw_error err;

	if (pread_whole(fd, buf, sizeof(buf), &len) || lw_pid_stat_parse(buf, len, st, &err) ||
	    pread_whole(fdm, buf, sizeof(buf), &len) || lw_pid_statm_parse(buf, len, sm, &err))
		return -1;
	return 0;
}

/*
 * Opens stat and statm at two paths under at and reads them; with keep, the descriptors stay
 * open in id for the next cycles, else they are closed (3 calls a file).
 */
static int read_stat_files(int at, const char *stat_path, const char *statm_path, bool keep,
			   struct ident *id, struct lw_pid_stat *st, struct lw_pid_statm *sm)
{
	int fd = openat(at, stat_path, O_RDONLY | O_CLOEXEC);
	int fdm = openat(at, statm_path, O_RDONLY | O_CLOEXEC);
	int rc = fd < 0 || fdm < 0 ? -1 : pread_pair(fd, fdm, st, sm);

	if (rc == 0 && keep) {
		id->stat_fd = fd;
		id->statm_fd = fdm;
		return 0;
	}
	if (fd >= 0)
		close(fd);
	if (fdm >= 0)
		close(fdm);
	return rc;
}

/* Open, one read, close: /proc/PID files come whole from the first read (3 calls, not 4). */
static int read_once_at(int at, const char *path, char *buf, size_t cap, size_t *len)
{
	int fd = openat(at, path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = pread_whole(fd, buf, cap, len);
	close(fd);
	return rc;
}

/*
 * A process seen before whose files are not kept (the descriptor budget ran out): stat and
 * statm by path, without opening /proc/PID first. The start time in stat tells whether it is
 * still the same process.
 */
static int reread_by_path(struct lw_proc_collector *pc, const char *pidname,
			  struct lw_pid_stat *st, struct lw_pid_statm *sm)
{
	char stat_path[32], statm_path[32];

	return read_stat_files(dirfd(pc->proc), pid_path(stat_path, pidname, "stat"),
			       pid_path(statm_path, pidname, "statm"), false, NULL, st, sm);
}

/* A process seen last cycle whose files are still open: two preads. */
static int reread_kept(const struct ident *id, struct lw_pid_stat *st, struct lw_pid_statm *sm)
{
	if (id->stat_fd < 0 || pread_pair(id->stat_fd, id->statm_fd, st, sm) ||
	    st->starttime != id->starttime)
		return -1;
	return 0;
}

struct sample {
	struct lw_proc row;
	char name[LW_DISPLAY_MAX + 1];
	struct ident id;
	int fds_errno, types_errno;  /* why row.unknown has a bit, for the notice */
	bool no_fd_dir;              /* PID/ has no fd/ (a test tree): nothing open, nothing to list */
};

/* Forgets a sample whose process vanished mid-read: its kept descriptors close. */
static void drop_sample(struct lw_proc_collector *pc, struct sample *s)
{
	if (s->id.stat_fd >= 0)
		pc->fds_kept--;
	close_kept(&s->id);
	free_cmdline(&s->id);
}

/*
 * Descriptor types, listed again only when the count moved. The collector's own kept stat and
 * statm descriptors (2 per process, coming and going with other processes) are /proc files and
 * are added rather than listed: listing ~20k of our own links every cycle cost more than
 * sampling every other process. The listing's own descriptor is left out of our own row.
 */
static void sample_fd_types(struct lw_proc_collector *pc, const char *pidname, struct ident *id,
			    struct sample *s)
{
	struct lw_proc *row = &s->row;
	bool self = row->pid == pc->self_pid;
	uint32_t own = self ? (uint32_t)(2 * pc->fds_kept) : 0;
	uint32_t key = row->fds > own ? row->fds - own : 0;
	struct lw_error err;
	char path[32];

	if (s->no_fd_dir) {
		memset(&id->types, 0, sizeof(id->types));
		id->types_errno = 0;
		id->fds_key = 0;
	} else if (row->unknown & LW_PROC_FDS_UNKNOWN) {
		/* No count to list against, and a listing would meet the same refusal. */
		id->fds_key = UINT32_MAX;
		row->unknown |= LW_PROC_TYPES_UNKNOWN;
		s->types_errno = s->fds_errno;
		return;
	}
	if (key != id->fds_key) {
		pid_path(path, pidname, "fd");
		pc->stats.fd_lists++;
		pc->stats.own_fd_lists += self;
		if (lw_fd_types_read(dirfd(pc->proc), path, &id->types, &err) == 0) {
			uint32_t mine = self ? own + 1 : 0;

			id->types.files = id->types.files > mine ? id->types.files - mine : 0;
			key = lw_fd_types_total(&id->types);  /* newer than the count */
			id->types_errno = 0;
		} else {
			/*
			 * Not ours to read (listing needs CAP_DAC_READ_SEARCH, the links
			 * CAP_SYS_PTRACE over another user's process: proc_fd_permission() and
			 * proc_fd_access_allowed() in fs/proc/): unknown, not "0 sockets". A
			 * refusal holds until the count moves; any other failure is retried.
			 */
			memset(&id->types, 0, sizeof(id->types));
			id->types_errno = err.code ? err.code : EIO;
			if (err.code != EACCES && err.code != EPERM)
				key = UINT32_MAX;
		}
		id->fds_key = key;
	}
	if (id->types_errno) {
		row->unknown |= LW_PROC_TYPES_UNKNOWN;
		s->types_errno = id->types_errno;
		return;  /* types and sockets stay 0; fds is the count */
	}
	row->types = id->types;
	row->types.files += own;
	row->fds = lw_fd_types_total(&row->types);
	row->sockets = row->types.sockets;
}

/*
 * Samples one process into s (taking over prev's kept descriptors when the identity matches);
 * 1 when it vanished or is unreadable and is skipped, -1 on out of memory.
 */
static int sample_one(struct lw_proc_collector *pc, const char *pidname, uint32_t pid,
		      int host_has_swap, uint64_t dt_us, struct ident *prev, struct sample *s)
{
	char buf[4096];
	size_t len;
	struct lw_pid_stat st;
	struct lw_pid_statm sm;
	struct lw_error err;
	uint32_t name_hash;
	bool same = false;

	memset(s, 0, sizeof(*s));
	if (prev != NULL && reread_kept(prev, &st, &sm) == 0) {
		s->id = *prev;          /* takes the descriptors and the cmdline */
		prev->stat_fd = prev->statm_fd = -1;
		prev->cmdline = prev->shown = NULL;
		same = true;
	} else {
		bool keep = pc->fds_kept < pc->fd_budget;
		int dfd = -1;

		s->id.stat_fd = s->id.statm_fd = -1;
		/* Beyond the budget a known process is read by path; otherwise through /proc/PID,
		 * which new_ident needs anyway for a new identity. */
		if (keep || prev == NULL || reread_by_path(pc, pidname, &st, &sm) ||
		    st.starttime != prev->starttime) {
			dfd = openat(dirfd(pc->proc), pidname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd < 0)
				return 1;
			if (read_stat_files(dfd, "stat", "statm", keep, &s->id, &st, &sm)) {
				close(dfd);
				return 1;
			}
		}
		if (prev != NULL && prev->starttime == st.starttime && prev->cmdline != NULL) {
			/* Same process, files not kept last cycle: carry the identity over. */
			int fd = s->id.stat_fd, fdm = s->id.statm_fd;

			s->id = *prev;
			prev->cmdline = prev->shown = NULL;
			s->id.stat_fd = fd;
			s->id.statm_fd = fdm;
			same = true;
		} else {
			s->id.fds_key = UINT32_MAX;  /* forces a listing of the fd types */
			if (dfd < 0)
				dfd = openat(dirfd(pc->proc), pidname,
					     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd < 0 || new_ident(dfd, &s->id)) {
				int gone = dfd < 0;

				close_kept(&s->id);
				if (dfd >= 0)
					close(dfd);
				return gone ? 1 : -1;
			}
		}
		s->id.pid = pid;
		s->id.starttime = st.starttime;
		if (dfd >= 0)
			close(dfd);
		if (s->id.stat_fd >= 0)
			pc->fds_kept++;
	}
	s->row.pid = pid;
	s->row.ppid = st.ppid;
	s->row.state = state_of(st.state);
	s->row.threads = st.threads > UINT32_MAX ? UINT32_MAX : (uint32_t)st.threads;
	s->row.start_time = pc->btime + st.starttime / (uint64_t)pc->clk_tck;
	s->row.rss_kb = sm.resident * pc->page_kb;
	s->row.vsz_kb = sm.size * pc->page_kb;
	s->row.anon_kb = (sm.resident - sm.shared) * pc->page_kb;
	s->row.cpu_ticks = st.utime + st.stime;
	s->fds_errno = count_fds(pc, pidname, pid == pc->self_pid, &s->row.fds);
	if (s->fds_errno == ENOENT || s->fds_errno == ESRCH) {
		struct stat pst;

		if (fstatat(dirfd(pc->proc), pidname, &pst, 0) != 0) {
			drop_sample(pc, s);  /* exited since stat was read */
			return 1;
		}
		/* PID/ without fd/: only in a test tree (Linux gives every process one, empty for
		 * a kernel thread or a zombie): nothing open. */
		s->fds_errno = 0;
		s->row.fds = 0;
		s->no_fd_dir = true;
	}
	if (s->fds_errno)
		s->row.unknown |= LW_PROC_FDS_UNKNOWN;
	if (host_has_swap) {
		char path[32];

		if (read_once_at(dirfd(pc->proc), pid_path(path, pidname, "status"), buf,
				 sizeof(buf), &len) == 0)
			(void)lw_pid_status_swap_parse(buf, len, &s->row.swap_kb, &err);
	}
	lw_escape(st.comm, st.comm_len, false, s->name, sizeof(s->name));
	name_hash = lw_proc_group_index(s->name);
	if (same && s->id.name_hash != name_hash) {
		/* Same pid and start time, new name: it called execve; refresh what exec changes. */
		int dfd = openat(dirfd(pc->proc), pidname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			int rc = new_ident(dfd, &s->id);

			close(dfd);
			if (rc)
				return -1;
		}
	}
	s->id.name_hash = name_hash;
	s->row.uid = s->id.uid;
	if (same) {
		if (s->row.cpu_ticks >= s->id.ticks && dt_us > 0)
			s->row.cpu_hundredths = (uint32_t)((s->row.cpu_ticks - s->id.ticks) *
							   UINT64_C(10000000000) /
							   ((uint64_t)pc->clk_tck * dt_us));
		s->row.rss_growth_kb = (int64_t)s->row.rss_kb - (int64_t)s->id.rss_kb;
	}
	sample_fd_types(pc, pidname, &s->id, s);
	s->row.fd_limit = s->id.fd_limit;
	s->id.ticks = s->row.cpu_ticks;
	s->id.rss_kb = s->row.rss_kb;
	return 0;
}

/*
 * lwProcCmdline under mode (process_cmdline), made from the raw cmdline when the mode or the
 * cmdline changed and kept with the identity: "" under no; NULL when out of memory.
 */
static const char *shown_cmdline(struct ident *id, uint8_t mode)
{
	char masked[4 * CMDLINE_BYTES];  /* a marker is at most 3 octets for each one it hides */
	char esc[LW_DISPLAY_MAX + 1];
	const char *raw = id->cmdline;
	size_t len = id->cmdline_len;

	if (mode == LW_CMDLINE_NO || raw == NULL)
		return "";
	if (id->shown != NULL && id->shown_mode == mode)
		return id->shown;
	if (mode == LW_CMDLINE_MASK) {
		len = lw_cmdline_mask(raw, len, masked, sizeof(masked));
		raw = masked;
	}
	lw_escape(raw, len, true, esc, sizeof(esc));
	free(id->shown);
	id->shown = strdup(esc);
	id->shown_mode = mode;
	return id->shown;
}

/* What could not be read this cycle, for the notice: processes and one reason each. */
struct unknowns {
	uint32_t fds, types;
	int types_errno;  /* the reason shown: a count's refusal is also its types' */
};

static void count_unknown(struct unknowns *u, const struct sample *s)
{
	if (s->row.unknown & LW_PROC_FDS_UNKNOWN)
		u->fds++;
	if (s->row.unknown & LW_PROC_TYPES_UNKNOWN) {
		u->types++;
		u->types_errno = s->types_errno;
	}
}

static const char *why(int e)
{
	return e == EACCES || e == EPERM
		? "permission denied (no CAP_DAC_READ_SEARCH/CAP_SYS_PTRACE)" : strerror(e);
}

/* Appends to the notice what could not be read; a row cap notice, if any, comes first. An
 * unknown count makes the types unknown too, so u->fds <= u->types. */
static void notice_unknowns(const struct unknowns *u, char *notice, size_t cap)
{
	size_t n = strlen(notice);

	if (u->types == 0 || n >= cap)
		return;
	n += (size_t)snprintf(notice + n, cap - n, "%sdescriptors of %u processes not readable: "
			      "%s: no lwProcSockets nor lwProcFdTable row for them",
			      n ? "; " : "", u->types, why(u->types_errno));
	if (u->fds > 0 && n < cap)
		snprintf(notice + n, cap - n, ", no lwProcFds either for %u", u->fds);
}

static bool wanted(const struct lw_proc_config *cfg, const char *name, uint64_t rss_kb)
{
	bool in = cfg->ninclude == 0;

	for (size_t i = 0; i < cfg->ninclude && !in; i++)
		in = fnmatch(cfg->include[i], name, 0) == 0;
	for (size_t i = 0; i < cfg->nexclude && in; i++)
		in = fnmatch(cfg->exclude[i], name, 0) != 0;
	return in && rss_kb >= cfg->min_rss_kb;
}

static int parse_pid(const char *name, uint32_t *pid)
{
	uint64_t v = 0;

	if (*name == '\0')
		return -1;
	for (; *name; name++) {
		if (*name < '0' || *name > '9')
			return -1;
		v = v * 10 + (uint64_t)(*name - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*pid = (uint32_t)v;
	return 0;
}

static int grow_idents(struct ident **v, size_t *cap)
{
	size_t ncap = *cap ? *cap * 2 : 1024;
	struct ident *nv = realloc(*v, ncap * sizeof(**v));

	if (nv == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

int lw_proc_collect(struct lw_proc_collector *pc, const struct lw_proc_config *cfg,
		    int host_has_swap, struct lw_proc_table *out, uint32_t *all, char *notice,
		    size_t notice_cap, struct lw_error *err)
{
	struct lw_summary_builder b;
	struct ident *idents = NULL;
	size_t nidents = 0, cap = 0;
	struct timespec now;
	struct dirent *de;
	struct unknowns unknown = { 0 };
	uint64_t dt_us;
	uint32_t seen = 0;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt_us = pc->have_last ? timespec_us(&now) - timespec_us(&pc->last) : 0;
	if (lw_summary_begin(&b, err))
		return -1;
	rewinddir(pc->proc);
	while ((de = readdir(pc->proc)) != NULL) {
		struct sample s;
		const char *cmdline;
		uint32_t pid;

		if (parse_pid(de->d_name, &pid))
			continue;
		rc = sample_one(pc, de->d_name, pid, host_has_swap, dt_us, find_ident(pc, pid), &s);
		if (rc > 0)
			continue;
		if (rc < 0 || (nidents == cap && grow_idents(&idents, &cap)))
			goto oom;
		idents[nidents++] = s.id;
		seen++;
		if (!wanted(cfg, s.name, s.row.rss_kb))
			continue;
		/* Where the command line enters the snapshot: the history, the report and SNMP
		 * see only this form. */
		cmdline = shown_cmdline(&idents[nidents - 1], cfg->cmdline);
		if (cmdline == NULL || lw_summary_add(&b, &s.row, s.name, cmdline))
			goto oom;
		count_unknown(&unknown, &s);
	}
	/* readdir of /proc lists pids in increasing order; keep the cache sorted regardless. */
	for (size_t i = 1; i < nidents; i++)
		if (idents[i - 1].pid > idents[i].pid) {
			qsort(idents, nidents, sizeof(*idents), ident_cmp);
			break;
		}
	/* Identities not seen again have exited: their kept descriptors close here. */
	for (size_t i = 0; i < pc->nidents; i++)
		if (pc->idents[i].stat_fd >= 0)
			pc->fds_kept--;
	free_idents(pc->idents, pc->nidents);
	pc->idents = idents;
	pc->nidents = nidents;
	pc->last = now;
	pc->have_last = true;
	*all = seen;
	rc = lw_summary_finish(&b, cfg, out, notice, notice_cap, err);
	if (rc == 0) {
		out->cmdline_published = cfg->cmdline != LW_CMDLINE_NO;
		notice_unknowns(&unknown, notice, notice_cap);
	}
	return rc;
oom:
	free_idents(idents, nidents);
	lw_summary_abort(&b);
	return lw_error_set(err, ENOMEM, "processes: out of memory");
}

void lw_proc_collector_stats(const struct lw_proc_collector *pc,
			     struct lw_proc_collector_stats *out)
{
	*out = pc->stats;
	out->kept = pc->fds_kept;
	out->kept_budget = pc->fd_budget;
}

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	const struct lw_meminfo *mi = ctx->in;  /* this cycle's, read by the meminfo collector */
	struct lw_proc_table *out = ctx->part;
	struct lw_proc_collector *pc = *ctx->state;
	uint32_t seen = 0;
	int rc;
	/*
	 * VmSwap is the only reason to read status every cycle. While no page is swapped out
	 * (SwapFree == SwapTotal, also on hosts without swap) every VmSwap is 0, so it is skipped;
	 * a page swapped out after meminfo was read shows in the next cycle.
	 */
	int swap = !lw_meminfo_has(mi, LW_MI_SWAP_TOTAL) || !lw_meminfo_has(mi, LW_MI_SWAP_FREE) ||
		   mi->kb[LW_MI_SWAP_TOTAL] > mi->kb[LW_MI_SWAP_FREE];

	lw_proc_table_release(out);  /* last cycle's table: this run builds a new one */
	/* Made on first use, and again after a failure to open proc (a root without it yet). */
	if (pc == NULL) {
		if (lw_proc_collector_new(ctx->rootfd, &pc, err))
			return -1;
		*ctx->state = pc;
	}
	rc = lw_proc_collect(pc, &ctx->cfg->proc, swap, out, &seen, ctx->notice, ctx->notice_cap,
			     err);
	out->seen = seen;  /* after: lw_proc_collect fills out as a whole */
	return rc;
}

static void free_state(void *state)
{
	lw_proc_collector_free(state);
}

const struct lw_collector lw_proc_pids_collector = { sizeof(struct lw_proc_table), collect,
						     free_state };
