/* policy/kiosk-check.c: the one check of kiosk settings that needs a library the kiosk uses,
 * compiling the [keymap] with xkbcommon, for the tools that build and install policy.
 *
 * The rest of [kiosk], [hotkeys] and [keymap] is checked by the parser itself. Kept in its own
 * file so only the programs that call these functions link xkbcommon; the broker, which loads
 * a policy but never shows a keyboard layout, does not. */
#include "config.h"
#include "policy/policy.h"
#include "policy/source.h"

#include <xkbcommon/xkbcommon.h>

/* Unset and empty both mean xkbcommon's default, as for the kiosk. */
static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

bool tsr_policy_keymap_check(const struct tsr_policy_keymap *k, GError **error)
{
	struct xkb_rule_names names = { or_null(k->rules), or_null(k->model), or_null(k->layout),
					or_null(k->variant), or_null(k->options) };
	/* No environment: the layout comes from the policy only, as in the kiosk. */
	struct xkb_context *ctx = xkb_context_new(XKB_CONTEXT_NO_ENVIRONMENT_NAMES);
	struct xkb_keymap *keymap = NULL;

	if (!ctx) {
		g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_IO,
			    "cannot create an xkbcommon context to check the keyboard layout");
		return false;
	}
	xkb_context_set_log_level(ctx, XKB_LOG_LEVEL_CRITICAL);
	keymap = xkb_keymap_new_from_names(ctx, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
	xkb_context_unref(ctx);
	if (!keymap) {
		g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_VALUE,
			    "keyboard layout rules=%s model=%s layout=%s variant=%s options=%s does not "
			    "compile: check the names against /usr/share/X11/xkb/rules/evdev.lst "
			    "(package xkb-data)",
			    names.rules ? names.rules : "(default)",
			    names.model ? names.model : "(default)",
			    names.layout ? names.layout : "(default)",
			    names.variant ? names.variant : "(none)",
			    names.options ? names.options : "(none)");
		return false;
	}
	xkb_keymap_unref(keymap);
	return true;
}

struct tsr_policy *tsr_policy_load_dir_checked(const char *dir, GError **error)
{
	struct tsr_policy *p = tsr_policy_load_dir(dir, error);
	GError *kerr = NULL;

	if (!p || tsr_policy_keymap_check(&p->kiosk.keymap, &kerr))
		return p;
	tsr_policy_free(p);
	/* The parser is done with its sources: read policy.conf again for the line to name. */
	struct tsr_policy_source *src = tsr_policy_source_load(dir, "policy.conf", NULL);
	if (src && tsr_policy_source_line(src, "keymap", NULL) > 0)
		tsr_policy_source_fail(src, error, TSR_POLICY_ERROR_VALUE, "keymap", NULL, "%s",
				       kerr->message);
	else
		g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_VALUE, "policy.conf: %s",
			    kerr->message);
	tsr_policy_source_free(src);
	g_error_free(kerr);
	return NULL;
}

bool tsr_policy_kiosk_check(GKeyFile *file, GError **error)
{
	struct tsr_policy_keymap k = {
		g_key_file_get_string(file, "keymap", "rules", NULL),
		g_key_file_get_string(file, "keymap", "model", NULL),
		g_key_file_get_string(file, "keymap", "layout", NULL),
		g_key_file_get_string(file, "keymap", "variant", NULL),
		g_key_file_get_string(file, "keymap", "options", NULL),
	};
	bool ok = tsr_policy_keymap_check(&k, error);

	if (!ok)
		g_prefix_error(error, "[keymap] ");
	g_free(k.rules);
	g_free(k.model);
	g_free(k.layout);
	g_free(k.variant);
	g_free(k.options);
	return ok;
}
