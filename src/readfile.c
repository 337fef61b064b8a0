/* readfile.c: whole-file reads under a root directory fd, with errors that name the file. */
#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int lw_root_open(const char *root, int *fd, struct lw_error *err)
{
	int d = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (d < 0)
		return lw_error_set(err, errno, "cannot open root directory %s: %s", root,
				    strerror(errno));
	*fd = d;
	return 0;
}

int lw_read_file_at(int rootfd, const char *relpath, char *buf, size_t cap, size_t *len,
		    struct lw_error *err)
{
	size_t have = 0;
	int fd = openat(rootfd, relpath, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return lw_error_set(err, errno, "open %s: %s", relpath, strerror(errno));
	for (;;) {
		ssize_t n;

		if (have == cap) {
			char probe;

			/* Full buffer: one more byte tells a file of exactly cap from a longer one. */
			n = read(fd, &probe, 1);
			if (n == 0)
				break;
			close(fd);
			return lw_error_set(err, EFBIG, "%s is larger than %zu bytes", relpath, cap);
		}
		n = read(fd, buf + have, cap - have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return lw_error_set(err, e, "read %s: %s", relpath, strerror(e));
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	close(fd);
	*len = have;
	return 0;
}

int lw_read_prefix_at(int dirfd, const char *relpath, char *buf, size_t cap, size_t *len,
		      struct lw_error *err)
{
	size_t have = 0;
	int fd = openat(dirfd, relpath, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return lw_error_set(err, errno, "open %s: %s", relpath, strerror(errno));
	while (have < cap) {
		ssize_t n = read(fd, buf + have, cap - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return lw_error_set(err, e, "read %s: %s", relpath, strerror(e));
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	close(fd);
	*len = have;
	return 0;
}
