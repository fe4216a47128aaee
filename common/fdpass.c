/* common/fdpass.c: strict SCM_RIGHTS send and receive (see fdpass.h). */
#include "config.h"
#include "common/fdpass.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void tsr_fd_close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int tsr_fd_send(int sock, const void *buf, size_t len, const int *fds, size_t nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * TSR_FDPASS_MAX)];
		struct cmsghdr align;
	} ctrl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (nfds > TSR_FDPASS_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (nfds > 0) {
		memset(&ctrl, 0, sizeof(ctrl));
		msg.msg_control = ctrl.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

/* Collect every fd in the control data into got[], closing any beyond room. Returns the
 * number of fds that arrived in total (which may exceed room) or -1 on a non-SCM_RIGHTS cmsg. */
static ssize_t collect_fds(struct msghdr *msg, int *got, size_t room, size_t *kept)
{
	size_t total = 0;
	bool bad = false;

	*kept = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			bad = true;
			continue;
		}
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*kept < room)
				got[(*kept)++] = fd;
			else
				close(fd);
			total++;
		}
	}
	return bad ? -1 : (ssize_t)total;
}

ssize_t tsr_fd_recv(int sock, void *buf, size_t cap, int *fds, size_t max_fds, size_t *nfds)
{
	/* Room for more fds than allowed, so an over-full message is seen (and its fds closed)
	 * instead of silently truncated by the kernel. */
	union {
		char buf[CMSG_SPACE(sizeof(int) * (TSR_FDPASS_MAX + 4))];
		struct cmsghdr align;
	} ctrl;
	int got[TSR_FDPASS_MAX + 4];
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctrl.buf, .msg_controllen = sizeof(ctrl.buf),
	};
	ssize_t n, total;
	size_t kept;

	*nfds = 0;
	if (max_fds > TSR_FDPASS_MAX) {
		errno = EINVAL;
		return -1;
	}
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;

	total = collect_fds(&msg, got, sizeof(got) / sizeof(got[0]), &kept);
	if (total < 0 || (msg.msg_flags & MSG_CTRUNC) || (size_t)total > max_fds) {
		tsr_fd_close_all(got, kept);
		errno = EBADMSG;
		return -1;
	}
	if (msg.msg_flags & MSG_TRUNC) {
		tsr_fd_close_all(got, kept);
		errno = EMSGSIZE;
		return -1;
	}
	for (size_t i = 0; i < kept; i++)
		fds[i] = got[i];
	*nfds = kept;
	return n;
}
