/* tests/system/xen/dom0-keys.c: whether keys a SPICE client typed into one domain of check-xen
 * reached exactly that domain's guest. The host types over the domain's SPICE inputs channel,
 * as the viewer forwards a user's keys; what the guest's kernel made of them shows on its
 * serial port, where guest-hello reports each evdev key event and each input device it opened.
 * On Xen the path is the device model's (the xen backend's domains have QEMU's PS/2 keyboard and
 * no PV keyboard), which only a real Xen shows. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tests/system/domains-test-util.h"
#include "tests/system/xen/dom0-check.h"

/* The serial log's lines that start with prefix, each ending in '\n', without carriage
 * returns; "" when there are none or the log cannot be read. */
static char *serial_lines(const char *path, const char *prefix)
{
	char *text = NULL;
	GString *out = g_string_new(NULL);
	if (g_file_get_contents(path, &text, NULL, NULL)) {
		char **lines = g_strsplit(text, "\n", -1);
		for (char **l = lines; *l; l++) {
			g_strdelimit(*l, "\r", ' ');
			g_strchomp(*l);
			if (g_str_has_prefix(*l, prefix))
				g_string_append_printf(out, "%s\n", *l);
		}
		g_strfreev(lines);
	}
	g_free(text);
	return g_string_free(out, FALSE);
}

void xen_keys_checks(struct tsr_backend *b, const char *typed_into, const char *other)
{
	static const char *const want[] = { "key 0x1e down", "key 0x1e up", "key 0x30 down",
					    "key 0x30 up", NULL };
	const char *serial = tsr_backend_console_path(b, typed_into);
	gsize at = 0;
	bool arrived = true;
	for (size_t i = 0; want[i] && arrived; i++)
		arrived = wait_for_text(serial, want[i], &at, 30000);
	/* Exactly once each: a guest with two keyboards both fed would report each key twice. */
	char *keys = serial_lines(serial, "key "), *joined = g_strjoinv("\n", (char **)want);
	char *expected = g_strconcat(joined, "\n", NULL);
	bool once = strcmp(keys, expected) == 0;
	g_free(expected);
	g_free(joined);
	xen_check(arrived && once,
		  "xen-keys-reach-%s: a and b typed over SPICE are on its serial port, once each "
		  "(got: %s)", typed_into, *keys ? g_strdelimit(keys, "\n", ',') : "none");
	char *inputs = serial_lines(serial, "input ");
	printf("TSR-XEN # %s's input devices:\n%s", typed_into, inputs);
	g_free(inputs);
	g_free(keys);
	if (other) {
		/* Its guest must be up to have reported a key: the same bound as the pair's checks
		 * that follow. */
		const char *oserial = tsr_backend_console_path(b, other);
		char *hello = g_strdup_printf("hello name=%s", other);
		gsize oat = 0;
		bool up = wait_for_text(oserial, hello, &oat, 240000);
		char *others = serial_lines(oserial, "key ");
		bool none = !*others;
		xen_check(up && none, "xen-keys-not-in-%s: its guest is up%s and its serial port "
			  "reports no key (got: %s)", other, up ? "" : " (it is NOT)",
			  *others ? g_strdelimit(others, "\n", ',') : "none");
		g_free(others);
		g_free(hello);
	}
}
