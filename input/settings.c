/* input/settings.c: the kiosk's input settings from policy's typed values (see settings.h). */
#include "config.h"
#include "input/settings.h"

#include <string.h>

void tsr_input_settings_init(struct tsr_input_settings *s)
{
	memset(s, 0, sizeof(*s));
	tsr_policy_hotkeys_init_default(&s->hotkeys);
	s->click_to_focus = true;
}

static void free_layout(struct tsr_input_settings *s)
{
	g_free(s->rules);
	g_free(s->model);
	g_free(s->layout);
	g_free(s->variant);
	g_free(s->options);
}

void tsr_input_settings_clear(struct tsr_input_settings *s)
{
	free_layout(s);
	tsr_input_settings_init(s);
}

void tsr_input_settings_text_config(const struct tsr_input_settings *s,
				    struct tsr_input_text_config *out)
{
	*out = (struct tsr_input_text_config){ s->rules, s->model, s->layout, s->variant,
					       s->options };
}

bool tsr_input_settings_set(struct tsr_input_settings *s, const struct tsr_policy_kiosk *kiosk,
			    GError **error)
{
	const struct tsr_policy_keymap *k = &kiosk->keymap;
	struct tsr_input_settings n = {
		.hotkeys = kiosk->keys,
		.click_to_focus = kiosk->click_to_focus,
		.rules = g_strdup(k->rules),
		.model = g_strdup(k->model),
		.layout = g_strdup(k->layout),
		.variant = g_strdup(k->variant),
		.options = g_strdup(k->options),
	};
	struct tsr_input_text_config tc;

	/* The layout must compile now, not when someone first types a password. */
	tsr_input_settings_text_config(&n, &tc);
	struct tsr_input_text *t = tsr_input_text_create(&tc, error);
	if (!t) {
		g_prefix_error(error, "[keymap] ");
		free_layout(&n);
		return false;
	}
	tsr_input_text_destroy(t);
	free_layout(s);
	*s = n;
	return true;
}
