/* policy/canonical.c: the canonical text of one laptop group's policy, the signed content of
 * a bundle.
 *
 * A laptop holds only its group's domains and the users allowed there, so a lost laptop leaks
 * nothing about the others. The output is deterministic (policy order, fixed key order), so
 * building the same source twice gives the same bytes and "same serial, same content" can be
 * compared byte for byte. It is parsed back by tsr_policy_load_canonical() with the same rules
 * as a source. */
#include "policy/policy.h"
#include "policy/policy-internal.h"

#include <string.h>

static bool in_list(char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

/* What a laptop group carries. NULL laptop group: everything. */
struct selection {
	const struct tsr_policy *p;
	const struct tsr_policy_laptop_group *lg;
};

static bool has_domain(const struct selection *s, const char *name)
{
	return !s->lg ? tsr_policy_find_domain(s->p, name) != NULL
	              : in_list(s->lg->domains, s->lg->n_domains, name);
}

static bool has_user(const struct selection *s, const struct tsr_policy_user *u)
{
	if (!s->lg || in_list(s->lg->users, s->lg->n_users, u->name))
		return true;
	for (size_t i = 0; i < u->n_groups; i++)
		if (in_list(s->lg->groups, s->lg->n_groups, u->groups[i]))
			return true;
	return false;
}

static bool has_group(const struct selection *s, const char *name)
{
	if (!s->lg)
		return true;
	for (size_t i = 0; i < s->p->n_users; i++)
		if (has_user(s, &s->p->users[i]) &&
		    in_list(s->p->users[i].groups, s->p->users[i].n_groups, name))
			return true;
	return in_list(s->lg->groups, s->lg->n_groups, name);
}

static bool names_template(const struct tsr_policy_domain *d, const char *name)
{
	const char *const refs[] = {d->template_name, d->cdrom, d->kernel, d->initrd};
	for (size_t i = 0; i < G_N_ELEMENTS(refs); i++)
		if (refs[i] && strcmp(refs[i], name) == 0)
			return true;
	return false;
}

static bool has_template(const struct selection *s, const char *name)
{
	for (size_t i = 0; i < s->p->n_domains; i++)
		if (has_domain(s, s->p->domains[i].name) && names_template(&s->p->domains[i], name))
			return true;
	return false;
}

/* Set a list keeping only entries keep() accepts; nothing is written for an empty list. */
static void set_filtered(GKeyFile *kf, const char *group, const char *key, char *const *list,
                         size_t n, const struct selection *s,
                         bool (*keep)(const struct selection *, const char *))
{
	GPtrArray *a = g_ptr_array_new();
	for (size_t i = 0; i < n; i++)
		if (keep(s, list[i]))
			g_ptr_array_add(a, list[i]);
	if (a->len)
		g_key_file_set_string_list(kf, group, key, (const char *const *)a->pdata, a->len);
	g_ptr_array_free(a, TRUE);
}

static bool keep_user_name(const struct selection *s, const char *name)
{
	const struct tsr_policy_user *u = tsr_policy_find_user(s->p, name);
	return u && has_user(s, u);
}

static void set_u64(GKeyFile *kf, const char *group, const char *key, uint64_t v)
{
	char buf[32];
	g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, v);
	g_key_file_set_value(kf, group, key, buf);
}

static void set_str(GKeyFile *kf, const char *group, const char *key, const char *v)
{
	if (v)
		g_key_file_set_string(kf, group, key, v);
}

static void set_identity(GKeyFile *kf, const char *group, const char *prefix,
                         const struct tsr_policy_identity *id)
{
	char key[32];
	if (id->user) {
		g_snprintf(key, sizeof key, "%s-user", prefix);
		set_str(kf, group, key, id->user);
	}
	if (id->uid >= 0) {
		g_snprintf(key, sizeof key, "%s-uid", prefix);
		set_u64(kf, group, key, (uint64_t)id->uid);
		g_snprintf(key, sizeof key, "%s-gid", prefix);
		set_u64(kf, group, key, (uint64_t)id->gid);
	}
}

/* [policy] and [lockout]: the laptop group named is the one the bundle is built for. */
static void write_policy(GKeyFile *kf, const struct tsr_policy *p, const char *laptop_group)
{
	set_str(kf, "policy", "organization", p->organization);
	set_str(kf, "policy", "laptop-group", laptop_group ? laptop_group : p->laptop_group);
	set_u64(kf, "policy", "lease-grace-days", p->lease_grace_days);
	set_u64(kf, "policy", "max-serial-jump", p->max_serial_jump);
	set_u64(kf, "lockout", "attempts", p->lockout.attempts);
	set_u64(kf, "lockout", "lock-seconds", p->lockout.lock_seconds);
	set_u64(kf, "lockout", "delay-ms", p->lockout.delay_ms);
}

