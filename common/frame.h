/* common/frame.h: length-checked messages over SOCK_SEQPACKET.
 *
 * Every Tessera message between processes starts with this header. The receiver knows, per
 * message type, the exact size (or the largest size) a message may have, so a peer that sends
 * a message of the wrong size, a wrong version or a header that lies about the length is caught
 * here, before any field is read. One recv is one message: SOCK_SEQPACKET keeps boundaries. */
#ifndef TSR_COMMON_FRAME_H
#define TSR_COMMON_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tsr_frame_header {
	uint16_t type;
	uint16_t version;
	uint32_t length; /* whole message, header included */
};

/* Messages are small: nothing bulky travels in a frame (pixels go through memfds). */
#define TSR_FRAME_MAX 4096

/* Fill in the header of a message of len bytes (len >= sizeof header) and send it with nfds
 * fds. Returns 0 or -1 with errno. */
int tsr_frame_send(int sock, void *msg, size_t len, uint16_t type, uint16_t version,
		   const int *fds, size_t nfds) __attribute__((warn_unused_result));

/* Receive one message into buf (cap bytes, at most TSR_FRAME_MAX) and check its header:
 * the length field must equal the number of bytes received and the version must equal
 * version. Returns the message length, 0 when the peer closed, or -1 with errno:
 *   EMSGSIZE  larger than cap (including larger than TSR_FRAME_MAX);
 *   EBADMSG   shorter than a header, length field differs from the bytes received, bad fds;
 *   EPROTO    wrong version.
 * fds as tsr_fd_recv; on error none stays open. */
ssize_t tsr_frame_recv(int sock, void *buf, size_t cap, uint16_t version, int *fds,
		       size_t max_fds, size_t *nfds) __attribute__((warn_unused_result));

/* Check an already received buffer (for parsers fed by fuzzers and tests). Returns 0 or -1
 * with errno as tsr_frame_recv. */
int tsr_frame_check(const void *buf, size_t len, uint16_t version, struct tsr_frame_header *hdr)
	__attribute__((warn_unused_result));

#endif
