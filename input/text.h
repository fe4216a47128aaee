/* input/text.h: keys to text for the trusted UI (login, unlock) with xkbcommon.
 *
 * Domains get raw scancodes and apply their own layout; only the kiosk needs to know which
 * character a key types, with the layout the organisation configured (policy [kiosk] section
 * or the standalone config file), so a German user types "z" where the key says Z. */
#ifndef TSR_INPUT_TEXT_H
#define TSR_INPUT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "input/router.h"

/* RMLVO names as in xkeyboard-config; NULL or "" fields take xkbcommon's defaults
 * (evdev / pc105 / us). */
struct tsr_input_text_config {
	const char *rules, *model, *layout, *variant, *options;
};

struct tsr_input_text;

/* Fails with a clear error when the keymap cannot be compiled (unknown layout or variant, or
 * no xkb-data installed). */
struct tsr_input_text *tsr_input_text_create(const struct tsr_input_text_config *config,
					     GError **error) __attribute__((warn_unused_result));
void tsr_input_text_destroy(struct tsr_input_text *text);

/* Feed one evdev key event. *keysym gets the keysym it produces (0 on release or none) and
 * utf8 the text it types, NUL-terminated ("" for none). size should be at least 8. */
void tsr_input_text_key(struct tsr_input_text *text, uint16_t code,
			enum tsr_input_key_state state, uint32_t *keysym, char *utf8, size_t size);

/* Forget held modifiers and locks (when the kiosk takes input over). */
void tsr_input_text_reset(struct tsr_input_text *text);

#endif
