/* input/settings.c: reading the input settings from a key file (see settings.h). */
#include "config.h"
#include "input/settings.h"

#include <string.h>

void tsr_input_settings_init(struct tsr_input_settings *s)
{
	memset(s, 0, sizeof(*s));
	tsr_input_hotkeys_init_default(&s->hotkeys);
	s->click_to_focus = true;
}

void tsr_input_settings_clear(struct tsr_input_settings *s)
{
	g_free(s->rules);
	g_free(s->model);
	g_free(s->layout);
	g_free(s->variant);
	g_free(s->options);
	tsr_input_settings_init(s);
}

void tsr_input_settings_text_config(const struct tsr_input_settings *s,
				    struct tsr_input_text_config *out)
{
	*out = (struct tsr_input_text_config){ s->rules, s->model, s->layout, s->variant,
					       s->options };
}

static bool load_hotkeys(struct tsr_input_settings *n, GKeyFile *kf, GError **error)
{
	g_auto(GStrv) keys = g_key_file_get_keys(kf, "hotkeys", NULL, NULL);

	for (size_t i = 0; keys && keys[i]; i++) {
		g_autofree char *v = g_key_file_get_string(kf, "hotkeys", keys[i], error);
		if (!v)
			return false;
		if (strcmp(keys[i], "sas") == 0) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "[hotkeys] sas: the secure attention sequence is set in [kiosk] sas");
			return false;
		}
		if (!tsr_input_hotkeys_set(&n->hotkeys, keys[i], v, error)) {
			g_prefix_error(error, "[hotkeys] ");
			return false;
		}
	}
	return true;
}

static bool load_keymap(struct tsr_input_settings *n, GKeyFile *kf, GError **error)
{
	static const char *const names[] = { "rules", "model", "layout", "variant", "options" };
	char **fields[] = { &n->rules, &n->model, &n->layout, &n->variant, &n->options };
	g_auto(GStrv) keys = g_key_file_get_keys(kf, "keymap", NULL, NULL);

	for (size_t i = 0; keys && keys[i]; i++) {
		size_t f = 0;
		while (f < G_N_ELEMENTS(names) && strcmp(keys[i], names[f]) != 0)
			f++;
		if (f == G_N_ELEMENTS(names)) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "[keymap] %s: unknown key (known: rules, model, layout, variant, "
				    "options)", keys[i]);
			return false;
		}
		char *v = g_key_file_get_string(kf, "keymap", keys[i], error);
		if (!v)
			return false;
		g_free(*fields[f]);
		*fields[f] = v;
	}
	return true;
}

bool tsr_input_settings_load(struct tsr_input_settings *s, GKeyFile *kf, GError **error)
{
	struct tsr_input_settings n = *s;
	bool ok = false;

	/* Work on copies of the strings so a failure leaves *s whole. */
	n.rules = g_strdup(s->rules);
	n.model = g_strdup(s->model);
	n.layout = g_strdup(s->layout);
	n.variant = g_strdup(s->variant);
	n.options = g_strdup(s->options);

	if (g_key_file_has_key(kf, "kiosk", "sas", NULL)) {
		g_autofree char *v = g_key_file_get_string(kf, "kiosk", "sas", error);
		if (!v || !tsr_input_hotkeys_set(&n.hotkeys, "sas", v, error)) {
			if (v)
				g_prefix_error(error, "[kiosk] ");
			goto out;
		}
	}
	if (g_key_file_has_key(kf, "kiosk", "click-to-focus", NULL)) {
		GError *e = NULL;
		n.click_to_focus = g_key_file_get_boolean(kf, "kiosk", "click-to-focus", &e);
		if (e) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "[kiosk] click-to-focus: %s (use true or false)", e->message);
			g_error_free(e);
			goto out;
		}
	}
	if (!load_hotkeys(&n, kf, error) || !load_keymap(&n, kf, error))
		goto out;
	/* The layout must compile now, not when someone first types a password. */
	struct tsr_input_text_config tc;
	tsr_input_settings_text_config(&n, &tc);
	struct tsr_input_text *t = tsr_input_text_create(&tc, error);
	if (!t) {
		g_prefix_error(error, "[keymap] ");
		goto out;
	}
	tsr_input_text_destroy(t);
	ok = true;
out:
	if (ok) {
		struct tsr_input_settings old = *s;
		*s = n;
		n = old; /* free the old strings below */
	}
	g_free(n.rules);
	g_free(n.model);
	g_free(n.layout);
	g_free(n.variant);
	g_free(n.options);
	return ok;
}

bool tsr_input_settings_check(GKeyFile *file, GError **error)
{
	struct tsr_input_settings s;

	tsr_input_settings_init(&s);
	bool ok = tsr_input_settings_load(&s, file, error);
	tsr_input_settings_clear(&s);
	return ok;
}
