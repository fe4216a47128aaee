/* policy/outputs.c: [outputs]: the monitors from left to right by connector name, and whether
 * they extend one desktop or mirror it.
 *
 * Where the pointer crosses from one monitor to the next must match where they stand on the
 * desk, which the card cannot know; the policy names the connectors in that order (a docking
 * station's too, whether or not it is there; kiosk/arrangement.h places the ones connected).
 * A projector in a meeting room wants the same picture as the laptop instead: `mode = mirror`.
 * Kept apart from parse.c so the names, their check and their canonical text are read in one
 * place. */
#include "config.h"
#include "policy/policy.h"
#include "policy/policy-internal.h"
#include "policy/source.h"

#include <string.h>

bool tsr_policy_connector_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n >= TSR_POLICY_CONNECTOR_SIZE || !g_ascii_isalpha(s[0]) || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(g_ascii_isalnum(s[i]) || (s[i] == '-' && s[i + 1] != '-')))
			return false;
	return true;
}

/* Indexed by enum tsr_policy_output_mode. */
static const char *const mode_words[] = {"extend", "mirror", NULL};

const char *tsr_policy_output_mode_name(enum tsr_policy_output_mode mode)
{
	return (unsigned)mode < 2u ? mode_words[mode] : "?";
}

#define FAIL(...) \
	tsr_policy_source_fail(src, error, TSR_POLICY_ERROR_VALUE, group, "order", __VA_ARGS__)

bool tsr_policy_parse_outputs(const struct tsr_policy_source *src, const char *group,
			      struct tsr_policy *p, GError **error)
{
	static const char *const keys[] = {"order", "mode", NULL};
	g_autofree char *value = NULL;
	struct tsr_policy_outputs out = {0};
	int mode = TSR_POLICY_OUTPUTS_EXTEND;

	if (!tsr_policy_check_keys(src, group, keys, error) ||
	    !tsr_policy_get_enum(src, group, "mode", false, mode_words, &mode, error) ||
	    !tsr_policy_get_str(src, group, "order", false, &value, error))
		return false;
	out.mode = (enum tsr_policy_output_mode)mode;
	g_auto(GStrv) names = g_strsplit(value ? value : "", ",", -1);

	for (size_t i = 0; value && names[i]; i++) {
		const char *name = g_strstrip(names[i]);

		if (!tsr_policy_connector_name_ok(name))
			return FAIL("'%s' is not a connector name like eDP-1 or HDMI-A-2 (a letter, "
				    "then letters, digits and single '-', at most %d)", name,
				    TSR_POLICY_CONNECTOR_SIZE - 1);
		for (size_t j = 0; j < out.n_order; j++)
			if (strcmp(out.order[j], name) == 0)
				return FAIL("'%s' is listed twice", name);
		if (out.n_order == TSR_POLICY_OUTPUTS_MAX)
			return FAIL("too many names at '%s': %d at most", name,
				    TSR_POLICY_OUTPUTS_MAX);
		g_strlcpy(out.order[out.n_order++], name, TSR_POLICY_CONNECTOR_SIZE);
	}
	p->outputs = out;
	return true;
}

/* Each key written only when set (mode: when not the default), so a bundle built before
 * [outputs] or its mode existed has the same canonical text as one built now from the same
 * sources. */
void tsr_policy_outputs_write(GKeyFile *kf, const struct tsr_policy_outputs *outputs)
{
	if (outputs->mode != TSR_POLICY_OUTPUTS_EXTEND)
		g_key_file_set_string(kf, "outputs", "mode",
				      tsr_policy_output_mode_name(outputs->mode));
	if (outputs->n_order == 0)
		return;
	g_autoptr(GString) s = g_string_new(NULL);

	for (size_t i = 0; i < outputs->n_order; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "", outputs->order[i]);
	g_key_file_set_string(kf, "outputs", "order", s->str);
}
