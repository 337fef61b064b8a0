/* privdrop.c: -u USER -g GROUP: leaving root after start-up with only the collectors' capabilities. */
/* SPDX-License-Identifier: ISC */
#include "privdrop.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "instance.h"

/*
 * What the collectors need beyond an ordinary user's rights, and what goes without each
 * (README.md, "Privileges"). fs/proc/fd.c: listing another user's /proc/PID/fd (mode 0500,
 * owned by the process's user) takes CAP_DAC_READ_SEARCH through generic_permission() in
 * proc_fd_permission(), and reading its links PTRACE_MODE_READ_FSCREDS access
 * (proc_fd_access_allowed(), kernel/ptrace.c), which another user's process grants only with
 * CAP_SYS_PTRACE. mm/slab_common.c: /proc/slabinfo is created 0400 root. A packet socket
 * (net/packet/af_packet.c, packet_create()) needs CAP_NET_RAW.
 */
static const struct need {
	cap_value_t cap;
	const char *name;
	const char *without;
	bool captures_only;   /* matters only with mcast_interface configured */
} needs[] = {
	{ CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH",
	  "the slabinfo collector cannot read /proc/slabinfo (lwSlabTable empty) and the processes "
	  "collector cannot list other users' descriptors", false },
	{ CAP_NET_RAW, "CAP_NET_RAW", "the multicast captures cannot open (lwMcastIfCaptureState "
	  "error)", true },
	{ CAP_SYS_PTRACE, "CAP_SYS_PTRACE", "the processes collector cannot read other users' "
	  "descriptor links (no lwProcSockets nor lwProcFdTable row for them)", false },
};
#define NNEEDS (sizeof(needs) / sizeof(needs[0]))

/* A name, or a number when no such name exists (as chown(1) takes them). */
static bool parse_id(const char *s, unsigned long *id)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*id = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *id < (unsigned long)(uid_t)-1;
}

int lw_privdrop_resolve(struct lw_privdrop *pd, const char *user, const char *group,
			struct lw_error *err)
{
	const struct passwd *pw;
	const struct group *gr;
	unsigned long id;

	memset(pd, 0, sizeof(*pd));
	if (user == NULL && group == NULL)
		return 0;
	if (user == NULL)
		return lw_error_set(err, EINVAL, "-g GROUP needs -u USER");
	if ((pw = getpwnam(user)) != NULL)
		pd->uid = pw->pw_uid;
	else if (parse_id(user, &id))
		pd->uid = (uid_t)id;
	else
		return lw_error_set(err, EINVAL, "-u %s: no such user", user);
	if (group == NULL) {
		if (pw == NULL)
			return lw_error_set(err, EINVAL, "-u %s: a uid without a passwd entry needs "
					    "-g GROUP", user);
		pd->gid = pw->pw_gid;
		gr = getgrgid(pd->gid);
		snprintf(pd->group, sizeof(pd->group), "%s", gr != NULL ? gr->gr_name : "");
		if (gr == NULL)
			snprintf(pd->group, sizeof(pd->group), "%u", (unsigned)pd->gid);
	} else if ((gr = getgrnam(group)) != NULL) {
		pd->gid = gr->gr_gid;
		snprintf(pd->group, sizeof(pd->group), "%s", group);
	} else if (parse_id(group, &id)) {
		pd->gid = (gid_t)id;
		snprintf(pd->group, sizeof(pd->group), "%s", group);
	} else {
		return lw_error_set(err, EINVAL, "-g %s: no such group", group);
	}
	snprintf(pd->user, sizeof(pd->user), "%s", user);
	if (pd->uid == 0)
		return lw_error_set(err, EINVAL, "-u %s: that is root; name the user to run as", user);
	if (geteuid() != 0)
		return lw_error_set(err, EPERM, "-u %s: only root can change its user (leakwatchd "
				    "runs as uid %u)", user, (unsigned)geteuid());
	pd->wanted = true;
	return 0;
}

