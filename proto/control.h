/* proto/control.h: the wire format of the broker's control socket.
 *
 * tessera-ctl (and any root tool) talks to tessera-brokerd over a unix stream socket in
 * length-prefixed JSON messages: a 4-byte big-endian body length, then that many bytes of one
 * UTF-8 JSON object. Everything that arrives is checked here before anyone looks at a field:
 * the length against a hard cap before a byte of body is buffered, the text for valid UTF-8, the
 * nesting depth and node count by a pre-scan (so json-glib's recursive parser never sees a
 * pathological document), then the exact shape of a request. The format is documented in
 * doc/control-protocol.md; the parser has a libFuzzer target (tests/fuzz/control-proto-fuzz.c). */
#ifndef TSR_PROTO_CONTROL_H
#define TSR_PROTO_CONTROL_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TSR_CTL_VERSION 1
/* Bytes of the length prefix. */
#define TSR_CTL_HEADER_SIZE 4
/* Largest request body the broker reads; anything longer is refused from its header alone. */
#define TSR_CTL_MAX_REQUEST (64 * 1024)
/* Largest response body tessera-ctl reads (audit listings are the big ones). */
#define TSR_CTL_MAX_RESPONSE (4 * 1024 * 1024)
/* Structural limits of a request: JSON values in total, nesting depth, string length. */
#define TSR_CTL_MAX_NODES 64
#define TSR_CTL_MAX_DEPTH 4
#define TSR_CTL_MAX_STRING 1024
/* Structural limits of a response (checked by the client). */
#define TSR_CTL_MAX_RESPONSE_NODES 200000
#define TSR_CTL_MAX_RESPONSE_DEPTH 8
/* Command names: [a-z][a-z-]{0,31}. */
#define TSR_CTL_MAX_COMMAND 32

#define TSR_CTL_ERROR (tsr_ctl_error_quark())
GQuark tsr_ctl_error_quark(void);

/* Error codes; their string forms ("malformed", ...) travel in responses. */
enum tsr_ctl_error_code {
	TSR_CTL_ERROR_MALFORMED,         /* not a well-formed request */
	TSR_CTL_ERROR_TOO_LARGE,         /* over a size or structure limit */
	TSR_CTL_ERROR_VERSION,           /* a protocol version this side does not speak */
	TSR_CTL_ERROR_PERMISSION_DENIED, /* the peer is not root */
	TSR_CTL_ERROR_UNKNOWN_COMMAND,
	TSR_CTL_ERROR_BAD_ARGUMENT,      /* a command's arguments are wrong */
	TSR_CTL_ERROR_NOT_FOUND,         /* no such domain, device, ... */
	TSR_CTL_ERROR_FAILED,            /* the command was valid but did not succeed */
	TSR_CTL_ERROR_BUSY,              /* too many connections */
};
const char *tsr_ctl_error_code_name(enum tsr_ctl_error_code code);
/* Returns false for names that are not a code (the client then reports FAILED). */
bool tsr_ctl_error_code_parse(const char *name, enum tsr_ctl_error_code *code)
	__attribute__((warn_unused_result));

/* A parsed request. args is always an object (empty when the request had none); command is
 * NUL-terminated and checked against the name rule. */
struct tsr_ctl_request {
	int64_t id;
	char command[TSR_CTL_MAX_COMMAND + 1];
	JsonObject *args;
};

/* Parse one request body (without the length prefix). On failure fills error (domain
 * TSR_CTL_ERROR) with a message naming what was wrong; *req is untouched. On success the
 * caller owns req->args (tsr_ctl_request_clear). */
bool tsr_ctl_request_parse(const void *body, size_t len, struct tsr_ctl_request *req,
			   GError **error) __attribute__((warn_unused_result));
void tsr_ctl_request_clear(struct tsr_ctl_request *req);

/* A parsed response: ok with a result object (possibly empty), or an error code and message. */
struct tsr_ctl_response {
	int64_t id;
	bool ok;
	JsonObject *result;           /* ok only */
	enum tsr_ctl_error_code code; /* !ok only */
	char *message;                /* !ok only */
};
bool tsr_ctl_response_parse(const void *body, size_t len, struct tsr_ctl_response *resp,
			    GError **error) __attribute__((warn_unused_result));
void tsr_ctl_response_clear(struct tsr_ctl_response *resp);

/* Structural pre-scan shared by both parsers: valid UTF-8, no NUL, depth and node count within
 * limits, strings within max_string bytes (0 = no string limit). Exposed for tests. */
bool tsr_ctl_prescan(const char *text, size_t len, unsigned max_depth, unsigned max_nodes,
		     size_t max_string, GError **error) __attribute__((warn_unused_result));

/* Encode a message: length prefix + compact JSON. Returns NULL (with error) if the encoding is
 * larger than max_body. */
GBytes *tsr_ctl_encode(JsonNode *root, size_t max_body, GError **error);
/* Builders for the three message kinds. args/result may be NULL (empty object); they are
 * taken over (reference stolen). */
JsonNode *tsr_ctl_request_new(int64_t id, const char *command, JsonObject *args);
JsonNode *tsr_ctl_response_ok_new(int64_t id, JsonObject *result);
JsonNode *tsr_ctl_response_error_new(int64_t id, enum tsr_ctl_error_code code,
				     const char *message);

/* Incremental reader for a non-blocking stream: feed what read() returned; it reassembles
 * one message at a time. The length prefix is checked against max_body as soon as its four
 * bytes are in, before any body memory is allocated. */
struct tsr_ctl_reader;
struct tsr_ctl_reader *tsr_ctl_reader_create(size_t max_body);
void tsr_ctl_reader_destroy(struct tsr_ctl_reader *reader);
enum tsr_ctl_read_result {
	TSR_CTL_READ_MORE,     /* all of data consumed, no complete message yet */
	TSR_CTL_READ_MESSAGE,  /* a message is complete: *consumed bytes of data were used */
	TSR_CTL_READ_ERROR,    /* oversized or zero-length: the stream is unusable */
};
enum tsr_ctl_read_result tsr_ctl_reader_feed(struct tsr_ctl_reader *reader, const void *data,
					     size_t len, size_t *consumed, GError **error)
	__attribute__((warn_unused_result));
/* After TSR_CTL_READ_MESSAGE: the body; valid until the next feed or reset. */
const void *tsr_ctl_reader_body(const struct tsr_ctl_reader *reader, size_t *len);
/* Drop the completed message and start on the next one. */
void tsr_ctl_reader_reset(struct tsr_ctl_reader *reader);
/* True while part of a message has been read (EOF now would be a truncated message). */
bool tsr_ctl_reader_partial(const struct tsr_ctl_reader *reader);

#endif
