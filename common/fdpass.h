/* common/fdpass.h: sending and receiving file descriptors over unix sockets, strictly.
 *
 * Every fd Tessera accepts from a less trusted peer arrives through tsr_fd_recv: received fds
 * are close-on-exec from the start (MSG_CMSG_CLOEXEC), a truncated control message (MSG_CTRUNC)
 * or a truncated payload is an error, and any fd beyond what the caller allows is closed, never
 * leaked into the process. On error, nothing is left open. */
#ifndef TSR_COMMON_FDPASS_H
#define TSR_COMMON_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* The most fds one message may carry, in either direction. */
#define TSR_FDPASS_MAX 4

/* Send len bytes and nfds fds (nfds <= TSR_FDPASS_MAX) as one message. Returns 0, or -1 with
 * errno set (EINVAL for too many fds, EMSGSIZE if the peer took a partial write). */
int tsr_fd_send(int sock, const void *buf, size_t len, const int *fds, size_t nfds)
	__attribute__((warn_unused_result));

/* Receive one message of at most cap bytes and at most max_fds fds into fds[].
 * Returns the payload length (0 means the peer closed the connection) or -1 with errno:
 *   EMSGSIZE  the payload was larger than cap (truncated);
 *   EBADMSG   the control data was truncated, or it held more fds than max_fds, or something
 *             other than SCM_RIGHTS;
 * On any error every fd that arrived has been closed and *nfds is 0. */
ssize_t tsr_fd_recv(int sock, void *buf, size_t cap, int *fds, size_t max_fds, size_t *nfds)
	__attribute__((warn_unused_result));

/* Close n fds in fds[] and set them to -1. */
void tsr_fd_close_all(int *fds, size_t n);

#endif
