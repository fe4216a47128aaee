/* kiosk/standalone-clipboard.h: dom0's trusted clipboard in the kiosk's standalone mode.
 *
 * Standalone mode has no broker and no keyboard of its own, yet tests must drive the real
 * clipboard path (kiosk/clipboard.c, the viewer links, the viewers, the guests' agents). So the
 * flows come from the command line and go through the one policy parser (a bundle text made of
 * the shown domains and `[clipboard] allow`), and the copy and paste hotkeys come as lines on a
 * FIFO: "copy NAME" and "paste NAME" do what the hotkeys do with NAME focused, "lock",
 * "unlock" and "logout" what those do to the clipboard. What happens is printed as event lines
 * (kiosk/standalone.h): "clipboard TEXT" (the top bar's text, "" when empty), "notify TEXT" and
 * "audit LINE". */
#ifndef TSR_KIOSK_STANDALONE_CLIPBOARD_H
#define TSR_KIOSK_STANDALONE_CLIPBOARD_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "kiosk/displays.h"

struct tsr_standalone_clipboard;

/* names[i] is shown in colours[i]; allow is `[clipboard] allow` (NULL: nothing allowed),
 * max_bytes its max-bytes (0: the default); commands the FIFO's path. NULL + error for a flow
 * the policy parser refuses or a FIFO that cannot be opened. event prints one line. */
struct tsr_standalone_clipboard *
tsr_standalone_clipboard_create(struct tsr_scene *scene, struct tsr_displays *displays,
				const char *const *names, const enum tsr_color *colours, int n,
				const char *allow, uint32_t max_bytes, const char *commands,
				void (*event)(const char *fmt, ...), GError **error);
void tsr_standalone_clipboard_destroy(struct tsr_standalone_clipboard *c);

/* The displays' hooks: an answer from domain's viewer; domain's display lost. */
void tsr_standalone_clipboard_answer(struct tsr_standalone_clipboard *c, const char *domain,
				     struct tsr_clipboard_answer *answer);
void tsr_standalone_clipboard_gone(struct tsr_standalone_clipboard *c, const char *domain);

#endif
