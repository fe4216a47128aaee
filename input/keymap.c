/* input/keymap.c: the evdev → set-1 scancode table (see keymap.h for the encoding).
 *
 * Written out by hand from the PC/XT set-1 tables (the same mapping keycodemapdb gives QEMU and
 * spice-gtk for linux → xtkbd), limited to keys a guest understands: a full PC-105 keyboard,
 * navigation and keypad, Super and Menu, the Japanese/Brazilian extras, F13-F23 and the usual
 * media and browser keys. Anything else has no entry and is never forwarded. */
#include "config.h"
#include "input/keymap.h"

#include <linux/input-event-codes.h>
#include <stdlib.h>

struct keymap_entry {
	uint16_t code;
	uint16_t scancode;
};

#define E(x) (0x100 | (x))

/* Sorted by evdev code (bsearch below, and the test checks it). */
static const struct keymap_entry keymap[] = {
	{ KEY_ESC, 0x01 }, { KEY_1, 0x02 }, { KEY_2, 0x03 }, { KEY_3, 0x04 }, { KEY_4, 0x05 },
	{ KEY_5, 0x06 }, { KEY_6, 0x07 }, { KEY_7, 0x08 }, { KEY_8, 0x09 }, { KEY_9, 0x0a },
	{ KEY_0, 0x0b }, { KEY_MINUS, 0x0c }, { KEY_EQUAL, 0x0d }, { KEY_BACKSPACE, 0x0e },
	{ KEY_TAB, 0x0f }, { KEY_Q, 0x10 }, { KEY_W, 0x11 }, { KEY_E, 0x12 }, { KEY_R, 0x13 },
	{ KEY_T, 0x14 }, { KEY_Y, 0x15 }, { KEY_U, 0x16 }, { KEY_I, 0x17 }, { KEY_O, 0x18 },
	{ KEY_P, 0x19 }, { KEY_LEFTBRACE, 0x1a }, { KEY_RIGHTBRACE, 0x1b }, { KEY_ENTER, 0x1c },
	{ KEY_LEFTCTRL, 0x1d }, { KEY_A, 0x1e }, { KEY_S, 0x1f }, { KEY_D, 0x20 }, { KEY_F, 0x21 },
	{ KEY_G, 0x22 }, { KEY_H, 0x23 }, { KEY_J, 0x24 }, { KEY_K, 0x25 }, { KEY_L, 0x26 },
	{ KEY_SEMICOLON, 0x27 }, { KEY_APOSTROPHE, 0x28 }, { KEY_GRAVE, 0x29 },
	{ KEY_LEFTSHIFT, 0x2a }, { KEY_BACKSLASH, 0x2b }, { KEY_Z, 0x2c }, { KEY_X, 0x2d },
	{ KEY_C, 0x2e }, { KEY_V, 0x2f }, { KEY_B, 0x30 }, { KEY_N, 0x31 }, { KEY_M, 0x32 },
	{ KEY_COMMA, 0x33 }, { KEY_DOT, 0x34 }, { KEY_SLASH, 0x35 }, { KEY_RIGHTSHIFT, 0x36 },
	{ KEY_KPASTERISK, 0x37 }, { KEY_LEFTALT, 0x38 }, { KEY_SPACE, 0x39 },
	{ KEY_CAPSLOCK, 0x3a }, { KEY_F1, 0x3b }, { KEY_F2, 0x3c }, { KEY_F3, 0x3d },
	{ KEY_F4, 0x3e }, { KEY_F5, 0x3f }, { KEY_F6, 0x40 }, { KEY_F7, 0x41 }, { KEY_F8, 0x42 },
	{ KEY_F9, 0x43 }, { KEY_F10, 0x44 }, { KEY_NUMLOCK, 0x45 }, { KEY_SCROLLLOCK, 0x46 },
	{ KEY_KP7, 0x47 }, { KEY_KP8, 0x48 }, { KEY_KP9, 0x49 }, { KEY_KPMINUS, 0x4a },
	{ KEY_KP4, 0x4b }, { KEY_KP5, 0x4c }, { KEY_KP6, 0x4d }, { KEY_KPPLUS, 0x4e },
	{ KEY_KP1, 0x4f }, { KEY_KP2, 0x50 }, { KEY_KP3, 0x51 }, { KEY_KP0, 0x52 },
	{ KEY_KPDOT, 0x53 },
	{ KEY_ZENKAKUHANKAKU, 0x76 }, { KEY_102ND, 0x56 }, { KEY_F11, 0x57 }, { KEY_F12, 0x58 },
	{ KEY_RO, 0x73 }, { KEY_KATAKANA, 0x78 }, { KEY_HIRAGANA, 0x77 }, { KEY_HENKAN, 0x79 },
	{ KEY_KATAKANAHIRAGANA, 0x70 }, { KEY_MUHENKAN, 0x7b }, { KEY_KPJPCOMMA, 0x5c },
	{ KEY_KPENTER, E(0x1c) }, { KEY_RIGHTCTRL, E(0x1d) }, { KEY_KPSLASH, E(0x35) },
	/* The PrintScreen key: evdev reports it as KEY_SYSRQ, a PC sends e0 37 for it. */
	{ KEY_SYSRQ, E(0x37) }, { KEY_RIGHTALT, E(0x38) },
	{ KEY_HOME, E(0x47) }, { KEY_UP, E(0x48) }, { KEY_PAGEUP, E(0x49) }, { KEY_LEFT, E(0x4b) },
	{ KEY_RIGHT, E(0x4d) }, { KEY_END, E(0x4f) }, { KEY_DOWN, E(0x50) },
	{ KEY_PAGEDOWN, E(0x51) }, { KEY_INSERT, E(0x52) }, { KEY_DELETE, E(0x53) },
	{ KEY_MUTE, E(0x20) }, { KEY_VOLUMEDOWN, E(0x2e) }, { KEY_VOLUMEUP, E(0x30) },
	{ KEY_POWER, E(0x5e) }, { KEY_KPEQUAL, 0x59 },
	/* Pause: a PC sends e1 1d 45; SPICE clients and QEMU use its Ctrl+Break form e0 46. */
	{ KEY_PAUSE, E(0x46) },
	{ KEY_KPCOMMA, 0x7e }, { KEY_YEN, 0x7d },
	{ KEY_LEFTMETA, E(0x5b) }, { KEY_RIGHTMETA, E(0x5c) }, { KEY_COMPOSE, E(0x5d) },
	{ KEY_STOP, E(0x68) }, { KEY_CALC, E(0x21) }, { KEY_SLEEP, E(0x5f) },
	{ KEY_WAKEUP, E(0x63) }, { KEY_MAIL, E(0x6c) }, { KEY_BOOKMARKS, E(0x66) },
	{ KEY_COMPUTER, E(0x6b) }, { KEY_BACK, E(0x6a) }, { KEY_FORWARD, E(0x69) },
	{ KEY_NEXTSONG, E(0x19) }, { KEY_PLAYPAUSE, E(0x22) }, { KEY_PREVIOUSSONG, E(0x10) },
	{ KEY_STOPCD, E(0x24) }, { KEY_HOMEPAGE, E(0x32) }, { KEY_REFRESH, E(0x67) },
	{ KEY_F13, 0x64 }, { KEY_F14, 0x65 }, { KEY_F15, 0x66 }, { KEY_F16, 0x67 },
	{ KEY_F17, 0x68 }, { KEY_F18, 0x69 }, { KEY_F19, 0x6a }, { KEY_F20, 0x6b },
	{ KEY_F21, 0x6c }, { KEY_F22, 0x6d }, { KEY_F23, 0x6e },
	{ KEY_SEARCH, E(0x65) }, { KEY_MEDIA, E(0x6d) },
};

static int compare_code(const void *key, const void *member)
{
	uint16_t code = *(const uint16_t *)key;
	const struct keymap_entry *e = member;

	return (int)code - (int)e->code;
}

uint32_t tsr_input_keymap_to_scancode(uint16_t evdev_code)
{
	const struct keymap_entry *e = bsearch(&evdev_code, keymap, sizeof(keymap) / sizeof(keymap[0]),
					       sizeof(keymap[0]), compare_code);

	return e ? e->scancode : 0;
}

uint16_t tsr_input_keymap_from_scancode(uint32_t scancode)
{
	for (size_t i = 0; i < sizeof(keymap) / sizeof(keymap[0]); i++)
		if (keymap[i].scancode == scancode)
			return keymap[i].code;
	return 0;
}

size_t tsr_input_keymap_count(void)
{
	return sizeof(keymap) / sizeof(keymap[0]);
}

uint16_t tsr_input_keymap_code_at(size_t i)
{
	return i < tsr_input_keymap_count() ? keymap[i].code : 0;
}
