/* proto/clipboard.h: clipboard text between the kiosk and a domain's viewer.
 *
 * Domains share no clipboard: text moves only when the user presses the copy or paste hotkey,
 * through the kiosk's trusted clipboard. These are the display protocol's messages for it
 * (doc/display-protocol.md, "Clipboard"): the kiosk asks one viewer for its domain's text, the
 * viewer answers with the text in a sealed memfd (frames are capped at TSR_FRAME_MAX, so text
 * travels as pixels do) or says why there is none, and the kiosk hands text to a viewer for
 * the guest to paste. The text rule is the same at both ends: UTF-8, no NUL, 1..max bytes.
 *
 * The kiosk's side is a gate per viewer: an answer is taken only for the one request that is
 * outstanding; anything else is data nobody asked for, refused, and a viewer that keeps
 * sending it is cut off. */
#ifndef TSR_PROTO_CLIPBOARD_H
#define TSR_PROTO_CLIPBOARD_H

#include "common/frame.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tsr_clipboard_msg_type {
	/* viewer -> kiosk, only in answer to a REQUEST */
	TSR_DISPLAY_CLIPBOARD_TEXT = 40,    /* + 1 fd: the text, in a sealed memfd */
	TSR_DISPLAY_CLIPBOARD_EMPTY = 41,   /* no text to give, and why */
	/* kiosk -> viewer */
	TSR_DISPLAY_CLIPBOARD_REQUEST = 48, /* the user pressed copy in this domain */
	TSR_DISPLAY_CLIPBOARD_PASTE = 49,   /* + 1 fd: text for the guest to paste */
};

#define TSR_CLIPBOARD_FORMAT_UTF8 1u
/* No policy may allow more than this per copy (policy's max-bytes is at most this). */
#define TSR_CLIPBOARD_LIMIT (1024u * 1024u)
/* Answers nobody asked for before the viewer is cut off. */
#define TSR_CLIPBOARD_UNASKED_MAX 3u

enum tsr_clipboard_empty_reason {
	TSR_CLIPBOARD_EMPTY_NONE = 1,      /* the guest holds no clipboard */
	TSR_CLIPBOARD_EMPTY_NOT_TEXT = 2,  /* not UTF-8 text (or has a NUL) */
	TSR_CLIPBOARD_EMPTY_TOO_LARGE = 3, /* more than the request's max_bytes */
	TSR_CLIPBOARD_EMPTY_NO_AGENT = 4,  /* the guest runs no SPICE agent */
};

struct tsr_clipboard_request {
	struct tsr_frame_header hdr;
	uint32_t serial;    /* nonzero, new for each request */
	uint32_t max_bytes; /* 1..TSR_CLIPBOARD_LIMIT: the most the kiosk takes */
};

struct tsr_clipboard_text {
	struct tsr_frame_header hdr;
	uint32_t serial;    /* the request's */
	uint32_t format;    /* TSR_CLIPBOARD_FORMAT_UTF8 */
	uint32_t length;    /* 1..the request's max_bytes; the memfd holds at least this */
	uint32_t reserved;  /* 0 */
};

struct tsr_clipboard_empty {
	struct tsr_frame_header hdr;
	uint32_t serial;    /* the request's */
	uint32_t reason;    /* enum tsr_clipboard_empty_reason */
};

struct tsr_clipboard_paste {
	struct tsr_frame_header hdr;
	uint32_t format;    /* TSR_CLIPBOARD_FORMAT_UTF8 */
	uint32_t length;    /* 1..TSR_CLIPBOARD_LIMIT */
};

/* Whether text[0..len) is clipboard text: 1..max bytes of valid UTF-8 without NUL. On false,
 * err says what is wrong. */
bool tsr_clipboard_text_ok(const char *text, size_t len, size_t max, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* A sealed memfd (shrink, grow, write, seal) holding text[0..len): the fd, or -1 with errno. */
int tsr_clipboard_memfd(const char *text, size_t len) __attribute__((warn_unused_result));

/* The text of a received memfd: checked as tsr_sealed_memfd_map does, copied out before it is
 * judged (the sender cannot change what was checked), then tsr_clipboard_text_ok. A new
 * NUL-terminated string (g_free), or NULL with err set. The fd is never closed here. */
char *tsr_clipboard_memfd_read(int fd, uint32_t length, uint32_t max, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* The size a clipboard message type has, and its fd count; 0 for other types. */
size_t tsr_clipboard_msg_size(uint16_t type, size_t *nfds);

/* The viewer's checks of what the kiosk sends: fields in range. */
bool tsr_clipboard_request_ok(const struct tsr_clipboard_request *m)
	__attribute__((warn_unused_result));
bool tsr_clipboard_paste_ok(const struct tsr_clipboard_paste *m)
	__attribute__((warn_unused_result));

/* The kiosk's gate for one viewer. Zero-initialised = nothing asked. */
struct tsr_clipboard_gate {
	uint32_t asked;     /* the outstanding request's serial, 0 = none */
	uint32_t max_bytes; /* what that request allows */
	uint32_t last;      /* the last serial handed out */
	uint32_t unasked;   /* answers nobody asked for, since the last good one */
};

/* A new request: fills m (header by the sender) and remembers it as the outstanding one; an
 * earlier one that got no answer is forgotten. max_bytes 1..TSR_CLIPBOARD_LIMIT. */
void tsr_clipboard_gate_ask(struct tsr_clipboard_gate *gate, uint32_t max_bytes,
			    struct tsr_clipboard_request *m);

/* What a viewer's answer came to. */
struct tsr_clipboard_answer {
	char *text;         /* TEXT: the checked text (g_free), else NULL */
	size_t length;
	uint32_t reason;    /* EMPTY: enum tsr_clipboard_empty_reason, else 0 */
	bool unasked;       /* not the outstanding request's answer: refused, nothing in it used */
};

/* Judge a TEXT or EMPTY message (size and fd count already checked: fd is -1 for EMPTY). true
 * with *out filled (text or reason, or unasked); false on a violation, with err: a bad field,
 * a memfd or text that breaks the rules, or the TSR_CLIPBOARD_UNASKED_MAX-th unasked answer.
 * The fd is never closed here. */
bool tsr_clipboard_gate_answer(struct tsr_clipboard_gate *gate, const void *buf, size_t len,
			       int fd, struct tsr_clipboard_answer *out, char *err, size_t errlen)
	__attribute__((warn_unused_result));

#endif
