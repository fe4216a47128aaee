/* proto/control-client.h: the one client of the broker's control socket.
 *
 * tessera-ctl and tessera-provision's reload hook both talk to tessera-brokerd through these
 * functions, so there is one way to frame a request, one bounded wait for the answer and one set
 * of error messages (proto/control.h has the format, doc/control-protocol.md the commands). Every
 * wait is bounded by a deadline for the whole exchange, not per read, so a broker that dribbles
 * bytes cannot keep a client beyond its timeout. */
#ifndef TSR_PROTO_CONTROL_CLIENT_H
#define TSR_PROTO_CONTROL_CLIENT_H

#include "proto/control.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stddef.h>

/* How long tsr_ctl_connect waits when the broker's listen queue is full. */
#define TSR_CTL_CONNECT_TIMEOUT_MS 5000

/* Connect to the control socket at path. Returns the fd, or -1 with error: G_IO_ERROR_NOT_FOUND
 * or G_IO_ERROR_CONNECTION_REFUSED when no broker listens there, G_IO_ERROR_PERMISSION_DENIED
 * for a non-root caller, G_IO_ERROR_INVALID_ARGUMENT for a path too long for a unix socket. */
int tsr_ctl_connect(const char *path, GError **error) __attribute__((warn_unused_result));

/* Send one request on fd and wait for its response, all within timeout_ms (-1 = forever). args
 * is taken over (NULL: no arguments). On success *resp holds the answer, ok or not
 * (tsr_ctl_response_clear it). Fails with G_IO_ERROR (timed out, closed, I/O) or TSR_CTL_ERROR
 * (an answer that is oversized, malformed or for another request); *resp is then untouched. */
bool tsr_ctl_call(int fd, const char *command, JsonObject *args, int timeout_ms,
		  struct tsr_ctl_response *resp, GError **error) __attribute__((warn_unused_result));

/* Connect to path, make one call, close: what a one-shot tool needs. Errors as above. */
bool tsr_ctl_call_once(const char *path, const char *command, JsonObject *args, int timeout_ms,
		       struct tsr_ctl_response *resp, GError **error)
	__attribute__((warn_unused_result));

/* The two halves of a call, for tests that speak the protocol by hand. Write a whole encoded
 * message / read one whole message body (at most max_body bytes; g_free the result), each
 * within timeout_ms (-1 = forever). Errors as for tsr_ctl_call. */
bool tsr_ctl_write_all(int fd, GBytes *msg, int timeout_ms, GError **error)
	__attribute__((warn_unused_result));
void *tsr_ctl_read_message(int fd, size_t max_body, int timeout_ms, size_t *len, GError **error)
	__attribute__((warn_unused_result));

#endif