/* The names leakwatchd keeps in its state directory (instance.c, thresholds.c, history_db.c,
 * master_access.c): a directory holding only these is leakwatchd's to give away. */
static bool state_file(const char *name)
{
	return strcmp(name, LW_STATE_LOCK_NAME) == 0 || strcmp(name, "snmp") == 0 ||
	       strncmp(name, "thresholds", 10) == 0 || strncmp(name, "history.db", 10) == 0;
}

/*
 * Gives the root-owned entries of the directory at dfd to the user, the snmp subdirectory's
 * too (depth 1). No symbolic link is followed: AT_SYMLINK_NOFOLLOW changes a link itself.
 * check_only: changes nothing, and stranger gets the first name that is not leakwatchd's.
 */
static int give_entries(int dfd, const struct lw_privdrop *pd, bool check_only, int depth,
			char *stranger, size_t stranger_size, struct lw_error *err)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	const struct dirent *e;
	struct stat st;
	int rc = 0;

	if (d == NULL) {
		int saved = errno;

		if (fd >= 0)
			close(fd);
		return lw_error_set(err, saved, "state_dir: %s", strerror(saved));
	}
	rewinddir(d);  /* the duplicate shares the offset an earlier listing left at the end */
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (depth == 0 && !state_file(e->d_name)) {
			if (!check_only)
				continue;  /* not ours: left as it is */
			snprintf(stranger, stranger_size, "%s", e->d_name);
			break;
		}
		if (check_only || fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    st.st_uid != 0)
			continue;
		if (fchownat(dfd, e->d_name, pd->uid, pd->gid, AT_SYMLINK_NOFOLLOW) != 0)
			rc = lw_error_set(err, errno, "state_dir: chown %s: %s", e->d_name,
					  strerror(errno));
		else if (depth == 0 && S_ISDIR(st.st_mode)) {
			int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);

			if (sub >= 0) {
				rc = give_entries(sub, pd, false, 1, stranger, stranger_size, err);
				close(sub);
			}
		}
	}
	closedir(d);
	return rc;
}

/*
 * The state directory must be the user's: the history (SQLite makes and removes its -wal and
 * -shm beside the file), the thresholds (written to a temporary file, then renamed) and
 * net-snmp's engine state are written there after the drop. A root-owned directory that holds
 * only leakwatchd's files (made by this start, or by an earlier run as root) is given to the
 * user with them; any other directory is left as it is (state_dir /var/lib must not change
 * owner), and the check after the drop says whether the user can write it.
 */
static int give_state_dir(const struct lw_privdrop *pd, const char *dir, struct lw_error *err)
{
	char stranger[256] = "";
	struct stat st;
	int dfd, rc = 0;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return lw_error_set(err, errno, "state_dir %s: %s", dir, strerror(errno));
	if (fstat(dfd, &st) != 0) {
		rc = lw_error_set(err, errno, "state_dir %s: %s", dir, strerror(errno));
	} else if (st.st_uid == 0) {
		rc = give_entries(dfd, pd, true, 0, stranger, sizeof(stranger), err);
		if (rc == 0 && stranger[0] != '\0')
			rc = lw_error_set(err, EACCES, "state_dir %s belongs to root and holds %s, "
					  "which is not leakwatchd's: give the directory to %s "
					  "(chown %s:%s %s) or name another", dir, stranger, pd->user,
					  pd->user, pd->group, dir);
		else if (rc == 0 && fchown(dfd, pd->uid, pd->gid) != 0)
			rc = lw_error_set(err, errno, "state_dir %s: chown: %s", dir, strerror(errno));
		if (rc == 0)
			rc = give_entries(dfd, pd, false, 0, stranger, sizeof(stranger), err);
	} else if (st.st_uid == pd->uid) {
		rc = give_entries(dfd, pd, false, 0, stranger, sizeof(stranger), err);
	}
	close(dfd);
	return rc;
}

