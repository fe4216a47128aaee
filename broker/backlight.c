/* broker/backlight.c: the laptop's brightness keys, applied by the broker through sysfs.
 *
 * The keys are dom0's: the kiosk's router swallows them and the kiosk asks (BRIGHTNESS), but
 * the kiosk may not write to /sys, so the broker (root) does it. Which backlight: the firmware
 * one first, then platform, then raw, as desktops choose (a laptop often has an ACPI one and a
 * GPU one for the same panel). Each key moves a tenth of the range, never down to 0 (a black
 * panel looks like a dead laptop). The sysfs root is a parameter so the tests run on a fake
 * tree. */
#include "config.h"
#include "broker/backlight.h"

#include <errno.h>
#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

static bool read_number(const char *dir, const char *name, long *out)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	g_autofree char *text = NULL;
	char *end;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return false;
	errno = 0;
	*out = strtol(g_strstrip(text), &end, 10);
	return errno == 0 && end != text && *end == '\0' && *out >= 0 && *out <= G_MAXINT32;
}

static int type_rank(const char *dir)
{
	static const char *const order[] = { "firmware", "platform", "raw" };
	g_autofree char *path = g_build_filename(dir, "type", NULL);
	g_autofree char *type = NULL;

	if (!g_file_get_contents(path, &type, NULL, NULL))
		return G_N_ELEMENTS(order);
	g_strstrip(type);
	for (size_t i = 0; i < G_N_ELEMENTS(order); i++)
		if (strcmp(type, order[i]) == 0)
			return (int)i;
	return G_N_ELEMENTS(order);
}

/* The backlight to use under sys_root/class/backlight, or NULL. Ties go to the first name in
 * order, so the choice does not depend on the directory's order. */
static char *pick(const char *sys_root)
{
	g_autofree char *class = g_build_filename(sys_root, "class", "backlight", NULL);
	g_autoptr(GDir) d = g_dir_open(class, 0, NULL);
	const char *name;
	char *best = NULL, *best_name = NULL;
	int best_rank = G_MAXINT;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *dir = g_build_filename(class, name, NULL);
		int rank = type_rank(dir);
		if (rank < best_rank || (rank == best_rank && strcmp(name, best_name) < 0)) {
			g_free(best);
			g_free(best_name);
			best = g_steal_pointer(&dir);
			best_name = g_strdup(name);
			best_rank = rank;
		}
	}
	g_free(best_name);
	return best;
}

bool brk_backlight_step(const char *sys_root, int step, long *now, GError **error)
{
	g_autofree char *dir = pick(sys_root);
	g_autofree char *path = NULL;
	g_autofree char *text = NULL;
	long max, cur, delta, next;

	if (!dir) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
			    "no backlight in %s/class/backlight", sys_root);
		return false;
	}
	if (!read_number(dir, "max_brightness", &max) || max <= 0 ||
	    !read_number(dir, "brightness", &cur)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "%s: brightness or max_brightness is not a number (left as it is)", dir);
		return false;
	}
	delta = MAX(max / 10, 1);
	next = CLAMP(cur + (step > 0 ? delta : -delta), MIN(1, max), max);
	path = g_build_filename(dir, "brightness", NULL);
	text = g_strdup_printf("%ld\n", next);
	if (next != cur && !g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_NONE, 0644,
						     error))
		return false;
	if (now)
		*now = next;
	return true;
}
