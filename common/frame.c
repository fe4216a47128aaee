/* common/frame.c: length-checked SOCK_SEQPACKET messages (see frame.h). */
#include "config.h"
#include "common/frame.h"
#include "common/fdpass.h"

#include <errno.h>
#include <string.h>

int tsr_frame_check(const void *buf, size_t len, uint16_t version, struct tsr_frame_header *hdr)
{
	struct tsr_frame_header h;

	if (len < sizeof(h)) {
		errno = EBADMSG;
		return -1;
	}
	if (len > TSR_FRAME_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(&h, buf, sizeof(h));
	if (h.length != len) {
		errno = EBADMSG;
		return -1;
	}
	if (h.version != version) {
		errno = EPROTO;
		return -1;
	}
	if (hdr)
		*hdr = h;
	return 0;
}

int tsr_frame_send(int sock, void *msg, size_t len, uint16_t type, uint16_t version,
		   const int *fds, size_t nfds)
{
	struct tsr_frame_header h = { .type = type, .version = version, .length = (uint32_t)len };

	if (len < sizeof(h) || len > TSR_FRAME_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(msg, &h, sizeof(h));
	return tsr_fd_send(sock, msg, len, fds, nfds);
}

ssize_t tsr_frame_recv(int sock, void *buf, size_t cap, uint16_t version, int *fds,
		       size_t max_fds, size_t *nfds)
{
	ssize_t n;

	if (cap > TSR_FRAME_MAX)
		cap = TSR_FRAME_MAX;
	n = tsr_fd_recv(sock, buf, cap, fds, max_fds, nfds);
	if (n <= 0)
		return n;
	if (tsr_frame_check(buf, (size_t)n, version, NULL) < 0) {
		int saved = errno;
		tsr_fd_close_all(fds, *nfds);
		*nfds = 0;
		errno = saved;
		return -1;
	}
	return n;
}
