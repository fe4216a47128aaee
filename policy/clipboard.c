/* policy/clipboard.c: which domain may paste what was copied in which, and how much.
 *
 * A shared clipboard lets every domain read what the user copied anywhere; Tessera's moves text
 * only when the user asks, through the kiosk, along a flow the policy names. The flows are
 * written as one list (`[clipboard] allow = work -> personal; * -> banking`) or as one
 * `[clipboard-rule NAME]` per flow; both end up in p->clipboard.flows, and anything not listed
 * is refused. Kept apart from parse.c so the one question (tsr_policy_clipboard_allows) and its
 * syntax are read in one place. */
#include "policy/policy.h"
#include "policy/policy-internal.h"
#include "policy/source.h"

#include <string.h>

#define FLOWS_MAX 4096

static bool end_ok(const char *s)
{
	return strcmp(s, TSR_POLICY_CLIPBOARD_ANY) == 0 || tsr_policy_name_ok(s);
}

/* A domain pastes its own text without dom0: a flow to itself is a slip, not a policy. */
static const char *flow_problem(const char *from, const char *to)
{
	if (!end_ok(from) || !end_ok(to))
		return "each end is a domain name or '*'";
	if (strcmp(from, to) == 0 && strcmp(from, TSR_POLICY_CLIPBOARD_ANY) != 0)
		return "a flow from a domain to itself means nothing (a domain always keeps its "
		       "own clipboard); remove it";
	return NULL;
}

static struct tsr_policy_clipboard_flow *add_flow(struct tsr_policy_clipboard *c)
{
	c->flows = g_renew(struct tsr_policy_clipboard_flow, c->flows, c->n_flows + 1);
	memset(&c->flows[c->n_flows], 0, sizeof(c->flows[0]));
	return &c->flows[c->n_flows++];
}

/* "work -> personal": both ends, stripped, into from and to; false if it is not one arrow
 * between two words. */
static bool split_flow(const char *entry, char **from, char **to)
{
	const char *arrow = strstr(entry, "->");
	if (!arrow || strstr(arrow + 2, "->"))
		return false;
	*from = g_strstrip(g_strndup(entry, (size_t)(arrow - entry)));
	*to = g_strstrip(g_strdup(arrow + 2));
	return true;
}

static bool parse_allow(const struct tsr_policy_source *src, const char *group,
                        struct tsr_policy *p, GError **error)
{
	if (!g_key_file_has_key(src->kf, group, "allow", NULL))
		return true;
	char *raw = NULL;
	if (!tsr_policy_get_str(src, group, "allow", true, &raw, error))
		return false;
	char **entries = g_strsplit(raw, ";", -1);
	g_free(raw);
	bool ok = true;
	for (size_t i = 0; entries[i] && ok; i++) {
		char *from = NULL, *to = NULL;
		g_strstrip(entries[i]);
		if (!entries[i][0])
			continue;
		const char *why = NULL;
		if (!split_flow(entries[i], &from, &to))
			why = "write each flow as 'FROM -> TO' and separate flows with ';'";
		else
			why = flow_problem(from, to);
		if (!why && p->clipboard.n_flows >= FLOWS_MAX)
			why = "too many flows";
		for (size_t j = 0; !why && j < p->clipboard.n_flows; j++)
			if (strcmp(p->clipboard.flows[j].from, from) == 0 &&
			    strcmp(p->clipboard.flows[j].to, to) == 0)
				why = "listed twice";
		if (why) {
			ok = tsr_policy_source_fail(src, error, TSR_POLICY_ERROR_VALUE, group, "allow",
			                            "'%s': %s", entries[i], why);
			g_free(from);
			g_free(to);
			break;
		}
		struct tsr_policy_clipboard_flow *f = add_flow(&p->clipboard);
		f->from = from;
		f->to = to;
	}
	g_strfreev(entries);
	return ok;
}

bool tsr_policy_parse_clipboard(const struct tsr_policy_source *src, const char *group,
                                struct tsr_policy *p, GError **error)
{
	static const char *const keys[] = {"max-bytes", "allow", NULL};
	return tsr_policy_check_keys(src, group, keys, error) &&
	       tsr_policy_get_u32(src, group, "max-bytes", false, 1,
	                          TSR_POLICY_CLIPBOARD_MAX_BYTES_LIMIT, &p->clipboard.max_bytes,
	                          error) &&
	       parse_allow(src, group, p, error);
}

