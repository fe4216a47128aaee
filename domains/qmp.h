/* domains/qmp.h: a small QMP client (QEMU's JSON control protocol) on a unix socket, for the
 * qemu backend and the broker's adopt-after-restart.
 *
 * Everything QEMU sends is untrusted (a compromised device model controls the socket), so every
 * line is parsed by tsr_qmp_parse_line: bounded length, valid JSON, one of the four message
 * shapes (nested at most TSR_QMP_DEPTH_MAX deep), or the connection is dropped. The client
 * handles the one greeting and qmp_capabilities itself (a second greeting is a violation),
 * matches replies to commands by id, and passes asynchronous events (SHUTDOWN, STOP, RESUME,
 * DEVICE_DELETED...) to an event callback. The socket is non-blocking and commands wait in a
 * bounded queue, so a QEMU that stops reading never blocks the caller's main loop: it is cut
 * off instead. */
#ifndef TSR_DOMAINS_QMP_H
#define TSR_DOMAINS_QMP_H

#include "common/unix-peer.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

#define TSR_QMP_LINE_MAX (1024 * 1024)
/* Deepest nesting of arrays and objects in one message (QEMU's own replies stay under 10). */
#define TSR_QMP_DEPTH_MAX 64
/* Commands waiting for the socket to take them, in bytes, and commands waiting for a reply:
 * beyond either, QEMU is not reading or not answering, and the connection is cut. */
#define TSR_QMP_OUT_MAX (64 * 1024)
#define TSR_QMP_PENDING_MAX 64

enum tsr_qmp_kind {
	TSR_QMP_GREETING,
	TSR_QMP_RETURN,
	TSR_QMP_ERROR,
	TSR_QMP_EVENT,
};

struct tsr_qmp_message {
	enum tsr_qmp_kind kind;
	gint64 id;           /* RETURN/ERROR: the command id, -1 when absent */
	char *event;         /* EVENT: its name */
	char *error_class;   /* ERROR */
	char *error_desc;    /* ERROR */
	JsonNode *data;      /* RETURN: "return"; EVENT: "data" (may be NULL) */
};

/* Parse one line (without the newline). false with an error saying what was wrong. */
/* True if text (len bytes) nests arrays and objects at most max deep, counted outside strings.
 * Every JSON text the broker parses with json-glib, which has no limit, is checked first. */
bool tsr_json_depth_within(const char *text, size_t len, unsigned max)
	__attribute__((warn_unused_result));
bool tsr_qmp_parse_line(const char *line, size_t len, struct tsr_qmp_message *msg,
			GError **error) __attribute__((warn_unused_result));
void tsr_qmp_message_clear(struct tsr_qmp_message *msg);

struct tsr_qmp;
typedef void (*tsr_qmp_ready_fn)(struct tsr_qmp *qmp, const GError *error, void *user_data);
typedef void (*tsr_qmp_event_fn)(struct tsr_qmp *qmp, const char *event, JsonNode *data,
				 void *user_data);
/* The connection ended (EOF, error or a protocol violation: reason says which). */
typedef void (*tsr_qmp_closed_fn)(struct tsr_qmp *qmp, const char *reason, void *user_data);
/* result is the "return" value, or NULL with error set (QMP error or connection lost). */
typedef void (*tsr_qmp_reply_fn)(struct tsr_qmp *qmp, JsonNode *result, const GError *error,
				 void *user_data);

/* Connect to path; ready fires after the greeting and qmp_capabilities (or with the error).
 * server (may be NULL for a plain connect) is who must serve it: the socket sits in the device
 * model's directory, so then no link is followed and the peer is checked (common/unix-peer.h). */
struct tsr_qmp *tsr_qmp_connect(const char *path, const struct tsr_unix_peer *server,
				tsr_qmp_ready_fn ready, tsr_qmp_event_fn event,
				tsr_qmp_closed_fn closed, void *user_data, GError **error)
	__attribute__((warn_unused_result));
/* args may be NULL; the object is taken over. reply may be NULL. */
void tsr_qmp_command(struct tsr_qmp *qmp, const char *execute, JsonObject *args,
		     tsr_qmp_reply_fn reply, void *user_data);
/* The same, handing QEMU fd with it (SCM_RIGHTS; for add-fd and getfd). fd stays the caller's
 * to close. Refused (reply gets the error) while earlier commands still wait to be sent. */
void tsr_qmp_command_fd(struct tsr_qmp *qmp, const char *execute, JsonObject *args, int fd,
			tsr_qmp_reply_fn reply, void *user_data);
/* Whether the connection was cut because of what QEMU sent or failed to take (a violation,
 * a second greeting, a full queue), as opposed to QEMU going away. */
bool tsr_qmp_misbehaved(const struct tsr_qmp *qmp);
/* Closes without calling closed; pending replies are dropped silently. Accepts NULL. */
void tsr_qmp_free(struct tsr_qmp *qmp);

#endif
