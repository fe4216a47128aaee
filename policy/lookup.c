/* policy/lookup.c: the questions other components ask a loaded policy.
 *
 * Kept apart from the parser so the rules of "who may use what" and "which device goes where"
 * live in one short file that is easy to review. */
#include "policy/policy.h"
#include "policy/policy-internal.h"

#include <string.h>

#define FIND(arr, n, name)                                  \
	do {                                                \
		if (!p || !(name))                          \
			return NULL;                        \
		for (size_t i = 0; i < (n); i++)            \
			if (strcmp(arr[i].name, name) == 0) \
				return &arr[i];             \
		return NULL;                                \
	} while (0)

const struct tsr_policy_domain *tsr_policy_find_domain(const struct tsr_policy *p, const char *name)
{
	FIND(p->domains, p->n_domains, name);
}

const struct tsr_policy_user *tsr_policy_find_user(const struct tsr_policy *p, const char *name)
{
	FIND(p->users, p->n_users, name);
}

const struct tsr_policy_group *tsr_policy_find_group(const struct tsr_policy *p, const char *name)
{
	FIND(p->groups, p->n_groups, name);
}

const struct tsr_policy_template *tsr_policy_find_template(const struct tsr_policy *p,
                                                           const char *name)
{
	FIND(p->templates, p->n_templates, name);
}

const struct tsr_policy_laptop_group *tsr_policy_find_laptop_group(const struct tsr_policy *p,
                                                                   const char *name)
{
	FIND(p->laptop_groups, p->n_laptop_groups, name);
}

static bool in_list(char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

bool tsr_policy_user_in_group(const struct tsr_policy *p, const char *user, const char *group)
{
	const struct tsr_policy_user *u = tsr_policy_find_user(p, user);
	return u && group && in_list(u->groups, u->n_groups, group);
}

bool tsr_policy_user_may_use(const struct tsr_policy *p, const char *user, const char *domain)
{
	const struct tsr_policy_user *u = tsr_policy_find_user(p, user);
	const struct tsr_policy_domain *d = tsr_policy_find_domain(p, domain);
	if (!u || !d)
		return false;
	if (in_list(d->users, d->n_users, u->name) || in_list(u->domains, u->n_domains, d->name))
		return true;
	for (size_t i = 0; i < u->n_groups; i++) {
		if (in_list(d->groups, d->n_groups, u->groups[i]))
			return true;
		const struct tsr_policy_group *g = tsr_policy_find_group(p, u->groups[i]);
		if (g && in_list(g->domains, g->n_domains, d->name))
			return true;
	}
	return false;
}

size_t tsr_policy_user_domains(const struct tsr_policy *p, const char *user,
                               const struct tsr_policy_domain **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; p && i < p->n_domains; i++)
		if (tsr_policy_user_may_use(p, user, p->domains[i].name)) {
			if (n < max)
				out[n] = &p->domains[i];
			n++;
		}
	return n;
}

const struct tsr_policy_device_rule *tsr_policy_match_device(const struct tsr_policy *p,
                                                             const struct tsr_policy_usb_interface *usb)
{
	for (size_t i = 0; p && usb && i < p->n_rules; i++) {
		const struct tsr_policy_device_rule *r = &p->rules[i];
		if (r->interface_class >= 0 && r->interface_class != usb->interface_class)
			continue;
		if (r->vendor >= 0 && r->vendor != usb->vendor)
			continue;
		if (r->product >= 0 && r->product != usb->product)
			continue;
		if (r->serial && (!usb->serial || strcmp(r->serial, usb->serial) != 0))
			continue;
		return r;
	}
	return NULL;
}

enum tsr_policy_lease tsr_policy_lease_state(const struct tsr_policy *p, int64_t now,
                                             int64_t *days_left)
{
	const int64_t day = 86400;
	if (days_left)
		*days_left = 0;
	if (!p || p->valid_until == 0) {
		if (days_left)
			*days_left = INT32_MAX;
		return TSR_POLICY_LEASE_VALID;
	}
	if (now < p->valid_from)
		return TSR_POLICY_LEASE_NOT_YET_VALID;
	int64_t stop = p->valid_until + (int64_t)p->lease_grace_days * day;
	if (days_left) {
		int64_t left = stop - now;
		/* Floor division, so the last partial day is 0 and expiry is negative. */
		*days_left = left >= 0 ? left / day : -((-left + day - 1) / day);
	}
	if (now < p->valid_until)
		return TSR_POLICY_LEASE_VALID;
	if (now < stop)
		return TSR_POLICY_LEASE_GRACE;
	return TSR_POLICY_LEASE_EXPIRED;
}

char *tsr_policy_lease_message(enum tsr_policy_lease lease, int64_t days_left)
{
	switch (lease) {
	case TSR_POLICY_LEASE_EXPIRED:
		return g_strdup("This laptop's policy has expired: connect it to the network so it "
		                "can update, then log in.");
	case TSR_POLICY_LEASE_NOT_YET_VALID:
		return g_strdup("This laptop's policy is not valid yet (is the clock right?): connect "
		                "it to the network so it can update.");
	case TSR_POLICY_LEASE_GRACE:
		return g_strdup_printf("This laptop's policy has expired; logins stop in %" G_GINT64_FORMAT
		                       " day(s). Connect it to the network to update.",
		                       days_left > 0 ? days_left : 0);
	case TSR_POLICY_LEASE_VALID:
		if (days_left <= 7)
			return g_strdup_printf("This laptop's policy must be updated within %" G_GINT64_FORMAT
			                       " day(s): connect it to the network.",
			                       days_left > 0 ? days_left : 0);
		return NULL;
	}
	return NULL;
}

#define NAME(words, v, n) ((unsigned)(v) < (n) ? words[v] : "?")

const char *tsr_policy_colour_name(enum tsr_policy_colour c)
{
	return NAME(tsr_policy_colour_words, c, 8u);
}

const char *tsr_policy_backend_name(enum tsr_policy_backend b)
{
	return NAME(tsr_policy_backend_words, b, 3u);
}

const char *tsr_policy_network_name(enum tsr_policy_network n)
{
	return NAME(tsr_policy_network_words, n, 4u);
}

const char *tsr_policy_display_name(enum tsr_policy_display d)
{
	return NAME(tsr_policy_display_words, d, 2u);
}

const char *tsr_policy_firmware_name(enum tsr_policy_firmware f)
{
	return NAME(tsr_policy_firmware_words, f, 2u);
}

const char *tsr_policy_disk_bus_name(enum tsr_policy_disk_bus b)
{
	return NAME(tsr_policy_disk_bus_words, b, 2u);
}

const char *tsr_policy_video_name(enum tsr_policy_video v)
{
	return NAME(tsr_policy_video_words, v, 2u);
}

const char *tsr_policy_device_action_name(enum tsr_policy_device_action a)
{
	return NAME(tsr_policy_action_words, a, 3u);
}

const char *tsr_policy_console_rights_name(enum tsr_policy_console_rights c)
{
	return NAME(tsr_policy_console_words, c, 4u);
}

const char *tsr_policy_lease_name(enum tsr_policy_lease l)
{
	static const char *const words[] = {"valid", "grace", "expired", "not-yet-valid"};
	return NAME(words, l, 4u);
}
