/* kiosk/clipboard.h: dom0's trusted clipboard, the only way text moves between domains.
 *
 * A clipboard every domain could read would hand whatever the user copied anywhere to any
 * domain that asks. Here text moves only when the user presses a trusted hotkey: copy asks the
 * focused domain's viewer for its guest's clipboard and keeps the answer here; paste hands it
 * to the focused domain if policy allows that flow, then forgets it. The top bar says what is
 * held ("Clipboard: 1.2 kB from work", in the source's label colour); locking, logging out,
 * switching users and the source domain stopping empty it. Every move, and every refusal, is
 * an audit line with source, target, size and sha256 of the text, never the text.
 *
 * This file decides; it does no I/O. Its caller (the kiosk's modes) supplies the viewer links,
 * the policy question, the notification area, the audit log and the top bar. */
#ifndef TSR_KIOSK_CLIPBOARD_H
#define TSR_KIOSK_CLIPBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/clipboard.h"

struct tsr_kiosk_clipboard;

/* An audit line's fields, for a caller that hands them on (the broker's audit log). */
struct tsr_kiosk_clipboard_record {
	const char *event;            /* "copy", "paste", "refused" or "emptied" */
	const char *source;
	const char *target;           /* NULL for copy and emptied */
	const char *reason;           /* NULL, or "policy", "lock", "logout", ... */
	size_t size;
	const char *sha256;           /* 64 lowercase hex digits */
};

struct tsr_kiosk_clipboard_ops {
	/* Ask domain's viewer for its guest's text, at most max_bytes; false if it has none. */
	bool (*request)(void *data, const char *domain, uint32_t max_bytes);
	/* Hand text to domain's viewer for its guest to paste; false if that failed. */
	bool (*paste)(void *data, const char *domain, const char *text, size_t len);
	/* Whether policy lets text copied in from be pasted into to. */
	bool (*allows)(void *data, const char *from, const char *to);
	/* A trusted notification for the user. */
	void (*notify)(void *data, const char *text);
	/* One audit line, e.g. "clipboard-paste source=work target=web size=5 sha256=...", and
	 * the same as fields. */
	void (*audit)(void *data, const char *line, const struct tsr_kiosk_clipboard_record *r);
	/* What tsr_kiosk_clipboard_summary says changed. Optional. */
	void (*changed)(void *data);
};

/* max_bytes: policy's [clipboard] max-bytes (1..TSR_CLIPBOARD_LIMIT). */
struct tsr_kiosk_clipboard *tsr_kiosk_clipboard_create(const struct tsr_kiosk_clipboard_ops *ops,
						       void *data, uint32_t max_bytes);
/* Wipes the text. Accepts NULL. */
void tsr_kiosk_clipboard_destroy(struct tsr_kiosk_clipboard *clipboard);
void tsr_kiosk_clipboard_set_max_bytes(struct tsr_kiosk_clipboard *clipboard, uint32_t max_bytes);

/* How long a copy waits for the domain's answer before the user is told "Nothing copied: ...
 * did not answer" (a guest whose agent hangs must not leave the hotkey silent). */
#define TSR_KIOSK_CLIPBOARD_ANSWER_MS 5000
/* The wait in milliseconds (tests shorten it). The timer runs on GLib's default main context. */
void tsr_kiosk_clipboard_set_answer_ms(struct tsr_kiosk_clipboard *clipboard, unsigned ms);

/* The copy hotkey with domain focused (NULL: none). false when nothing was asked (locked, no
 * focus, no viewer); the user is told why. */
bool tsr_kiosk_clipboard_copy(struct tsr_kiosk_clipboard *clipboard, const char *domain);
/* domain's viewer answered (proto/clipboard.h). Taken only as the answer to the copy asked of
 * that domain; the text is taken from answer (answer->text set to NULL). */
void tsr_kiosk_clipboard_answer(struct tsr_kiosk_clipboard *clipboard, const char *domain,
				struct tsr_clipboard_answer *answer);
/* The paste hotkey with domain focused. true when the text went to domain (and the clipboard
 * is empty again); otherwise the user is told why and nothing moved. */
bool tsr_kiosk_clipboard_paste(struct tsr_kiosk_clipboard *clipboard, const char *domain);

/* Locked (true) empties the clipboard and refuses copy and paste until unlocked. */
void tsr_kiosk_clipboard_set_locked(struct tsr_kiosk_clipboard *clipboard, bool locked);
/* Logout, user switch: empty it (why goes to the audit line). */
void tsr_kiosk_clipboard_clear(struct tsr_kiosk_clipboard *clipboard, const char *why);
/* domain stopped or its viewer went away: empties the clipboard if it came from there, and
 * forgets a copy still waiting for its answer. */
void tsr_kiosk_clipboard_domain_gone(struct tsr_kiosk_clipboard *clipboard, const char *domain);

/* The top-bar text ("Clipboard: 1.2 kB from work") and the source domain, or NULL when empty. */
const char *tsr_kiosk_clipboard_summary(const struct tsr_kiosk_clipboard *clipboard,
					const char **source);

#endif
