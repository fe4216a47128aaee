/* input/text.c: xkbcommon keymap and state for the kiosk's own text entry (see text.h). */
#include "config.h"
#include "input/text.h"

#include <string.h>
#include <xkbcommon/xkbcommon.h>

struct tsr_input_text {
	struct xkb_context *ctx;
	struct xkb_keymap *keymap;
	struct xkb_state *state;
};

/* evdev codes are xkb keycodes minus 8 (the X11 offset xkeyboard-config keeps). */
#define XKB_EVDEV_OFFSET 8

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

struct tsr_input_text *tsr_input_text_create(const struct tsr_input_text_config *config,
					     GError **error)
{
	struct xkb_rule_names names = { 0 };
	struct tsr_input_text *t = g_new0(struct tsr_input_text, 1);

	if (config) {
		names.rules = or_null(config->rules);
		names.model = or_null(config->model);
		names.layout = or_null(config->layout);
		names.variant = or_null(config->variant);
		names.options = or_null(config->options);
	}
	/* No environment: the layout comes from config only, not from whoever started us. */
	t->ctx = xkb_context_new(XKB_CONTEXT_NO_ENVIRONMENT_NAMES);
	if (!t->ctx) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID, "cannot create an xkbcommon context");
		goto fail;
	}
	xkb_context_set_log_level(t->ctx, XKB_LOG_LEVEL_CRITICAL);
	t->keymap = xkb_keymap_new_from_names(t->ctx, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
	if (!t->keymap) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
			    "keyboard layout rules=%s model=%s layout=%s variant=%s options=%s does not "
			    "compile: check the names against /usr/share/X11/xkb/rules/evdev.lst "
			    "(package xkb-data)",
			    names.rules ? names.rules : "(default)", names.model ? names.model : "(default)",
			    names.layout ? names.layout : "(default)",
			    names.variant ? names.variant : "(none)", names.options ? names.options : "(none)");
		goto fail;
	}
	t->state = xkb_state_new(t->keymap);
	if (!t->state) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID, "cannot create an xkb state");
		goto fail;
	}
	return t;
fail:
	tsr_input_text_destroy(t);
	return NULL;
}

void tsr_input_text_destroy(struct tsr_input_text *t)
{
	if (!t)
		return;
	xkb_state_unref(t->state);
	xkb_keymap_unref(t->keymap);
	xkb_context_unref(t->ctx);
	g_free(t);
}

void tsr_input_text_key(struct tsr_input_text *t, uint16_t code, enum tsr_input_key_state state,
			uint32_t *keysym, char *utf8, size_t size)
{
	xkb_keycode_t kc = (xkb_keycode_t)code + XKB_EVDEV_OFFSET;

	*keysym = 0;
	if (size)
		utf8[0] = '\0';
	if (state == TSR_INPUT_KEY_UP) {
		xkb_state_update_key(t->state, kc, XKB_KEY_UP);
		return;
	}
	/* Look up before updating, so a key reports what it types with the modifiers that were
	 * held when it went down (Shift+a is "A", and Shift itself types nothing). */
	*keysym = xkb_state_key_get_one_sym(t->state, kc);
	if (size) {
		int n = xkb_state_key_get_utf8(t->state, kc, utf8, size);
		/* Control characters are not text for a login field. */
		if (n < 0 || (size_t)n >= size || (n == 1 && (unsigned char)utf8[0] < 0x20) ||
		    (n == 1 && utf8[0] == 0x7f))
			utf8[0] = '\0';
	}
	if (state == TSR_INPUT_KEY_DOWN)
		xkb_state_update_key(t->state, kc, XKB_KEY_DOWN);
}

void tsr_input_text_reset(struct tsr_input_text *t)
{
	struct xkb_state *fresh = xkb_state_new(t->keymap);

	if (!fresh)
		return;
	xkb_state_unref(t->state);
	t->state = fresh;
}
