/* broker/control-server.h: the broker's control socket, served from the GLib main loop.
 *
 * A unix stream socket (mode 0600, owned by root) on which root tools send requests in the
 * format of control-proto.h. Whoever connects is identified by SO_PEERCRED at accept time:
 * root may do everything, anyone else gets one "permission-denied" answer and is disconnected
 * before a byte of theirs is read. Connections are few (a cap), idle ones time out, and a slow
 * reader never blocks the broker (responses are queued and written when the socket is ready). */
#ifndef TSR_BROKER_CONTROL_SERVER_H
#define TSR_BROKER_CONTROL_SERVER_H

#include "proto/control.h"

#include <stdbool.h>
#include <sys/types.h>

struct tsr_ctl_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

#define TSR_CTL_MAX_CLIENTS 8
#define TSR_CTL_IDLE_TIMEOUT_S 60

/* One request being handled. */
struct tsr_ctl_call;
const struct tsr_ctl_peer *tsr_ctl_call_peer(const struct tsr_ctl_call *call);
const struct tsr_ctl_request *tsr_ctl_call_request(const struct tsr_ctl_call *call);

/* Handle one request from root. Either answer at once: return a result object (taken over;
 * NULL means an empty one) or set error (domain TSR_CTL_ERROR, any code) and return NULL; or
 * answer later: call tsr_ctl_call_defer(call), return NULL without an error, and finish the
 * call with tsr_ctl_call_finish from the main loop (the client waits; if it went away
 * meanwhile the answer is dropped). */
typedef JsonObject *(*tsr_ctl_handler_fn)(void *data, struct tsr_ctl_call *call,
					  GError **error);
struct tsr_ctl_call *tsr_ctl_call_defer(struct tsr_ctl_call *call);
/* result and error as for an immediate answer; result is taken over. */
void tsr_ctl_call_finish(struct tsr_ctl_call *call, JsonObject *result, const GError *error);

/* Told of every refused connection or request (for the audit log). reason is short text. */
typedef void (*tsr_ctl_refused_fn)(void *data, const struct tsr_ctl_peer *peer,
				   const char *reason);

struct tsr_ctl_server;

/* Bind path (a stale socket there is replaced), mode 0600, and serve on the thread-default
 * main context. Returns NULL with error when the socket cannot be made. */
struct tsr_ctl_server *tsr_ctl_server_create(const char *path, tsr_ctl_handler_fn handler,
					     tsr_ctl_refused_fn refused, void *data,
					     GError **error);
void tsr_ctl_server_destroy(struct tsr_ctl_server *server);
unsigned tsr_ctl_server_client_count(const struct tsr_ctl_server *server);

#endif
