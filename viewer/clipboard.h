/* viewer/clipboard.h: the guest's clipboard, given to the kiosk only when it asks.
 *
 * The guest's SPICE agent (spice-vdagent) tells the client when the guest copies something and
 * asks the client for its clipboard when the guest pastes. A viewer that passed either on by
 * itself would let a domain push text at dom0 or read what another domain copied. So the grab is
 * only noted; the text is fetched from the guest when the kiosk's REQUEST arrives (the user
 * pressed copy) and sent back checked (proto/clipboard.h) in a sealed memfd; and the guest gets
 * text only after the kiosk's PASTE, which this viewer then offers as the client's clipboard for
 * the guest's own Ctrl+V. Any other request from the guest gets nothing. Apart from
 * viewer/spice.c because nothing here draws. */
#ifndef TSR_VIEWER_CLIPBOARD_H
#define TSR_VIEWER_CLIPBOARD_H

#include <spice-client.h>
#include <stdbool.h>
#include <stddef.h>

struct tsr_viewer_clipboard;

/* link: the kiosk link, where answers go. */
struct tsr_viewer_clipboard *tsr_viewer_clipboard_create(int link);
/* Forgets the offered text. Accepts NULL. */
void tsr_viewer_clipboard_destroy(struct tsr_viewer_clipboard *c);

/* The session's main channel, once it exists (it outlives this object's use). */
void tsr_viewer_clipboard_set_channel(struct tsr_viewer_clipboard *c, SpiceMainChannel *main);

/* A clipboard message from the kiosk (REQUEST, or PASTE with its memfd fd; -1 when none came).
 * false when it breaks proto/clipboard.h (the viewer then stops). fd is not closed here. */
bool tsr_viewer_clipboard_message(struct tsr_viewer_clipboard *c, const void *buf, size_t len,
				  int fd) __attribute__((warn_unused_result));

#endif
