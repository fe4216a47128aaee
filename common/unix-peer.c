/* common/unix-peer.c: see unix-peer.h. The socket file is opened with O_PATH | O_NOFOLLOW
 * (which opens a link itself rather than its target, so fstat tells them apart), and every
 * later step goes through that fd: /proc/self/fd/N names exactly the inode that was checked,
 * whatever the owner of the directory renames meanwhile. */
#include "config.h"
#include "common/unix-peer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* An O_PATH fd on path's socket file, owned by uid; -1 with errno otherwise. */
static int open_socket_file(const char *path, uid_t uid, bool check_owner)
{
	struct stat st;
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISSOCK(st.st_mode)) {
		errno = S_ISLNK(st.st_mode) ? ELOOP : ENOTSOCK;
		goto fail;
	}
	if (check_owner && st.st_uid != uid) {
		errno = EPERM;
		goto fail;
	}
	return fd;
fail:;
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int tsr_unix_connect_peer(const char *path, const struct tsr_unix_peer *peer, int type_flags)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int file, fd = -1, saved;

	file = open_socket_file(path, peer->uid, true);
	if (file < 0)
		return -1;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/proc/self/fd/%d", file);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | type_flags, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		goto fail;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		goto fail;
	if ((cred.uid != peer->uid && !(peer->listened_as_root && cred.uid == 0)) ||
	    (peer->pid > 0 && cred.pid != peer->pid)) {
		errno = EPERM;
		goto fail;
	}
	close(file);
	return fd;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	close(file);
	errno = saved;
	return -1;
}

int tsr_unix_socket_give(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
	char proc[64];
	int file = open_socket_file(path, 0, false), rc = 0, saved;

	if (file < 0)
		return -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", file);
	/* fchmod does not take O_PATH fds; chmod through /proc reaches the same inode. */
	if (fchownat(file, "", uid, gid, AT_EMPTY_PATH) < 0 || chmod(proc, mode) < 0)
		rc = -1;
	saved = errno;
	close(file);
	errno = saved;
	return rc;
}

int tsr_unix_dir_private(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
