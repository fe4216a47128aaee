/* tests/unit/input-script.c: the evemu-script player behind the router tests (see the .h). */
#include "config.h"
#include "tests/unit/input-script.h"

#include "input/router.h"

#include <stdio.h>
#include <string.h>

struct player {
	struct tsr_input_router *router;
	struct tsr_policy_hotkeys hotkeys;
	GPtrArray *out;
};

static const struct tsr_input_domain_area areas[2] = {
	{ 0, { 10, 30, 480, 460 }, 960, 920 },
	{ 1, { 510, 30, 480, 460 }, 480, 460 },
};

static void geo_size(void *ud, int *w, int *h)
{
	(void)ud;
	*w = 1000;
	*h = 500;
}

static bool geo_at(void *ud, int x, int y, struct tsr_input_domain_area *out)
{
	(void)ud;
	for (int i = 0; i < 2; i++) {
		const struct tsr_input_rect *c = &areas[i].content;
		if (x >= c->x && x < c->x + c->w && y >= c->y && y < c->y + c->h) {
			*out = areas[i];
			return true;
		}
	}
	return false;
}

static bool geo_area(void *ud, int domain, struct tsr_input_domain_area *out)
{
	(void)ud;
	if (domain < 0 || domain > 1)
		return false;
	*out = areas[domain];
	return true;
}

static const char *updown(bool down)
{
	return down ? "down" : "up";
}

static void s_key(void *ud, int domain, uint32_t sc, bool down)
{
	struct player *p = ud;
	g_ptr_array_add(p->out, g_strdup_printf("key %d 0x%x %s", domain, sc, updown(down)));
}

static void s_motion(void *ud, int domain, int x, int y, uint32_t buttons)
{
	struct player *p = ud;
	g_ptr_array_add(p->out, g_strdup_printf("motion %d %d %d %u", domain, x, y, buttons));
}

static void s_button(void *ud, int domain, enum tsr_input_button b, bool down, uint32_t buttons)
{
	struct player *p = ud;
	g_ptr_array_add(p->out, g_strdup_printf("button %d %d %s %u", domain, (int)b, updown(down),
						buttons));
}

static void s_kkey(void *ud, const struct tsr_input_kiosk_key *k)
{
	struct player *p = ud;
	static const char *names[] = { "up", "down", "repeat" };
	g_ptr_array_add(p->out, g_strdup_printf("kiosk-key %u %s", k->code, names[k->state]));
}

static void s_kmotion(void *ud, int x, int y, uint32_t buttons)
{
	struct player *p = ud;
	g_ptr_array_add(p->out, g_strdup_printf("kiosk-motion %d %d %u", x, y, buttons));
}

static void s_kbutton(void *ud, int x, int y, enum tsr_input_button b, bool down, uint32_t buttons)
{
	struct player *p = ud;
	g_ptr_array_add(p->out, g_strdup_printf("kiosk-button %d %d %d %s %u", x, y, (int)b,
						updown(down), buttons));
}

static void s_action(void *ud, enum tsr_input_action a, int arg, uint32_t source)
{
	struct player *p = ud;
	static const char *names[] = { "?", "focus-slot", "focus-domain", "cycle", "lock", "sas",
				       "layout", "copy", "paste", "move-output", "brightness", "volume" };
	(void)source;
	g_ptr_array_add(p->out, g_strdup_printf("action %s %d", names[a], arg));
	switch (a) {
	case TSR_INPUT_ACTION_FOCUS_SLOT:
		if (arg <= 2)
			tsr_input_router_set_focus(p->router, arg - 1);
		break;
	case TSR_INPUT_ACTION_CYCLE_FOCUS:
		tsr_input_router_set_focus(p->router, tsr_input_router_get_focus(p->router) == 0);
		break;
	case TSR_INPUT_ACTION_LOCK:
		tsr_input_router_set_kiosk_grab(p->router, true);
		break;
	default:
		break;
	}
}

static bool parse_caps(const char *word, unsigned *caps, bool *domains_only)
{
	g_auto(GStrv) parts = g_strsplit(word, ",", -1);
	*caps = 0;
	for (size_t i = 0; parts[i]; i++) {
		if (!strcmp(parts[i], "keyboard")) *caps |= TSR_INPUT_CAP_KEYBOARD;
		else if (!strcmp(parts[i], "pointer")) *caps |= TSR_INPUT_CAP_POINTER;
		else if (!strcmp(parts[i], "absolute")) *caps |= TSR_INPUT_CAP_ABSOLUTE;
		else if (!strcmp(parts[i], "touch")) *caps |= TSR_INPUT_CAP_TOUCH;
		else if (!strcmp(parts[i], "touchpad")) *caps |= TSR_INPUT_CAP_TOUCHPAD;
		else if (!strcmp(parts[i], "domains-only")) *domains_only = true;
		else return false;
	}
	return *caps != 0;
}

