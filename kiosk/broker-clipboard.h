/* kiosk/broker-clipboard.h: dom0's trusted clipboard in the kiosk's broker mode.
 *
 * On a laptop the broker owns policy and the audit log, so the clipboard (kiosk/clipboard.h)
 * runs on what the broker sends: CLIPBOARD gives max-bytes and the flows, and every audit line
 * goes back as CLIPBOARD_AUDIT (doc/kiosk-protocol.md) for the broker's audit log. Until the
 * first CLIPBOARD arrives there is no clipboard and the copy and paste keys stay the guests'.
 * The session's state drives the rest: locked (any screen but the picker and the desktop)
 * empties it and refuses copy and paste, logging out or another user empties it too. */
#ifndef TSR_KIOSK_BROKER_CLIPBOARD_H
#define TSR_KIOSK_BROKER_CLIPBOARD_H

#include <stdbool.h>

#include "kiosk/displays.h"
#include "kiosk/heads.h"
#include "kiosk/session.h"
#include "proto/kiosk.h"

struct tsr_broker_clipboard;

/* Its top-bar text goes to every head of heads. */
struct tsr_broker_clipboard *tsr_broker_clipboard_create(struct tsr_kiosk_heads *heads,
							 struct tsr_displays *displays,
							 struct tsr_session *session);
/* Accepts NULL. */
void tsr_broker_clipboard_destroy(struct tsr_broker_clipboard *c);

/* The broker's CLIPBOARD (already checked by tsr_kiosk_msg_check). */
void tsr_broker_clipboard_policy(struct tsr_broker_clipboard *c,
				 const struct tsr_kiosk_clipboard *m);
/* Whether the broker sent a policy, i.e. whether the copy and paste keys are the kiosk's. */
bool tsr_broker_clipboard_enabled(const struct tsr_broker_clipboard *c);

/* The copy (true) or paste (false) hotkey with domain focused (NULL: none). */
void tsr_broker_clipboard_hotkey(struct tsr_broker_clipboard *c, bool copy, const char *domain);
/* After every session change: lock, logout and a new user empty it. */
void tsr_broker_clipboard_session_changed(struct tsr_broker_clipboard *c);

/* The displays' hooks: an answer from domain's viewer; domain's display lost. */
void tsr_broker_clipboard_answer(struct tsr_broker_clipboard *c, const char *domain,
				 struct tsr_clipboard_answer *answer);
void tsr_broker_clipboard_gone(struct tsr_broker_clipboard *c, const char *domain);

#endif
