/* broker/owned-dir.c: see owned-dir.h. Every step after the open goes through the fd, so the
 * directory checked is the directory changed. */
#include "config.h"
#include "broker/owned-dir.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <sys/stat.h>
#include <unistd.h>

int brk_owned_dir_open(const char *path, mode_t mode)
{
	struct stat st;
	int fd, saved;

	if (g_mkdir_with_parents(path, (int)mode) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		/* O_NOFOLLOW on a link fails with ELOOP, or ENOTDIR with O_DIRECTORY first. */
		struct stat lst;
		if (errno == ENOTDIR && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			errno = ELOOP;
		return -1;
	}
	if (fstat(fd, &st) < 0)
		goto fail;
	if (st.st_uid != geteuid()) {
		errno = EPERM;
		goto fail;
	}
	if ((st.st_mode & 07777) != mode && fchmod(fd, mode) < 0)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
