/* input/keymap.h: evdev key codes to the scancodes a SPICE inputs channel carries.
 *
 * SPICE carries PC/XT scan code set 1: one byte for the base keys (0x01..0x7f) and a 0xe0 prefix
 * for the extended ones. spice-gtk's spice_inputs_channel_key_press/_release take the extended
 * ones as 0x100 | code (right Ctrl 0x11d) and put "e0 1d" on the wire themselves
 * (spice_make_scancode), and add the 0x80 break bit for releases, so that is the form used
 * here. Keys with no set-1 code are not forwarded: tsr_input_keymap_to_scancode returns 0, and
 * the router drops them rather than sending something the guest would misread. */
#ifndef TSR_INPUT_KEYMAP_H
#define TSR_INPUT_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

/* 0 if the code has no scancode (unknown, out of range, or a pointer button). */
uint32_t tsr_input_keymap_to_scancode(uint16_t evdev_code);

/* The evdev code for a scancode (for tests and the console source), 0 if none. */
uint16_t tsr_input_keymap_from_scancode(uint32_t scancode);

/* Number of evdev codes with a scancode, and the i-th of them in ascending order (tests). */
size_t tsr_input_keymap_count(void);
uint16_t tsr_input_keymap_code_at(size_t i);

#endif