bool tsr_policy_parse_clipboard_rule(const struct tsr_policy_source *src, const char *group,
                                     struct tsr_policy *p, GError **error)
{
	static const char *const keys[] = {"from", "to", NULL};
	char *name = NULL, *from = NULL, *to = NULL;
	bool ok = tsr_policy_group_name(src, group, "clipboard-rule", &name, error) &&
	          tsr_policy_check_keys(src, group, keys, error) &&
	          tsr_policy_get_str(src, group, "from", true, &from, error) &&
	          tsr_policy_get_str(src, group, "to", true, &to, error);
	if (ok) {
		const char *why = flow_problem(from, to);
		if (why)
			ok = tsr_policy_source_fail(src, error, TSR_POLICY_ERROR_VALUE, group,
			                            end_ok(from) ? "to" : "from", "%s", why);
	}
	if (ok && p->clipboard.n_flows >= FLOWS_MAX)
		ok = tsr_policy_source_fail(src, error, TSR_POLICY_ERROR_VALUE, group, NULL,
		                            "too many flows");
	if (!ok) {
		g_free(name);
		g_free(from);
		g_free(to);
		return false;
	}
	struct tsr_policy_clipboard_flow *f = add_flow(&p->clipboard);
	f->name = name;
	f->from = from;
	f->to = to;
	return true;
}

static bool end_known(const struct tsr_policy *p, const char *end)
{
	return strcmp(end, TSR_POLICY_CLIPBOARD_ANY) == 0 || tsr_policy_find_domain(p, end);
}

const struct tsr_policy_clipboard_flow *
tsr_policy_clipboard_unknown_domain(const struct tsr_policy *p, const char **domain)
{
	for (size_t i = 0; i < p->clipboard.n_flows; i++) {
		const struct tsr_policy_clipboard_flow *f = &p->clipboard.flows[i];
		if (!end_known(p, f->from) || !end_known(p, f->to)) {
			*domain = end_known(p, f->from) ? f->to : f->from;
			return f;
		}
	}
	return NULL;
}

static bool end_matches(const char *end, const char *domain)
{
	return strcmp(end, TSR_POLICY_CLIPBOARD_ANY) == 0 || strcmp(end, domain) == 0;
}

bool tsr_policy_clipboard_allows(const struct tsr_policy *p, const char *from, const char *to)
{
	if (!p || !from || !to)
		return false;
	if (strcmp(from, to) == 0)
		return true;
	for (size_t i = 0; i < p->clipboard.n_flows; i++)
		if (end_matches(p->clipboard.flows[i].from, from) &&
		    end_matches(p->clipboard.flows[i].to, to))
			return true;
	return false;
}

/* A flow a laptop keeps: both ends are `*` or domains it carries. A dropped flow only
 * refuses more, since nothing is allowed unless a flow says so. */
static bool keep_end(const char *end, bool (*has_domain)(const void *, const char *),
                     const void *ctx)
{
	return strcmp(end, TSR_POLICY_CLIPBOARD_ANY) == 0 || has_domain(ctx, end);
}

void tsr_policy_clipboard_write(GKeyFile *kf, const struct tsr_policy *p,
                                bool (*has_domain)(const void *ctx, const char *name),
                                const void *ctx)
{
	GString *allow = g_string_new(NULL);
	char buf[16];

	g_snprintf(buf, sizeof buf, "%u", p->clipboard.max_bytes);
	g_key_file_set_value(kf, "clipboard", "max-bytes", buf);
	for (size_t i = 0; i < p->clipboard.n_flows; i++) {
		const struct tsr_policy_clipboard_flow *f = &p->clipboard.flows[i];
		if (f->name || !keep_end(f->from, has_domain, ctx) ||
		    !keep_end(f->to, has_domain, ctx))
			continue;
		g_string_append_printf(allow, "%s%s -> %s", allow->len ? "; " : "", f->from, f->to);
	}
	if (allow->len)
		g_key_file_set_value(kf, "clipboard", "allow", allow->str);
	g_string_free(allow, TRUE);
	for (size_t i = 0; i < p->clipboard.n_flows; i++) {
		const struct tsr_policy_clipboard_flow *f = &p->clipboard.flows[i];
		if (!f->name || !keep_end(f->from, has_domain, ctx) ||
		    !keep_end(f->to, has_domain, ctx))
			continue;
		char *group = g_strdup_printf("clipboard-rule %s", f->name);
		g_key_file_set_value(kf, group, "from", f->from);
		g_key_file_set_value(kf, group, "to", f->to);
		g_free(group);
	}
}

void tsr_policy_clipboard_free(struct tsr_policy_clipboard *c)
{
	for (size_t i = 0; i < c->n_flows; i++) {
		g_free(c->flows[i].name);
		g_free(c->flows[i].from);
		g_free(c->flows[i].to);
	}
	g_free(c->flows);
	c->flows = NULL;
	c->n_flows = 0;
}