static bool is_kept(cap_value_t c)
{
	for (size_t i = 0; i < NNEEDS; i++)
		if (needs[i].cap == c)
			return true;
	return false;
}

/* Everything but the kept capabilities out of the bounding set, while CAP_SETPCAP is ours:
 * nothing the process executes could ever gain them (capabilities(7), bounding set). */
static int drop_bounding(struct lw_error *err)
{
	for (cap_value_t c = 0; CAP_IS_SUPPORTED(c); c++) {
		if (is_kept(c) || cap_get_bound(c) != 1)
			continue;
		if (cap_drop_bound(c) != 0) {
			char *name = cap_to_name(c);
			int rc = lw_error_set(err, errno, "cannot drop %s from the bounding set: %s",
					      name != NULL ? name : "?", strerror(errno));

			cap_free(name);
			return rc;
		}
	}
	return 0;
}

static int change_ids(const struct lw_privdrop *pd, struct lw_error *err)
{
	/* With keep-caps, the permitted set survives the uid change; the effective is emptied
	 * (capabilities(7), "Effect of user ID changes on capabilities"). */
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) != 0)
		return lw_error_set(err, errno, "prctl(PR_SET_KEEPCAPS): %s", strerror(errno));
	/* Exactly the one group: no supplementary group of root's stays. */
	if (setgroups(1, &pd->gid) != 0)
		return lw_error_set(err, errno, "setgroups(%s): %s", pd->group, strerror(errno));
	if (setresgid(pd->gid, pd->gid, pd->gid) != 0)
		return lw_error_set(err, errno, "setresgid(%s): %s", pd->group, strerror(errno));
	if (setresuid(pd->uid, pd->uid, pd->uid) != 0)
		return lw_error_set(err, errno, "setresuid(%s): %s", pd->user, strerror(errno));
	if (prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) != 0)
		return lw_error_set(err, errno, "prctl(PR_SET_KEEPCAPS): %s", strerror(errno));
	return 0;
}

/* The kept capabilities the process had, as permitted and effective; nothing else. */
static cap_t wanted_caps(const cap_value_t *kept, int nkept)
{
	cap_t want = cap_init();

	if (want != NULL && nkept > 0 &&
	    (cap_set_flag(want, CAP_PERMITTED, nkept, kept, CAP_SET) != 0 ||
	     cap_set_flag(want, CAP_EFFECTIVE, nkept, kept, CAP_SET) != 0)) {
		cap_free(want);
		return NULL;
	}
	return want;
}

/* What the drop must have left: the ids, the one group, exactly want, and no way back. */
static int verify(const struct lw_privdrop *pd, cap_t want, struct lw_error *err)
{
	uid_t r, e, s;
	gid_t rg, eg, sg, groups[2];
	cap_t now = cap_get_proc();
	int differ = now == NULL ? -1 : cap_compare(now, want);

	cap_free(now);
	if (differ != 0)
		return lw_error_set(err, EPERM, "capabilities after the drop are not the ones kept");
	for (size_t i = 0; i < NNEEDS && CAP_AMBIENT_SUPPORTED(); i++)
		if (cap_get_ambient(needs[i].cap) != 0)
			return lw_error_set(err, EPERM, "an ambient capability survived the drop");
	if (getresuid(&r, &e, &s) != 0 || r != pd->uid || e != pd->uid || s != pd->uid ||
	    getresgid(&rg, &eg, &sg) != 0 || rg != pd->gid || eg != pd->gid || sg != pd->gid ||
	    getgroups(2, groups) != 1 || groups[0] != pd->gid)
		return lw_error_set(err, EPERM, "user, group or groups after the drop are not %s:%s",
				    pd->user, pd->group);
	/* Both must fail now: nothing left to regain root with (no CAP_SETUID, CAP_SETGID). */
	if (setresgid(0, 0, 0) == 0 || setresuid(0, 0, 0) == 0)
		return lw_error_set(err, EPERM, "root could be regained after the drop");
	return 0;
}