/* [kiosk], [keymap] (only when something is set) and [hotkeys]. */
static void write_kiosk(GKeyFile *kf, const struct tsr_policy_kiosk *kiosk)
{
	const struct tsr_policy_keymap *k = &kiosk->keymap;

	set_str(kf, "kiosk", "sas", kiosk->sas);
	set_u64(kf, "kiosk", "idle-lock-seconds", kiosk->idle_lock_seconds);
	set_str(kf, "kiosk", "console", tsr_policy_console_rights_name(kiosk->console));
	set_str(kf, "kiosk", "locked-requires-sas", kiosk->locked_requires_sas ? "true" : "false");
	set_str(kf, "kiosk", "click-to-focus", kiosk->click_to_focus ? "true" : "false");
	if (k->rules || k->model || k->layout || k->variant || k->options) {
		set_str(kf, "keymap", "rules", k->rules);
		set_str(kf, "keymap", "model", k->model);
		set_str(kf, "keymap", "layout", k->layout);
		set_str(kf, "keymap", "variant", k->variant);
		set_str(kf, "keymap", "options", k->options);
	}
	for (size_t i = 0; i < kiosk->n_hotkeys; i++)
		set_str(kf, "hotkeys", kiosk->hotkeys[i].action, kiosk->hotkeys[i].keys);
}

/* The templates the selected domains are made from. */
static void write_templates(GKeyFile *kf, const struct selection *s)
{
	for (size_t i = 0; i < s->p->n_templates; i++) {
		const struct tsr_policy_template *t = &s->p->templates[i];
		if (s->lg && !has_template(s, t->name))
			continue;
		char *group = g_strdup_printf("template %s", t->name);
		char hex[65];
		for (size_t j = 0; j < 32; j++)
			g_snprintf(hex + 2 * j, 3, "%02x", t->sha256[j]);
		set_str(kf, group, "file", t->file);
		set_str(kf, group, "format", t->format);
		set_str(kf, group, "sha256", hex);
		set_u64(kf, group, "size", t->size);
		g_free(group);
	}
}

/* How a domain boots: firmware only when the source chose one, the disk bus for QEMU only. */
static void write_domain_boot(GKeyFile *kf, const char *group, const struct tsr_policy_domain *d)
{
	if (d->firmware_given)
		set_str(kf, group, "firmware", tsr_policy_firmware_name(d->firmware));
	if (d->backend == TSR_POLICY_BACKEND_QEMU)
		set_str(kf, group, "disk-bus", tsr_policy_disk_bus_name(d->disk_bus));
	if (d->video == TSR_POLICY_VIDEO_VIRTIO)
		set_str(kf, group, "video", tsr_policy_video_name(d->video));
	set_str(kf, group, "cdrom", d->cdrom);
	set_str(kf, group, "kernel", d->kernel);
	set_str(kf, group, "initrd", d->initrd);
	set_str(kf, group, "cmdline", d->cmdline);
}

/* The selected domains, their user and group lists cut to what the laptop carries. */
static void write_domains(GKeyFile *kf, const struct selection *s)
{
	for (size_t i = 0; i < s->p->n_domains; i++) {
		const struct tsr_policy_domain *d = &s->p->domains[i];
		if (!has_domain(s, d->name))
			continue;
		char *group = g_strdup_printf("domain %s", d->name);
		set_str(kf, group, "label", d->label);
		set_str(kf, group, "colour", tsr_policy_colour_name(d->colour));
		set_str(kf, group, "backend", tsr_policy_backend_name(d->backend));
		set_u64(kf, group, "memory-mib", d->memory_mib);
		set_u64(kf, group, "vcpus", d->vcpus);
		set_str(kf, group, "template", d->template_name);
		set_str(kf, group, "disk", d->disposable ? "disposable" : "persistent");
		set_str(kf, group, "network", tsr_policy_network_name(d->network));
		set_str(kf, group, "bridge", d->network_bridge);
		set_str(kf, group, "display", tsr_policy_display_name(d->display));
		set_filtered(kf, group, "users", d->users, d->n_users, s, keep_user_name);
		set_filtered(kf, group, "groups", d->groups, d->n_groups, s, has_group);
		set_identity(kf, group, "device-model", &d->device_model);
		set_identity(kf, group, "viewer", &d->viewer);
		write_domain_boot(kf, group, d);
		if (d->console_clipboard)
			set_str(kf, group, "console-clipboard", "true");
		if (d->preload)
			set_str(kf, group, "preload", "true");
		if (d->agent)
			set_str(kf, group, "agent", "true");
		g_free(group);
	}
}

