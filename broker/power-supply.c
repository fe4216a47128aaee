/* broker/power-supply.c: battery and AC state from sysfs, for the kiosk's top bar.
 *
 * The broker reads it and hands the kiosk only the text to draw: the kiosk's sandbox opens no
 * files under /sys, and the text is all it needs. Several batteries (some laptops have two)
 * are averaged; a supply whose files are not
 * numbers is left out rather than shown wrong. */
#include "config.h"
#include "broker/power-supply.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static char *read_text(const char *dir, const char *name)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	return g_strstrip(text);
}

static bool read_uint(const char *dir, const char *name, unsigned max, unsigned *out)
{
	g_autofree char *text = read_text(dir, name);
	char *end;
	unsigned long v;

	if (!text || !g_ascii_isdigit(text[0]))
		return false;
	v = strtoul(text, &end, 10);
	if (*end || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

bool brk_power_supply_read(const char *sys_root, struct brk_power_status *out)
{
	g_autofree char *class = g_build_filename(sys_root, "class", "power_supply", NULL);
	g_autoptr(GDir) d = g_dir_open(class, 0, NULL);
	struct brk_power_status s = { 0 };
	unsigned n_batteries = 0, sum = 0;
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *dir = g_build_filename(class, name, NULL);
		g_autofree char *type = read_text(dir, "type");
		unsigned v;

		if (!type)
			continue;
		if (strcmp(type, "Mains") == 0 && read_uint(dir, "online", 1, &v)) {
			s.have_ac = true;
			s.ac_online = s.ac_online || v;
		} else if (strcmp(type, "Battery") == 0 && read_uint(dir, "capacity", 100, &v)) {
			g_autofree char *status = read_text(dir, "status");
			n_batteries++;
			sum += v;
			s.charging = s.charging || g_strcmp0(status, "Charging") == 0;
		}
	}
	if (n_batteries) {
		s.have_battery = true;
		s.percent = (sum + n_batteries / 2) / n_batteries;
	}
	*out = s;
	return s.have_battery || s.have_ac;
}

void brk_power_supply_text(const struct brk_power_status *s, char *buf, size_t size)
{
	if (s->have_battery)
		g_snprintf(buf, size, "Battery %u%%%s", s->percent,
			   s->charging ? ", charging" : s->ac_online ? ", on AC" : "");
	else if (s->ac_online)
		g_snprintf(buf, size, "On AC");
	else if (size)
		buf[0] = '\0';
}