static void describe(char *buf, size_t size, const struct lw_privdrop *pd,
		     const cap_value_t *kept, int nkept)
{
	size_t len;

	snprintf(buf, size, "running as %s:%s (uid %u, gid %u) with %s", pd->user, pd->group,
		 (unsigned)pd->uid, (unsigned)pd->gid, nkept == 0 ? "no capabilities" : "");
	for (int i = 0; i < nkept; i++) {
		char *name = cap_to_name(kept[i]);

		len = strlen(buf);
		if (len < size)
			snprintf(buf + len, size - len, "%s%s", i > 0 ? ", " : "",
				 name != NULL ? name : "?");
		cap_free(name);
	}
}

int lw_privdrop_apply(const struct lw_privdrop *pd, const char *state_dir, char *done,
		      size_t done_size, struct lw_error *err)
{
	cap_value_t kept[NNEEDS];
	cap_flag_value_t v;
	int nkept = 0, rc;
	cap_t now, want;

	done[0] = '\0';
	if (!pd->wanted)
		return 0;
	/* Capabilities belong to a thread (capset(2)): the caller runs this before the first
	 * thread starts, or that thread would keep root's (test_privileges.py checks each). */
	/* Those of the three the process has: a start without one (setpriv, a container) runs
	 * with the others, and lw_privdrop_missing says what that costs. */
	if ((now = cap_get_proc()) == NULL)
		return lw_error_set(err, errno, "cap_get_proc: %s", strerror(errno));
	for (size_t i = 0; i < NNEEDS; i++)
		if (cap_get_flag(now, needs[i].cap, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			kept[nkept++] = needs[i].cap;
	cap_free(now);
	if ((want = wanted_caps(kept, nkept)) == NULL)
		return lw_error_set(err, ENOMEM, "cap_init: out of memory");
	/* While root (CAP_CHOWN, CAP_SETPCAP, CAP_SETUID, CAP_SETGID still effective). */
	rc = drop_bounding(err);
	if (rc == 0)
		rc = give_state_dir(pd, state_dir, err);
	if (rc == 0)
		rc = change_ids(pd, err);
	if (rc == 0 && cap_set_proc(want) != 0)
		rc = lw_error_set(err, errno, "cap_set_proc: %s", strerror(errno));
	if (rc == 0 && CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() != 0)
		rc = lw_error_set(err, errno, "cap_reset_ambient: %s", strerror(errno));
	/* Nothing executed later gains privileges (setuid files, file capabilities). */
	if (rc == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0)
		rc = lw_error_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
	if (rc == 0)
		rc = verify(pd, want, err);
	cap_free(want);
	/* The real uid is the user's now: access(2) answers for it. */
	if (rc == 0 && access(state_dir, W_OK | X_OK) != 0)
		rc = lw_error_set(err, errno, "state_dir %s is not writable by %s: %s (give it to "
				  "%s: chown -R %s:%s %s)", state_dir, pd->user, strerror(errno),
				  pd->user, pd->user, pd->group, state_dir);
	if (rc == 0)
		describe(done, done_size, pd, kept, nkept);
	return rc;
}

void lw_privdrop_missing(char *buf, size_t size, bool captures)
{
	cap_t now = cap_get_proc();
	cap_flag_value_t v;
	size_t len;

	buf[0] = '\0';
	for (size_t i = 0; i < NNEEDS; i++) {
		if (needs[i].captures_only && !captures)
			continue;
		if (now != NULL && cap_get_flag(now, needs[i].cap, CAP_EFFECTIVE, &v) == 0 &&
		    v == CAP_SET)
			continue;
		len = strlen(buf);
		if (len < size)
			snprintf(buf + len, size - len, "%swithout %s %s", len > 0 ? "; " : "",
				 needs[i].name, needs[i].without);
	}
	cap_free(now);
}