static void write_groups(GKeyFile *kf, const struct selection *s)
{
	for (size_t i = 0; i < s->p->n_groups; i++) {
		const struct tsr_policy_group *gr = &s->p->groups[i];
		if (!has_group(s, gr->name))
			continue;
		char *group = g_strdup_printf("group %s", gr->name);
		set_str(kf, group, "description", gr->description);
		set_filtered(kf, group, "domains", gr->domains, gr->n_domains, s, has_domain);
		/* An empty group still has to exist, since users name it. */
		if (!g_key_file_has_group(kf, group))
			g_key_file_set_value(kf, group, "domains", "");
		g_free(group);
	}
}

static void write_users(GKeyFile *kf, const struct selection *s)
{
	for (size_t i = 0; i < s->p->n_users; i++) {
		const struct tsr_policy_user *u = &s->p->users[i];
		if (!has_user(s, u))
			continue;
		char *group = g_strdup_printf("user %s", u->name);
		set_str(kf, group, "full-name", u->full_name);
		set_str(kf, group, "password", u->password_hash);
		set_filtered(kf, group, "groups", u->groups, u->n_groups, s, has_group);
		set_filtered(kf, group, "domains", u->domains, u->n_domains, s, has_domain);
		if (u->console)
			set_str(kf, group, "console", "true");
		g_free(group);
	}
}

/* A device rule's match fields, in hex; -1 (any) writes nothing. */
static void set_hex(GKeyFile *kf, const char *group, const char *key, int v, int digits)
{
	char buf[16];

	if (v < 0)
		return;
	g_snprintf(buf, sizeof buf, "0x%0*x", digits, (unsigned)v);
	set_str(kf, group, key, buf);
}

/* Every device rule, in order: the order decides which rule matches first. */
static void write_rules(GKeyFile *kf, const struct selection *s)
{
	for (size_t i = 0; i < s->p->n_rules; i++) {
		const struct tsr_policy_device_rule *r = &s->p->rules[i];
		char *group = g_strdup_printf("rule %s", r->name);
		set_hex(kf, group, "class", r->interface_class, 2);
		set_hex(kf, group, "vendor", r->vendor, 4);
		set_hex(kf, group, "product", r->product, 4);
		set_str(kf, group, "serial", r->serial);
		/* A rule attaching to a domain this laptop does not carry becomes deny, not
		 * nothing: dropping it would let a later, broader rule match the device. */
		if (r->action == TSR_POLICY_DEVICE_ATTACH && !has_domain(s, r->domain)) {
			set_str(kf, group, "action", "deny");
		} else {
			set_str(kf, group, "action", tsr_policy_device_action_name(r->action));
			set_str(kf, group, "domain", r->domain);
			if (r->on_lock != TSR_POLICY_ON_LOCK_DEFAULT)
				set_str(kf, group, "on-lock", tsr_policy_on_lock_words[r->on_lock]);
		}
		g_free(group);
	}
}

static bool selection_has_domain(const void *ctx, const char *name)
{
	return has_domain(ctx, name);
}

char *tsr_policy_canonical(const struct tsr_policy *p, const char *laptop_group, size_t *len,
                           GError **error)
{
	struct selection s = {p, NULL};
	if (laptop_group) {
		s.lg = tsr_policy_find_laptop_group(p, laptop_group);
		if (!s.lg) {
			g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_REFERENCE,
			            "no laptop group named '%s' in policy.conf", laptop_group);
			return NULL;
		}
	}
	GKeyFile *kf = g_key_file_new();
	/* The order of the groups is part of the canonical form: never reorder these. */
	write_policy(kf, p, laptop_group);
	write_kiosk(kf, &p->kiosk);
	write_templates(kf, &s);
	write_domains(kf, &s);
	write_groups(kf, &s);
	write_users(kf, &s);
	write_rules(kf, &s);
	tsr_policy_clipboard_write(kf, p, selection_has_domain, &s);
	tsr_policy_power_write(kf, &p->power);
	tsr_policy_outputs_write(kf, &p->outputs);
	gsize n = 0;
	char *text = g_key_file_to_data(kf, &n, NULL);
	g_key_file_free(kf);
	if (len)
		*len = n;
	return text;
}
