/* proccount.c: counts /proc's numeric directory entries, one per process (thread group). */
#include "proccount.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int is_pid_name(const char *name)
{
	if (*name == '\0')
		return 0;
	for (; *name; name++)
		if (*name < '0' || *name > '9')
			return 0;
	return 1;
}

int lw_count_processes(int rootfd, uint32_t *count, struct lw_error *err)
{
	struct dirent *de;
	uint32_t n = 0;
	DIR *dir;
	int fd = openat(rootfd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return lw_error_set(err, errno, "open proc: %s", strerror(errno));
	dir = fdopendir(fd);
	if (dir == NULL) {
		int e = errno;
		close(fd);
		return lw_error_set(err, e, "fdopendir proc: %s", strerror(e));
	}
	errno = 0;
	while ((de = readdir(dir)) != NULL)
		if (is_pid_name(de->d_name))
			n++;
	if (errno != 0) {
		int e = errno;
		closedir(dir);
		return lw_error_set(err, e, "readdir proc: %s", strerror(e));
	}
	closedir(dir);
	*count = n;
	return 0;
}