static bool run_line(struct player *p, const char *line, uint32_t *source, GPtrArray *expected,
		     GError **error)
{
	char c;
	int a, n = 0;
	unsigned long sec, usec;
	unsigned type, code;
	int value;
	char word[64], word2[64];

	if (!*line || line[0] == '#')
		return true;
	if (strchr("NIPBA", line[0]) && line[1] == ':')
		return true; /* evemu device description: the D: line says what we need */
	if (line[0] == '=') {
		g_ptr_array_add(expected, g_strstrip(g_strdup(line + 1)));
		return true;
	}
	if (sscanf(line, "E: %lu.%lu %x %x %d %n", &sec, &usec, &type, &code, &value, &n) == 5 &&
	    !line[n] && type <= 0xffff && code <= 0xffff) {
		tsr_input_router_evdev(p->router, *source, (uint16_t)type, (uint16_t)code, value);
		return true;
	}
	if (sscanf(line, "D: %d %63s %n", &a, word, &n) == 2) {
		struct tsr_input_device d = { .source = (uint32_t)a, .kind = TSR_INPUT_SOURCE_TEST,
					      .name = "script" };
		int x0, x1, y0, y1, m = 0;
		if (!parse_caps(word, &d.caps, &d.domains_only))
			goto bad;
		if (sscanf(line + n, "%d %d %d %d %n", &x0, &x1, &y0, &y1, &m) == 4 && !line[n + m]) {
			d.abs_x = (struct tsr_input_range){ x0, x1 };
			d.abs_y = (struct tsr_input_range){ y0, y1 };
		} else if (line[n]) {
			goto bad;
		}
		if (!tsr_input_router_device_added(p->router, &d)) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID, "device %d added twice", a);
			return false;
		}
		return true;
	}
	if (sscanf(line, "H: %63s %63[^\n]", word, word2) == 2)
		return tsr_policy_hotkeys_set(&p->hotkeys, word, word2, error);
	if (sscanf(line, "%c: %d %n", &c, &a, &n) == 2 && !line[n]) {
		switch (c) {
		case 'U': tsr_input_router_device_removed(p->router, (uint32_t)a); return true;
		case 'S': *source = (uint32_t)a; return true;
		case 'F': tsr_input_router_set_focus(p->router, a); return true;
		case 'G': tsr_input_router_set_kiosk_grab(p->router, a != 0); return true;
		case 'C': {
			/* Recreating loses state, so only allowed before any device. */
			struct tsr_input_router_options o = { .click_to_focus = a != 0 };
			struct tsr_input_sinks sinks = { p, s_key, s_motion, s_button, s_kkey, s_kmotion,
							 s_kbutton, s_action, NULL };
			struct tsr_input_geometry geo = { p, geo_size, geo_at, geo_area };
			tsr_input_router_destroy(p->router);
			p->router = tsr_input_router_create(&sinks, &geo, &p->hotkeys, &o);
			return true;
		}
		default: break;
		}
	}
bad:
	g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID, "cannot read script line \"%s\"", line);
	return false;
}

bool tsr_test_input_script_run(const char *text, char ***produced, char ***expected,
			       GError **error)
{
	struct player p = { 0 };
	struct tsr_input_sinks sinks = { &p, s_key, s_motion, s_button, s_kkey, s_kmotion, s_kbutton,
					 s_action, NULL };
	struct tsr_input_geometry geo = { &p, geo_size, geo_at, geo_area };
	GPtrArray *exp = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	uint32_t source = 1;
	bool ok = true;

	tsr_policy_hotkeys_init_default(&p.hotkeys);
	p.out = g_ptr_array_new_with_free_func(g_free);
	p.router = tsr_input_router_create(&sinks, &geo, &p.hotkeys, NULL);
	for (size_t i = 0; ok && lines[i]; i++) {
		char *l = g_strstrip(lines[i]);
		if (!run_line(&p, l, &source, exp, error)) {
			g_prefix_error(error, "script line %zu: ", i + 1);
			ok = false;
		}
	}
	tsr_input_router_destroy(p.router);
	g_ptr_array_add(p.out, NULL);
	g_ptr_array_add(exp, NULL);
	if (ok) {
		*produced = (char **)g_ptr_array_free(p.out, false);
		*expected = (char **)g_ptr_array_free(exp, false);
	} else {
		g_ptr_array_free(p.out, true);
		g_ptr_array_free(exp, true);
	}
	return ok;
}
