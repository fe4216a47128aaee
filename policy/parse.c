/* policy/parse.c: from key files to struct tsr_policy, for sources and bundles alike.
 *
 * One set of group parsers serves both the source directory and a bundle's canonical
 * content, so what a laptop accepts is exactly what the admin's build accepted. Every check
 * names file, line, group and key; unknown groups and keys are refused, since a typo that is
 * silently ignored is a policy the admin did not mean. */
#include "policy/policy.h"
#include "policy/policy-internal.h"
#include "policy/source.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(tsr-policy-error-quark, tsr_policy_error)

/* Limits for values that would make no sense on a laptop. */
#define MEMORY_MIN_MIB 16u
#define MEMORY_MAX_MIB (1024u * 1024u) /* 1 TiB */
#define VCPUS_MAX 256u
#define LIST_MAX 4096

bool tsr_policy_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TSR_POLICY_NAME_MAX)
		return false;
	if (!g_ascii_isalnum(s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

#define FAIL(code, ...) tsr_policy_source_fail(src, error, (code), group, __VA_ARGS__)

static bool check_keys(const struct tsr_policy_source *src, const char *group,
                       const char *const *allowed, GError **error)
{
	gsize n = 0;
	char **keys = g_key_file_get_keys(src->kf, group, &n, NULL);
	bool ok = true;
	for (gsize i = 0; keys && i < n && ok; i++) {
		bool known = false;
		for (size_t j = 0; allowed[j]; j++)
			if (strcmp(keys[i], allowed[j]) == 0)
				known = true;
		if (!known) {
			GString *list = g_string_new(NULL);
			for (size_t j = 0; allowed[j]; j++)
				g_string_append_printf(list, "%s%s", j ? ", " : "", allowed[j]);
			ok = FAIL(TSR_POLICY_ERROR_UNKNOWN, keys[i],
			          "unknown key; this group takes: %s (see doc/policy.md)", list->str);
			g_string_free(list, TRUE);
		}
	}
	g_strfreev(keys);
	return ok;
}

static bool has(const struct tsr_policy_source *src, const char *group, const char *key)
{
	return g_key_file_has_key(src->kf, group, key, NULL);
}

/* A string value. required: missing is an error; otherwise *out stays NULL. */
static bool get_str(const struct tsr_policy_source *src, const char *group, const char *key,
                    bool required, char **out, GError **error)
{
	if (!has(src, group, key)) {
		if (required)
			return FAIL(TSR_POLICY_ERROR_MISSING, NULL, "missing required key '%s'", key);
		return true;
	}
	GError *kerr = NULL;
	char *v = g_key_file_get_string(src->kf, group, key, &kerr);
	if (!v) {
		bool r = FAIL(TSR_POLICY_ERROR_VALUE, key, "%s", kerr->message);
		g_error_free(kerr);
		return r;
	}
	if (v[0] == '\0') {
		g_free(v);
		return FAIL(TSR_POLICY_ERROR_VALUE, key, "empty value; give a value or remove the key");
	}
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20) {
			g_free(v);
			return FAIL(TSR_POLICY_ERROR_VALUE, key, "control characters are not allowed");
		}
	*out = v;
	return true;
}

static bool get_name(const struct tsr_policy_source *src, const char *group, const char *key,
                     bool required, char **out, GError **error)
{
	char *v = NULL;
	if (!get_str(src, group, key, required, &v, error))
		return false;
	if (v && !tsr_policy_name_ok(v)) {
		bool r = FAIL(TSR_POLICY_ERROR_VALUE, key,
		              "'%s' is not a valid name: use 1-%d letters, digits, '.', '_' or '-', "
		              "starting with a letter or digit (no '/' or spaces)",
		              v, TSR_POLICY_NAME_MAX);
		g_free(v);
		return r;
	}
	*out = v;
	return true;
}

static bool get_u64(const struct tsr_policy_source *src, const char *group, const char *key,
                    bool required, uint64_t min, uint64_t max, uint64_t *out, GError **error)
{
	char *v = NULL;
	if (!get_str(src, group, key, required, &v, error))
		return false;
	if (!v)
		return true;
	char *end = NULL;
	errno = 0;
	unsigned long long x = g_ascii_strtoull(v, &end, 10);
	bool ok = g_ascii_isdigit(v[0]) && end && *end == '\0' && errno == 0 && x >= min && x <= max;
	if (!ok) {
		bool r = FAIL(TSR_POLICY_ERROR_VALUE, key,
		              "'%s' is not a whole number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT,
		              v, min, max);
		g_free(v);
		return r;
	}
	g_free(v);
	*out = x;
	return true;
}

static bool get_u32(const struct tsr_policy_source *src, const char *group, const char *key,
                    bool required, uint32_t min, uint32_t max, uint32_t *out, GError **error)
{
	uint64_t x = *out;
	if (!get_u64(src, group, key, required, min, max, &x, error))
		return false;
	*out = (uint32_t)x;
	return true;
}

static bool get_bool(const struct tsr_policy_source *src, const char *group, const char *key,
                     bool *out, GError **error)
{
	char *v = NULL;
	if (!get_str(src, group, key, false, &v, error))
		return false;
	if (!v)
		return true;
	bool ok = true;
	if (strcmp(v, "true") == 0)
		*out = true;
	else if (strcmp(v, "false") == 0)
		*out = false;
	else
		ok = FAIL(TSR_POLICY_ERROR_VALUE, key, "'%s' is not true or false", v);
	g_free(v);
	return ok;
}

/* One of a fixed set of words; *out is the index in words. */
static bool get_enum(const struct tsr_policy_source *src, const char *group, const char *key,
                     bool required, const char *const *words, int *out, GError **error)
{
	char *v = NULL;
	if (!get_str(src, group, key, required, &v, error))
		return false;
	if (!v)
		return true;
	for (int i = 0; words[i]; i++)
		if (strcmp(v, words[i]) == 0) {
			*out = i;
			g_free(v);
			return true;
		}
	GString *list = g_string_new(NULL);
	for (int i = 0; words[i]; i++)
		g_string_append_printf(list, "%s%s", i ? ", " : "", words[i]);
	bool r = FAIL(TSR_POLICY_ERROR_VALUE, key, "'%s' is not one of: %s", v, list->str);
	g_string_free(list, TRUE);
	g_free(v);
	return r;
}

/* A ';'-separated list of names, no duplicates. */
static bool get_names(const struct tsr_policy_source *src, const char *group, const char *key,
                      char ***out, size_t *n_out, GError **error)
{
	*out = NULL;
	*n_out = 0;
	if (!has(src, group, key))
		return true;
	gsize n = 0;
	GError *kerr = NULL;
	char **v = g_key_file_get_string_list(src->kf, group, key, &n, &kerr);
	if (!v) {
		bool r = FAIL(TSR_POLICY_ERROR_VALUE, key, "%s", kerr->message);
		g_error_free(kerr);
		return r;
	}
	if (n > LIST_MAX) {
		g_strfreev(v);
		return FAIL(TSR_POLICY_ERROR_VALUE, key, "more than %d entries", LIST_MAX);
	}
	for (gsize i = 0; i < n; i++) {
		g_strstrip(v[i]);
		if (!tsr_policy_name_ok(v[i])) {
			bool r = FAIL(TSR_POLICY_ERROR_VALUE, key,
			              "'%s' is not a valid name: use letters, digits, '.', '_' or '-' "
			              "(no '/' or spaces); separate entries with ';'", v[i]);
			g_strfreev(v);
			return r;
		}
		for (gsize j = 0; j < i; j++)
			if (strcmp(v[i], v[j]) == 0) {
				bool r = FAIL(TSR_POLICY_ERROR_DUPLICATE, key, "'%s' is listed twice", v[i]);
				g_strfreev(v);
				return r;
			}
	}
	*out = v;
	*n_out = n;
	return true;
}

/* The name after the group kind: "domain work" -> "work". */
static bool group_name(const struct tsr_policy_source *src, const char *group, const char *kind,
                       char **out, GError **error)
{
	const char *name = group + strlen(kind) + 1;
	if (!tsr_policy_name_ok(name))
		return FAIL(TSR_POLICY_ERROR_VALUE, NULL,
		            "'%s' is not a valid %s name: use 1-%d letters, digits, '.', '_' or '-', "
		            "starting with a letter or digit (no '/' or spaces)",
		            name, kind, TSR_POLICY_NAME_MAX);
	*out = g_strdup(name);
	return true;
}

bool tsr_policy_check_keys(const struct tsr_policy_source *src, const char *group,
                           const char *const *allowed, GError **error)
{
	return check_keys(src, group, allowed, error);
}

bool tsr_policy_get_str(const struct tsr_policy_source *src, const char *group, const char *key,
                        bool required, char **out, GError **error)
{
	return get_str(src, group, key, required, out, error);
}

bool tsr_policy_get_u32(const struct tsr_policy_source *src, const char *group, const char *key,
                        bool required, uint32_t min, uint32_t max, uint32_t *out,
                        GError **error)
{
	return get_u32(src, group, key, required, min, max, out, error);
}

bool tsr_policy_get_enum(const struct tsr_policy_source *src, const char *group, const char *key,
                         bool required, const char *const *words, int *out, GError **error)
{
	return get_enum(src, group, key, required, words, out, error);
}

bool tsr_policy_group_name(const struct tsr_policy_source *src, const char *group,
                           const char *kind, char **out, GError **error)
{
	return group_name(src, group, kind, out, error);
}

/* ---- the groups ---------------------------------------------------------------------- */

const char *const tsr_policy_colour_words[] = {"red", "orange", "yellow", "green", "blue",
                                               "purple", "gray", "black", NULL};
const char *const tsr_policy_backend_words[] = {"qemu", "xen", "sim", NULL};
const char *const tsr_policy_network_words[] = {"none", "isolated", "user", "bridge", NULL};
const char *const tsr_policy_display_words[] = {"spice", "none", NULL};
const char *const tsr_policy_firmware_words[] = {"bios", "uefi", NULL};
const char *const tsr_policy_disk_bus_words[] = {"virtio", "sata", NULL};
const char *const tsr_policy_video_words[] = {"std", "virtio", NULL};
const char *const tsr_policy_action_words[] = {"attach", "focused", "deny", NULL};
/* Indexed by enum tsr_policy_on_lock. */
const char *const tsr_policy_on_lock_words[] = {"default", "detach", "keep", NULL};
const char *const tsr_policy_console_words[] = {"none", "view", "operate", "full", NULL};
static const char *const disk_words[] = {"persistent", "disposable", NULL};
static const char *const format_words[] = {"qcow2", "raw", NULL};

static bool parse_identity(const struct tsr_policy_source *src, const char *group,
                           const char *prefix, struct tsr_policy_identity *id, GError **error)
{
	char *kuser = g_strdup_printf("%s-user", prefix);
	char *kuid = g_strdup_printf("%s-uid", prefix);
	char *kgid = g_strdup_printf("%s-gid", prefix);
	bool ok = false;
	uint64_t uid = 0, gid = 0;
	id->uid = id->gid = -1;
	if (!get_name(src, group, kuser, false, &id->user, error))
		goto out;
	if (id->user && (has(src, group, kuid) || has(src, group, kgid))) {
		FAIL(TSR_POLICY_ERROR_VALUE, kuid, "give either %s or %s and %s, not both", kuser,
		     kuid, kgid);
		goto out;
	}
	if (has(src, group, kuid) != has(src, group, kgid)) {
		FAIL(TSR_POLICY_ERROR_MISSING, has(src, group, kuid) ? kuid : kgid,
		     "%s and %s go together; give both", kuid, kgid);
		goto out;
	}
	/* Never root: the point of these identities is to be nobody in particular. */
	if (!get_u64(src, group, kuid, false, 1, 0xfffffffeu, &uid, error) ||
	    !get_u64(src, group, kgid, false, 1, 0xfffffffeu, &gid, error))
		goto out;
	if (has(src, group, kuid)) {
		id->uid = (int64_t)uid;
		id->gid = (int64_t)gid;
	}
	if (id->user && strcmp(id->user, "root") == 0) {
		FAIL(TSR_POLICY_ERROR_VALUE, kuser, "must not be root; use a dedicated user");
		goto out;
	}
	ok = true;
out:
	g_free(kuser);
	g_free(kuid);
	g_free(kgid);
	return ok;
}

#define CMDLINE_MAX 1024

/* The boot keys, and the combinations no backend can run: refused here, at build, with the
 * line, rather than when a user picks the domain. */
static bool parse_domain_boot(const struct tsr_policy_source *src, const char *group,
                              struct tsr_policy_domain *d, GError **error)
{
	static const char *const vm_keys[] = {"firmware", "disk-bus", "video", "cdrom", "kernel",
	                                      "initrd", "cmdline", NULL};
	int firmware = 0, bus = 0, video = 0;
	if (!get_enum(src, group, "firmware", false, tsr_policy_firmware_words, &firmware, error) ||
	    !get_enum(src, group, "disk-bus", false, tsr_policy_disk_bus_words, &bus, error) ||
	    !get_enum(src, group, "video", false, tsr_policy_video_words, &video, error) ||
	    !get_name(src, group, "cdrom", false, &d->cdrom, error) ||
	    !get_name(src, group, "kernel", false, &d->kernel, error) ||
	    !get_name(src, group, "initrd", false, &d->initrd, error) ||
	    !get_str(src, group, "cmdline", false, &d->cmdline, error))
		return false;
	d->firmware = (enum tsr_policy_firmware)firmware;
	d->firmware_given = has(src, group, "firmware");
	d->disk_bus = (enum tsr_policy_disk_bus)bus;
	d->video = (enum tsr_policy_video)video;
	if (d->backend == TSR_POLICY_BACKEND_SIM)
		for (size_t i = 0; vm_keys[i]; i++)
			if (has(src, group, vm_keys[i]))
				return FAIL(TSR_POLICY_ERROR_VALUE, vm_keys[i],
				            "backend sim runs no virtual machine, so it boots "
				            "nothing; remove the key or use backend qemu or xen");
	if (d->backend == TSR_POLICY_BACKEND_XEN && d->firmware == TSR_POLICY_FIRMWARE_UEFI)
		return FAIL(TSR_POLICY_ERROR_VALUE, "firmware",
		            "uefi is not supported on xen: libxl loads one shared OVMF.fd, not shown "
		            "to boot Xen HVM guests with Debian 12's packages, and keeps no "
		            "per-domain variable store; use firmware = bios, or backend qemu "
		            "(see doc/templates.md)");
	if (d->backend == TSR_POLICY_BACKEND_XEN && has(src, group, "disk-bus"))
		return FAIL(TSR_POLICY_ERROR_VALUE, "disk-bus",
		            "xen gives every domain its own disk (emulated IDE until the guest's "
		            "PV drivers take over); disk-bus is for backend qemu, remove it");
	if (d->backend == TSR_POLICY_BACKEND_XEN && d->video == TSR_POLICY_VIDEO_VIRTIO)
		return FAIL(TSR_POLICY_ERROR_VALUE, "video",
		            "virtio is for backend qemu: xl gives a Xen domain the standard VGA "
		            "(doc/templates.md, \"Dynamic resolution\")");
	if (d->cdrom && !d->template_name)
		return FAIL(TSR_POLICY_ERROR_MISSING, "cdrom",
		            "install media need a disk to install onto: add 'template = NAME' "
		            "(an empty disk template)");
	if (d->kernel && d->firmware == TSR_POLICY_FIRMWARE_UEFI)
		return FAIL(TSR_POLICY_ERROR_VALUE, "kernel",
		            "direct kernel boot goes through SeaBIOS; remove 'firmware = uefi' or "
		            "boot the disk without kernel");
	if (d->kernel && d->cdrom)
		return FAIL(TSR_POLICY_ERROR_VALUE, "cdrom",
		            "a domain booting a kernel directly never boots its install media; "
		            "remove kernel or cdrom");
	if (!d->kernel && (d->initrd || d->cmdline))
		return FAIL(TSR_POLICY_ERROR_MISSING, d->initrd ? "initrd" : "cmdline",
		            "only meaningful with direct kernel boot: add 'kernel = TEMPLATE'");
	if (d->cmdline) {
		if (strlen(d->cmdline) > CMDLINE_MAX)
			return FAIL(TSR_POLICY_ERROR_VALUE, "cmdline", "longer than %d bytes",
			            CMDLINE_MAX);
		if (strpbrk(d->cmdline, "\"'\\"))
			return FAIL(TSR_POLICY_ERROR_VALUE, "cmdline",
			            "quotes and backslashes are not allowed in a kernel command "
			            "line here");
	}
	return true;
}

static bool parse_domain(const struct tsr_policy_source *src, const char *group,
                         struct tsr_policy_domain *d, GError **error)
{
	static const char *const keys[] = {
		"label", "colour", "backend", "memory-mib", "vcpus", "template", "disk", "network",
		"bridge", "display", "users", "groups", "device-model-user", "device-model-uid",
		"device-model-gid", "viewer-user", "viewer-uid", "viewer-gid", "firmware",
		"disk-bus", "video", "cdrom", "kernel", "initrd", "cmdline", "console-clipboard",
		"preload", "agent", NULL};
	int colour = 0, backend = 0, network = 0, display = 0, disk = 0;
	d->vcpus = 1;
	if (!group_name(src, group, "domain", &d->name, error) ||
	    !check_keys(src, group, keys, error) ||
	    !get_str(src, group, "label", false, &d->label, error) ||
	    !get_enum(src, group, "colour", true, tsr_policy_colour_words, &colour, error) ||
	    !get_enum(src, group, "backend", true, tsr_policy_backend_words, &backend, error) ||
	    !get_u32(src, group, "memory-mib", true, MEMORY_MIN_MIB, MEMORY_MAX_MIB, &d->memory_mib,
	             error) ||
	    !get_u32(src, group, "vcpus", false, 1, VCPUS_MAX, &d->vcpus, error) ||
	    !get_name(src, group, "template", false, &d->template_name, error) ||
	    !get_enum(src, group, "disk", false, disk_words, &disk, error) ||
	    !get_enum(src, group, "network", false, tsr_policy_network_words, &network, error) ||
	    !get_name(src, group, "bridge", false, &d->network_bridge, error) ||
	    !get_enum(src, group, "display", false, tsr_policy_display_words, &display, error) ||
	    !get_names(src, group, "users", &d->users, &d->n_users, error) ||
	    !get_names(src, group, "groups", &d->groups, &d->n_groups, error) ||
	    !parse_identity(src, group, "device-model", &d->device_model, error) ||
	    !parse_identity(src, group, "viewer", &d->viewer, error) ||
	    !get_bool(src, group, "console-clipboard", &d->console_clipboard, error) ||
	    !get_bool(src, group, "preload", &d->preload, error) ||
	    !get_bool(src, group, "agent", &d->agent, error))
		return false;
	d->colour = (enum tsr_policy_colour)colour;
	d->backend = (enum tsr_policy_backend)backend;
	d->network = (enum tsr_policy_network)network;
	d->display = (enum tsr_policy_display)display;
	d->disposable = disk == 1;
	if (!d->label)
		d->label = g_strdup(d->name);
	if (g_utf8_strlen(d->label, -1) > TSR_POLICY_NAME_MAX)
		return FAIL(TSR_POLICY_ERROR_VALUE, "label", "longer than %d characters",
		            TSR_POLICY_NAME_MAX);
	if (d->network == TSR_POLICY_NETWORK_BRIDGE && !d->network_bridge)
		return FAIL(TSR_POLICY_ERROR_MISSING, "network",
		            "network = bridge needs 'bridge = NAME' (the dom0 bridge)");
	if (d->network != TSR_POLICY_NETWORK_BRIDGE && d->network_bridge)
		return FAIL(TSR_POLICY_ERROR_VALUE, "bridge", "only meaningful with network = bridge");
	if (d->preload && d->display == TSR_POLICY_DISPLAY_NONE)
		return FAIL(TSR_POLICY_ERROR_VALUE, "preload",
		            "a preloaded domain runs until its first frame, and display = none has "
		            "none");
	if (!parse_domain_boot(src, group, d, error))
		return false;
	if (d->backend != TSR_POLICY_BACKEND_SIM && !d->template_name)
		return FAIL(TSR_POLICY_ERROR_MISSING, NULL,
		            "backend %s needs 'template = NAME' (a disk template in templates.conf)",
		            tsr_policy_backend_words[backend]);
	return true;
}

static bool parse_template(const struct tsr_policy_source *src, const char *group,
                           struct tsr_policy_template *t, GError **error)
{
	static const char *const keys[] = {"file", "format", "sha256", "size", NULL};
	int format = 0;
	char *hex = NULL;
	if (!group_name(src, group, "template", &t->name, error) ||
	    !check_keys(src, group, keys, error) ||
	    !get_name(src, group, "file", false, &t->file, error) ||
	    !get_enum(src, group, "format", false, format_words, &format, error) ||
	    !get_str(src, group, "sha256", true, &hex, error) ||
	    !get_u64(src, group, "size", true, 1, UINT64_C(1) << 42, &t->size, error)) {
		g_free(hex);
		return false;
	}
	t->format = g_strdup(format_words[format]);
	if (!t->file)
		t->file = g_strdup_printf("%s.%s", t->name, t->format);
	bool ok = strlen(hex) == 64;
	for (size_t i = 0; ok && i < 32; i++) {
		int hi = g_ascii_xdigit_value(hex[2 * i]), lo = g_ascii_xdigit_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0 || g_ascii_isupper(hex[2 * i]) || g_ascii_isupper(hex[2 * i + 1]))
			ok = false;
		else
			t->sha256[i] = (uint8_t)(hi << 4 | lo);
	}
	g_free(hex);
	if (!ok)
		return FAIL(TSR_POLICY_ERROR_VALUE, "sha256",
		            "not 64 lower-case hex digits; use the output of sha256sum");
	return true;
}

static bool parse_user(const struct tsr_policy_source *src, const char *group,
                       struct tsr_policy_user *u, GError **error)
{
	static const char *const keys[] = {"full-name", "password", "groups", "domains", "console",
	                                   NULL};
	if (!group_name(src, group, "user", &u->name, error) ||
	    !check_keys(src, group, keys, error) ||
	    !get_str(src, group, "full-name", false, &u->full_name, error) ||
	    !get_str(src, group, "password", true, &u->password_hash, error) ||
	    !get_names(src, group, "groups", &u->groups, &u->n_groups, error) ||
	    !get_names(src, group, "domains", &u->domains, &u->n_domains, error) ||
	    !get_bool(src, group, "console", &u->console, error))
		return false;
	if (!g_str_has_prefix(u->password_hash, "$argon2id$") ||
	    strlen(u->password_hash) > 256)
		return FAIL(TSR_POLICY_ERROR_VALUE, "password",
		            "not an argon2id hash; make one with 'tessera-provision passwd'");
	return true;
}

static bool parse_group(const struct tsr_policy_source *src, const char *group,
                        struct tsr_policy_group *g, GError **error)
{
	static const char *const keys[] = {"description", "domains", NULL};
	return group_name(src, group, "group", &g->name, error) &&
	       check_keys(src, group, keys, error) &&
	       get_str(src, group, "description", false, &g->description, error) &&
	       get_names(src, group, "domains", &g->domains, &g->n_domains, error);
}

static bool get_hex(const struct tsr_policy_source *src, const char *group, const char *key,
                    int max, int *out, GError **error)
{
	char *v = NULL;
	*out = -1;
	if (!get_str(src, group, key, false, &v, error))
		return false;
	if (!v)
		return true;
	const char *p = v;
	if (g_str_has_prefix(p, "0x"))
		p += 2;
	char *end = NULL;
	unsigned long x = strtoul(p, &end, 16);
	bool ok = *p && g_ascii_isxdigit(*p) && end && *end == '\0' && strlen(p) <= 4 &&
	          x <= (unsigned long)max;
	if (!ok) {
		bool r = FAIL(TSR_POLICY_ERROR_VALUE, key, "'%s' is not a hex number up to 0x%x", v, max);
		g_free(v);
		return r;
	}
	g_free(v);
	*out = (int)x;
	return true;
}

static bool parse_rule(const struct tsr_policy_source *src, const char *group,
                       struct tsr_policy_device_rule *r, GError **error)
{
	static const char *const keys[] = {"class", "vendor", "product", "serial", "action",
	                                   "domain", "on-lock", NULL};
	int action = 0, on_lock = TSR_POLICY_ON_LOCK_DEFAULT;
	if (!group_name(src, group, "rule", &r->name, error) ||
	    !check_keys(src, group, keys, error) ||
	    !get_hex(src, group, "class", 0xff, &r->interface_class, error) ||
	    !get_hex(src, group, "vendor", 0xffff, &r->vendor, error) ||
	    !get_hex(src, group, "product", 0xffff, &r->product, error) ||
	    !get_str(src, group, "serial", false, &r->serial, error) ||
	    !get_enum(src, group, "action", true, tsr_policy_action_words, &action, error) ||
	    !get_name(src, group, "domain", false, &r->domain, error) ||
	    !get_enum(src, group, "on-lock", false, tsr_policy_on_lock_words, &on_lock, error))
		return false;
	r->action = (enum tsr_policy_device_action)action;
	r->on_lock = (enum tsr_policy_on_lock)on_lock;
	if (r->action == TSR_POLICY_DEVICE_DENY && r->on_lock != TSR_POLICY_ON_LOCK_DEFAULT)
		return FAIL(TSR_POLICY_ERROR_VALUE, "on-lock", "a denied device is never attached");
	if (r->action == TSR_POLICY_DEVICE_ATTACH && !r->domain)
		return FAIL(TSR_POLICY_ERROR_MISSING, "action", "action = attach needs 'domain = NAME'");
	if (r->action != TSR_POLICY_DEVICE_ATTACH && r->domain)
		return FAIL(TSR_POLICY_ERROR_VALUE, "domain", "only meaningful with action = attach");
	if (r->product >= 0 && r->vendor < 0)
		return FAIL(TSR_POLICY_ERROR_MISSING, "product", "a product id needs a vendor id");
	return true;
}

static bool parse_laptop_group(const struct tsr_policy_source *src, const char *group,
                               struct tsr_policy_laptop_group *l, GError **error)
{
	static const char *const keys[] = {"domains", "users", "groups", NULL};
	if (!group_name(src, group, "laptop-group", &l->name, error) ||
	    !check_keys(src, group, keys, error) ||
	    !get_names(src, group, "domains", &l->domains, &l->n_domains, error) ||
	    !get_names(src, group, "users", &l->users, &l->n_users, error) ||
	    !get_names(src, group, "groups", &l->groups, &l->n_groups, error))
		return false;
	if (l->n_domains == 0)
		return FAIL(TSR_POLICY_ERROR_MISSING, NULL, "missing required key 'domains'");
	return true;
}

/* [policy]: organization and provisioning limits. In a bundle it also names the group. */
static bool parse_policy_group(const struct tsr_policy_source *src, const char *group,
                               bool bundle, struct tsr_policy *p, GError **error)
{
	static const char *const src_keys[] = {"organization", "lease-grace-days",
	                                       "max-serial-jump", NULL};
	static const char *const bundle_keys[] = {"organization", "laptop-group",
	                                          "lease-grace-days", "max-serial-jump", NULL};
	g_free(p->organization);
	p->organization = NULL;
	if (!check_keys(src, group, bundle ? bundle_keys : src_keys, error) ||
	    !get_name(src, group, "organization", true, &p->organization, error) ||
	    (bundle && !get_name(src, group, "laptop-group", true, &p->laptop_group, error)) ||
	    !get_u32(src, group, "lease-grace-days", false, 0, 3650, &p->lease_grace_days, error) ||
	    !get_u32(src, group, "max-serial-jump", false, 1, 1000000, &p->max_serial_jump, error))
		return false;
	return true;
}

static bool parse_lockout(const struct tsr_policy_source *src, const char *group,
                          struct tsr_policy *p, GError **error)
{
	static const char *const keys[] = {"attempts", "lock-seconds", "delay-ms", NULL};
	return check_keys(src, group, keys, error) &&
	       get_u32(src, group, "attempts", false, 1, 1000, &p->lockout.attempts, error) &&
	       get_u32(src, group, "lock-seconds", false, 1, 86400 * 7, &p->lockout.lock_seconds,
	               error) &&
	       get_u32(src, group, "delay-ms", false, 0, 60000, &p->lockout.delay_ms, error);
}

/* A hotkey combination: modifiers then one key, joined with '+', xkb keysym-like names. */
static bool keys_ok(const char *s)
{
	char **parts = g_strsplit(s, "+", -1);
	bool ok = parts[0] != NULL && strlen(s) <= 64;
	for (size_t i = 0; ok && parts[i]; i++) {
		if (!parts[i][0])
			ok = false;
		for (const char *c = parts[i]; ok && *c; c++)
			if (!g_ascii_isalnum(*c) && *c != '_')
				ok = false;
	}
	g_strfreev(parts);
	return ok;
}

/* A hotkey the typed parser refused: its message, with file:line, group and key in front. The
 * parser's own "sas: " or "lock: " prefix is dropped, since the key is named already. */
static bool fail_hotkey(const struct tsr_policy_source *src, const char *group, const char *key,
                        GError *e, GError **error)
{
	const char *msg = e->message;
	size_t n = strlen(key);
	if (strncmp(msg, key, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
		msg += n + 2;
	tsr_policy_source_fail(src, error, TSR_POLICY_ERROR_VALUE, group, key, "%s", msg);
	g_error_free(e);
	return false;
}

static bool parse_kiosk(const struct tsr_policy_source *src, const char *group,
                        struct tsr_policy *p, GError **error)
{
	static const char *const keys[] = {"sas", "idle-lock-seconds", "console",
	                                   "locked-requires-sas", "click-to-focus", NULL};
	int console = (int)p->kiosk.console;
	char *sas = NULL;
	if (!check_keys(src, group, keys, error) ||
	    !get_str(src, group, "sas", false, &sas, error) ||
	    !get_u32(src, group, "idle-lock-seconds", false, 0, 86400, &p->kiosk.idle_lock_seconds,
	             error) ||
	    !get_enum(src, group, "console", false, tsr_policy_console_words, &console, error) ||
	    !get_bool(src, group, "locked-requires-sas", &p->kiosk.locked_requires_sas, error) ||
	    !get_bool(src, group, "click-to-focus", &p->kiosk.click_to_focus, error)) {
		g_free(sas);
		return false;
	}
	p->kiosk.console = (enum tsr_policy_console_rights)console;
	if (sas) {
		GError *e = NULL;
		if (!keys_ok(sas) || g_ascii_strcasecmp(sas, "none") == 0) {
			g_free(sas);
			return FAIL(TSR_POLICY_ERROR_VALUE, "sas",
			            "not a key combination like Ctrl+Alt+Backspace (the SAS cannot be none)");
		}
		if (!tsr_policy_hotkeys_set(&p->kiosk.keys, "sas", sas, &e)) {
			g_free(sas);
			return fail_hotkey(src, group, "sas", e, error);
		}
		g_free(p->kiosk.sas);
		p->kiosk.sas = sas;
	}
	return true;
}

static bool parse_keymap(const struct tsr_policy_source *src, const char *group,
                         struct tsr_policy *p, GError **error)
{
	static const char *const keys[] = {"rules", "model", "layout", "variant", "options", NULL};
	struct tsr_policy_keymap *k = &p->kiosk.keymap;
	return check_keys(src, group, keys, error) &&
	       get_str(src, group, "rules", false, &k->rules, error) &&
	       get_str(src, group, "model", false, &k->model, error) &&
	       get_str(src, group, "layout", false, &k->layout, error) &&
	       get_str(src, group, "variant", false, &k->variant, error) &&
	       get_str(src, group, "options", false, &k->options, error);
}

static bool parse_hotkeys(const struct tsr_policy_source *src, const char *group,
                          struct tsr_policy *p, GError **error)
{
	gsize n = 0;
	char **keys = g_key_file_get_keys(src->kf, group, &n, NULL);
	bool ok = true;
	p->kiosk.hotkeys = g_new0(struct tsr_policy_hotkey, n + 1);
	for (gsize i = 0; i < n && ok; i++) {
		char *v = NULL;
		static const char *const actions[] = {"lock", "cycle", "cycle-back", "layout",
		                                      "copy", "paste", "output-left", "output-right",
		                                      "focus-modifiers", NULL};
		if (!g_strv_contains(actions, keys[i])) {
			ok = FAIL(TSR_POLICY_ERROR_UNKNOWN, keys[i],
			          "unknown hotkey; use lock, cycle, cycle-back, layout, copy, paste, "
			          "output-left, output-right or focus-modifiers (the SAS is 'sas' in [kiosk])");
			break;
		}
		if (!get_str(src, group, keys[i], true, &v, error)) {
			ok = false;
			break;
		}
		if (!keys_ok(v)) {
			ok = FAIL(TSR_POLICY_ERROR_VALUE, keys[i],
			          "'%s' is not a key combination like Super+Tab", v);
			g_free(v);
			break;
		}
		for (size_t j = 0; j < p->kiosk.n_hotkeys; j++)
			if (g_ascii_strcasecmp(v, "none") != 0 &&
			    g_ascii_strcasecmp(p->kiosk.hotkeys[j].keys, v) == 0) {
				ok = FAIL(TSR_POLICY_ERROR_DUPLICATE, keys[i],
				          "%s is already bound to %s", v, p->kiosk.hotkeys[j].action);
				break;
			}
		if (!ok) {
			g_free(v);
			break;
		}
		GError *e = NULL;
		if (!tsr_policy_hotkeys_set(&p->kiosk.keys, keys[i], v, &e)) {
			ok = fail_hotkey(src, group, keys[i], e, error);
			g_free(v);
			break;
		}
		struct tsr_policy_hotkey *h = &p->kiosk.hotkeys[p->kiosk.n_hotkeys++];
		h->action = g_strdup(keys[i]);
		h->keys = v;
	}
	g_strfreev(keys);
	return ok;
}

/* ---- whole files --------------------------------------------------------------------- */

enum file_kind { FILE_POLICY, FILE_DOMAINS, FILE_USERS, FILE_GROUPS, FILE_DEVICES,
                 FILE_TEMPLATES, FILE_BUNDLE };

static bool kind_allows(enum file_kind file, const char *what)
{
	if (file == FILE_BUNDLE)
		return strcmp(what, "laptop-group") != 0;
	if (file == FILE_POLICY)
		return strcmp(what, "policy") == 0 || strcmp(what, "lockout") == 0 ||
		       strcmp(what, "kiosk") == 0 || strcmp(what, "keymap") == 0 ||
		       strcmp(what, "hotkeys") == 0 || strcmp(what, "laptop-group") == 0 ||
		       strcmp(what, "clipboard") == 0 || strcmp(what, "clipboard-rule") == 0 ||
		       strcmp(what, "power") == 0 || strcmp(what, "outputs") == 0;
	static const char *const per[] = {NULL, "domain", "user", "group", "rule", "template"};
	return strcmp(what, per[file]) == 0;
}

#define APPEND(arr, n) (arr = g_renew(typeof(*arr), arr, (n) + 1), \
                        memset(&arr[n], 0, sizeof(*arr)), &arr[(n)++])

static bool parse_file(const struct tsr_policy_source *src, enum file_kind file,
                       struct tsr_policy *p, bool *seen_policy, GError **error)
{
	static const char *const expect[] = {
		"[policy], [lockout], [kiosk], [keymap], [hotkeys], [clipboard], "
		"[clipboard-rule NAME], [power], [outputs] or [laptop-group NAME]",
		"[domain NAME]", "[user NAME]", "[group NAME]", "[rule NAME]", "[template NAME]",
		"a bundle group"};
	gsize n = 0;
	char **groups = g_key_file_get_groups(src->kf, &n);
	bool ok = true;
	for (gsize i = 0; i < n && ok; i++) {
		const char *group = groups[i];
		const char *sp = strchr(group, ' ');
		char *what = g_strndup(group, sp ? (size_t)(sp - group) : strlen(group));
		bool named = strcmp(what, "domain") == 0 || strcmp(what, "user") == 0 ||
		             strcmp(what, "group") == 0 || strcmp(what, "rule") == 0 ||
		             strcmp(what, "template") == 0 || strcmp(what, "laptop-group") == 0 ||
		             strcmp(what, "clipboard-rule") == 0;
		bool known = named || strcmp(what, "policy") == 0 || strcmp(what, "lockout") == 0 ||
		             strcmp(what, "kiosk") == 0 || strcmp(what, "keymap") == 0 ||
		             strcmp(what, "hotkeys") == 0 || strcmp(what, "clipboard") == 0 ||
		             strcmp(what, "power") == 0 || strcmp(what, "outputs") == 0;
		if (!known || !kind_allows(file, what) || (named && !sp) || (!named && sp)) {
			ok = FAIL(TSR_POLICY_ERROR_UNKNOWN, NULL, "unexpected group; this file takes %s",
			          expect[file]);
		} else if (strcmp(what, "domain") == 0) {
			ok = parse_domain(src, group, APPEND(p->domains, p->n_domains), error);
		} else if (strcmp(what, "template") == 0) {
			ok = parse_template(src, group, APPEND(p->templates, p->n_templates), error);
		} else if (strcmp(what, "user") == 0) {
			ok = parse_user(src, group, APPEND(p->users, p->n_users), error);
		} else if (strcmp(what, "group") == 0) {
			ok = parse_group(src, group, APPEND(p->groups, p->n_groups), error);
		} else if (strcmp(what, "rule") == 0) {
			ok = parse_rule(src, group, APPEND(p->rules, p->n_rules), error);
		} else if (strcmp(what, "laptop-group") == 0) {
			ok = parse_laptop_group(src, group,
			                        APPEND(p->laptop_groups, p->n_laptop_groups), error);
		} else if (strcmp(what, "policy") == 0) {
			*seen_policy = true;
			ok = parse_policy_group(src, group, file == FILE_BUNDLE, p, error);
		} else if (strcmp(what, "lockout") == 0) {
			ok = parse_lockout(src, group, p, error);
		} else if (strcmp(what, "kiosk") == 0) {
			ok = parse_kiosk(src, group, p, error);
		} else if (strcmp(what, "keymap") == 0) {
			ok = parse_keymap(src, group, p, error);
		} else if (strcmp(what, "hotkeys") == 0) {
			ok = parse_hotkeys(src, group, p, error);
		} else if (strcmp(what, "clipboard") == 0) {
			ok = tsr_policy_parse_clipboard(src, group, p, error);
		} else if (strcmp(what, "clipboard-rule") == 0) {
			ok = tsr_policy_parse_clipboard_rule(src, group, p, error);
		} else if (strcmp(what, "power") == 0) {
			ok = tsr_policy_parse_power(src, group, p, error);
		} else if (strcmp(what, "outputs") == 0) {
			ok = tsr_policy_parse_outputs(src, group, p, error);
		}
		g_free(what);
	}
	g_strfreev(groups);
	return ok;
}

/* Where each thing was defined, for cross-reference errors. */
struct origin {
	const struct tsr_policy_source *src;
	char *group;
};

static struct tsr_policy *policy_new(void)
{
	struct tsr_policy *p = g_new0(struct tsr_policy, 1);
	p->lease_grace_days = 0;
	p->max_serial_jump = 1000;
	p->lockout.attempts = 5;
	p->lockout.lock_seconds = 300;
	p->lockout.delay_ms = 1000;
	p->kiosk.sas = g_strdup("Ctrl+Alt+Backspace");
	tsr_policy_hotkeys_init_default(&p->kiosk.keys);
	p->kiosk.idle_lock_seconds = 600;
	p->kiosk.console = TSR_POLICY_CONSOLE_NONE;
	p->kiosk.locked_requires_sas = true;
	p->kiosk.click_to_focus = true;
	p->clipboard.max_bytes = TSR_POLICY_CLIPBOARD_MAX_BYTES_DEFAULT;
	tsr_policy_power_init_default(&p->power);
	return p;
}

/* Cross references. origin_of finds the source that defined a group, for the message. */
struct xref_ctx {
	GPtrArray *sources;
};

static const struct tsr_policy_source *source_of(struct xref_ctx *x, const char *group)
{
	for (guint i = 0; i < x->sources->len; i++) {
		const struct tsr_policy_source *s = x->sources->pdata[i];
		if (g_key_file_has_group(s->kf, group))
			return s;
	}
	return x->sources->pdata[0];
}

static bool xref_fail(struct xref_ctx *x, GError **error, int code, const char *kind,
                      const char *name, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static bool xref_fail(struct xref_ctx *x, GError **error, int code, const char *kind,
                      const char *name, const char *key, const char *fmt, ...)
{
	char *group = g_strdup_printf("%s %s", kind, name);
	va_list ap;
	va_start(ap, fmt);
	char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	tsr_policy_source_fail(source_of(x, group), error, code, group, key, "%s", msg);
	g_free(msg);
	g_free(group);
	return false;
}

static bool check_refs(struct xref_ctx *x, const struct tsr_policy *p, const char *kind,
                       const char *name, const char *key, char **list, size_t n,
                       const char *target, GError **error)
{
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		if (strcmp(target, "domain") == 0)
			found = tsr_policy_find_domain(p, list[i]) != NULL;
		else if (strcmp(target, "user") == 0)
			found = tsr_policy_find_user(p, list[i]) != NULL;
		else if (strcmp(target, "group") == 0)
			found = tsr_policy_find_group(p, list[i]) != NULL;
		if (!found)
			return xref_fail(x, error, TSR_POLICY_ERROR_REFERENCE, kind, name, key,
			                 "no %s named '%s'; define [%s %s] or remove it", target, list[i],
			                 target, list[i]);
	}
	return true;
}

static bool check_duplicates(struct xref_ctx *x, const struct tsr_policy *p, GError **error)
{
#define DUPS(arr, n, kind)                                                                   \
	for (size_t i = 0; i < (n); i++)                                                     \
		for (size_t j = 0; j < i; j++)                                               \
			if (strcmp(arr[i].name, arr[j].name) == 0)                           \
				return xref_fail(x, error, TSR_POLICY_ERROR_DUPLICATE, kind, \
				                 arr[i].name, NULL, "defined twice");
	DUPS(p->domains, p->n_domains, "domain")
	DUPS(p->templates, p->n_templates, "template")
	DUPS(p->users, p->n_users, "user")
	DUPS(p->groups, p->n_groups, "group")
	DUPS(p->rules, p->n_rules, "rule")
	DUPS(p->laptop_groups, p->n_laptop_groups, "laptop-group")
#undef DUPS
	return true;
}

/* The uid an identity stands for here: as given, or the user name's through the password
 * database; -1 when the name is unknown on this machine (a build machine without the laptop's
 * users: the broker's spawner checks again on the laptop, against the running device model). */
static int64_t identity_uid(const struct tsr_policy_identity *id)
{
	if (id->user) {
		struct passwd *pw = getpwnam(id->user);
		return pw ? (int64_t)pw->pw_uid : -1;
	}
	return id->uid;
}

/* A viewer sharing a uid with its device model could be ptraced or signalled by it: compared by
 * numeric uid, since two names can share one. */
static bool check_viewer_apart(struct xref_ctx *x, const struct tsr_policy_domain *d,
                               GError **error)
{
	const char *key = d->viewer.user ? "viewer-user" : "viewer-uid";
	int64_t dm = identity_uid(&d->device_model), viewer = identity_uid(&d->viewer);

	if (d->device_model.user && d->viewer.user &&
	    strcmp(d->device_model.user, d->viewer.user) == 0)
		return xref_fail(x, error, TSR_POLICY_ERROR_VALUE, "domain", d->name, key,
		                 "the viewer must not run as the device model's user '%s'",
		                 d->viewer.user);
	if (dm >= 0 && viewer >= 0 && dm == viewer) {
		char *vname = d->viewer.user ? g_strdup_printf("viewer-user '%s'", d->viewer.user)
		                             : g_strdup("viewer-uid");
		char *dname = d->device_model.user
		                      ? g_strdup_printf("device-model-user '%s'", d->device_model.user)
		                      : g_strdup("device-model-uid");
		xref_fail(x, error, TSR_POLICY_ERROR_VALUE, "domain", d->name, key,
		          "the viewer must not run as the device model's uid %lld (%s and %s are "
		          "the same uid); give the viewer its own user",
		          (long long)viewer, vname, dname);
		g_free(vname);
		g_free(dname);
		return false;
	}
	return true;
}

/* The same holds between domains: a device model or viewer that shares a uid with another
 * domain's could ptrace or signal it, so every uid (or user name) stands for one role of one
 * domain. Compared by name where both are names, by uid where both are known here. */
static bool identities_clash(const struct tsr_policy_identity *a,
                             const struct tsr_policy_identity *b)
{
	if (a->user && b->user && strcmp(a->user, b->user) == 0)
		return true;
	int64_t ua = identity_uid(a), ub = identity_uid(b);
	return ua >= 0 && ub >= 0 && ua == ub;
}

static const char *identity_key(const struct tsr_policy_identity *id, bool viewer)
{
	if (viewer)
		return id->user ? "viewer-user" : "viewer-uid";
	return id->user ? "device-model-user" : "device-model-uid";
}

static bool check_domains_apart(struct xref_ctx *x, const struct tsr_policy *p, size_t i,
                                GError **error)
{
	const struct tsr_policy_domain *d = &p->domains[i];
	for (size_t j = 0; j < i; j++) {
		const struct tsr_policy_domain *o = &p->domains[j];
		for (int mine = 0; mine < 2; mine++) {
			const struct tsr_policy_identity *a = mine ? &d->viewer : &d->device_model;
			if (!a->user && a->uid < 0)
				continue;
			for (int theirs = 0; theirs < 2; theirs++) {
				const struct tsr_policy_identity *b =
					theirs ? &o->viewer : &o->device_model;
				if (!b->user && b->uid < 0)
					continue;
				if (identities_clash(a, b))
					return xref_fail(x, error, TSR_POLICY_ERROR_VALUE, "domain",
					                 d->name, identity_key(a, mine),
					                 "the same uid as domain %s's %s; each domain's "
					                 "device model and viewer need uids of their own",
					                 o->name, identity_key(b, theirs));
			}
		}
	}
	return true;
}

static bool cross_check(struct xref_ctx *x, const struct tsr_policy *p, GError **error)
{
	if (!check_duplicates(x, p, error))
		return false;
	for (size_t i = 0; i < p->n_domains; i++) {
		const struct tsr_policy_domain *d = &p->domains[i];
		if (!check_refs(x, p, "domain", d->name, "users", d->users, d->n_users, "user", error) ||
		    !check_refs(x, p, "domain", d->name, "groups", d->groups, d->n_groups, "group",
		                error))
			return false;
		if (d->template_name && !tsr_policy_find_template(p, d->template_name))
			return xref_fail(x, error, TSR_POLICY_ERROR_REFERENCE, "domain", d->name,
			                 "template",
			                 "template '%s' is not pinned in templates.conf; add "
			                 "[template %s] with its sha256 and size",
			                 d->template_name, d->template_name);
		const char *const boot_key[] = {"cdrom", "kernel", "initrd"};
		const char *const boot_ref[] = {d->cdrom, d->kernel, d->initrd};
		for (size_t k = 0; k < G_N_ELEMENTS(boot_ref); k++)
			if (boot_ref[k] && !tsr_policy_find_template(p, boot_ref[k]))
				return xref_fail(x, error, TSR_POLICY_ERROR_REFERENCE, "domain",
				                 d->name, boot_key[k],
				                 "template '%s' is not pinned in templates.conf; "
				                 "add [template %s] with its sha256 and size",
				                 boot_ref[k], boot_ref[k]);
		if (!check_viewer_apart(x, d, error) || !check_domains_apart(x, p, i, error))
			return false;
	}
	for (size_t i = 0; i < p->n_users; i++) {
		const struct tsr_policy_user *u = &p->users[i];
		if (!check_refs(x, p, "user", u->name, "groups", u->groups, u->n_groups, "group",
		                error) ||
		    !check_refs(x, p, "user", u->name, "domains", u->domains, u->n_domains, "domain",
		                error))
			return false;
	}
	for (size_t i = 0; i < p->n_groups; i++)
		if (!check_refs(x, p, "group", p->groups[i].name, "domains", p->groups[i].domains,
		                p->groups[i].n_domains, "domain", error))
			return false;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct tsr_policy_device_rule *r = &p->rules[i];
		if (r->domain && !tsr_policy_find_domain(p, r->domain))
			return xref_fail(x, error, TSR_POLICY_ERROR_REFERENCE, "rule", r->name, "domain",
			                 "no domain named '%s'; define [domain %s] or fix the rule",
			                 r->domain, r->domain);
	}
	const char *unknown = NULL;
	const struct tsr_policy_clipboard_flow *f = tsr_policy_clipboard_unknown_domain(p, &unknown);
	if (f) {
		if (f->name)
			return xref_fail(x, error, TSR_POLICY_ERROR_REFERENCE, "clipboard-rule",
			                 f->name, strcmp(f->from, unknown) == 0 ? "from" : "to",
			                 "no domain named '%s'; define [domain %s] or use '*'",
			                 unknown, unknown);
		return tsr_policy_source_fail(source_of(x, "clipboard"), error,
		                              TSR_POLICY_ERROR_REFERENCE, "clipboard", "allow",
		                              "%s -> %s: no domain named '%s'; define [domain %s] "
		                              "or use '*'", f->from, f->to, unknown, unknown);
	}
	for (size_t i = 0; i < p->n_laptop_groups; i++) {
		const struct tsr_policy_laptop_group *l = &p->laptop_groups[i];
		if (!check_refs(x, p, "laptop-group", l->name, "domains", l->domains, l->n_domains,
		                "domain", error) ||
		    !check_refs(x, p, "laptop-group", l->name, "users", l->users, l->n_users, "user",
		                error) ||
		    !check_refs(x, p, "laptop-group", l->name, "groups", l->groups, l->n_groups,
		                "group", error))
			return false;
	}
	return true;
}

static int compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct tsr_policy *tsr_policy_load_dir(const char *dir, GError **error)
{
	static const struct { const char *name; enum file_kind kind; bool required; } files[] = {
		{"policy.conf", FILE_POLICY, true},     {"users.conf", FILE_USERS, true},
		{"groups.conf", FILE_GROUPS, false},    {"devices.conf", FILE_DEVICES, false},
		{"templates.conf", FILE_TEMPLATES, false},
	};
	struct tsr_policy *p = policy_new();
	GPtrArray *sources = g_ptr_array_new_with_free_func((GDestroyNotify)tsr_policy_source_free);
	struct xref_ctx x = {sources};
	bool seen_policy = false;
	GPtrArray *domain_files = g_ptr_array_new_with_free_func(g_free);

	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		char *path = g_build_filename(dir, files[i].name, NULL);
		bool exists = g_file_test(path, G_FILE_TEST_EXISTS);
		g_free(path);
		if (!exists) {
			if (files[i].required) {
				g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_IO,
				            "%s/%s: missing; a policy source needs policy.conf and users.conf",
				            dir, files[i].name);
				goto fail;
			}
			continue;
		}
		struct tsr_policy_source *src = tsr_policy_source_load(dir, files[i].name, error);
		if (!src)
			goto fail;
		g_ptr_array_add(sources, src);
		if (!parse_file(src, files[i].kind, p, &seen_policy, error))
			goto fail;
	}
	char *ddir = g_build_filename(dir, "domains", NULL);
	GError *derr = NULL;
	GDir *d = g_dir_open(ddir, 0, &derr);
	g_free(ddir);
	if (!d) {
		g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_IO,
		            "domains/: %s; put one NAME.conf per domain there", derr->message);
		g_error_free(derr);
		goto fail;
	}
	for (const char *e; (e = g_dir_read_name(d));)
		if (g_str_has_suffix(e, ".conf"))
			g_ptr_array_add(domain_files, g_strdup_printf("domains/%s", e));
	g_dir_close(d);
	/* readdir order is arbitrary; the canonical bundle must not be. */
	g_ptr_array_sort(domain_files, compare_strings);
	for (guint i = 0; i < domain_files->len; i++) {
		struct tsr_policy_source *src =
			tsr_policy_source_load(dir, domain_files->pdata[i], error);
		if (!src)
			goto fail;
		g_ptr_array_add(sources, src);
		if (!parse_file(src, FILE_DOMAINS, p, &seen_policy, error))
			goto fail;
	}
	if (!seen_policy) {
		g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_MISSING,
		            "policy.conf: missing [policy] with 'organization = NAME'");
		goto fail;
	}
	if (p->n_laptop_groups == 0) {
		g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_MISSING,
		            "policy.conf: no [laptop-group NAME]; every laptop belongs to one");
		goto fail;
	}
	if (!cross_check(&x, p, error))
		goto fail;
	g_ptr_array_free(domain_files, TRUE);
	g_ptr_array_free(sources, TRUE);
	return p;
fail:
	g_ptr_array_free(domain_files, TRUE);
	g_ptr_array_free(sources, TRUE);
	tsr_policy_free(p);
	return NULL;
}

struct tsr_policy *tsr_policy_load_canonical(const char *data, size_t len, GError **error)
{
	struct tsr_policy *p = policy_new();
	GPtrArray *sources = g_ptr_array_new_with_free_func((GDestroyNotify)tsr_policy_source_free);
	struct xref_ctx x = {sources};
	bool seen_policy = false;
	struct tsr_policy_source *src = tsr_policy_source_parse("bundle", data, len, error);
	if (!src)
		goto fail;
	g_ptr_array_add(sources, src);
	if (!parse_file(src, FILE_BUNDLE, p, &seen_policy, error))
		goto fail;
	if (!seen_policy) {
		g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_MISSING,
		            "bundle: missing [policy] group");
		goto fail;
	}
	if (!cross_check(&x, p, error))
		goto fail;
	g_ptr_array_free(sources, TRUE);
	return p;
fail:
	g_ptr_array_free(sources, TRUE);
	tsr_policy_free(p);
	return NULL;
}

/* ---- freeing ------------------------------------------------------------------------- */

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		g_free(list[i]);
	g_free(list);
}

void tsr_policy_free(struct tsr_policy *p)
{
	if (!p)
		return;
	g_free(p->organization);
	g_free(p->laptop_group);
	g_free(p->kiosk.sas);
	for (size_t i = 0; i < p->kiosk.n_hotkeys; i++) {
		g_free(p->kiosk.hotkeys[i].action);
		g_free(p->kiosk.hotkeys[i].keys);
	}
	g_free(p->kiosk.hotkeys);
	g_free(p->kiosk.keymap.rules);
	g_free(p->kiosk.keymap.model);
	g_free(p->kiosk.keymap.layout);
	g_free(p->kiosk.keymap.variant);
	g_free(p->kiosk.keymap.options);
	for (size_t i = 0; i < p->n_domains; i++) {
		struct tsr_policy_domain *d = &p->domains[i];
		g_free(d->name);
		g_free(d->label);
		g_free(d->template_name);
		g_free(d->network_bridge);
		g_free(d->cdrom);
		g_free(d->kernel);
		g_free(d->initrd);
		g_free(d->cmdline);
		free_list(d->users, d->n_users);
		free_list(d->groups, d->n_groups);
		g_free(d->device_model.user);
		g_free(d->viewer.user);
	}
	g_free(p->domains);
	for (size_t i = 0; i < p->n_templates; i++) {
		g_free(p->templates[i].name);
		g_free(p->templates[i].file);
		g_free(p->templates[i].format);
	}
	g_free(p->templates);
	for (size_t i = 0; i < p->n_users; i++) {
		struct tsr_policy_user *u = &p->users[i];
		g_free(u->name);
		g_free(u->full_name);
		g_free(u->password_hash);
		free_list(u->groups, u->n_groups);
		free_list(u->domains, u->n_domains);
	}
	g_free(p->users);
	for (size_t i = 0; i < p->n_groups; i++) {
		g_free(p->groups[i].name);
		g_free(p->groups[i].description);
		free_list(p->groups[i].domains, p->groups[i].n_domains);
	}
	g_free(p->groups);
	for (size_t i = 0; i < p->n_rules; i++) {
		g_free(p->rules[i].name);
		g_free(p->rules[i].serial);
		g_free(p->rules[i].domain);
	}
	g_free(p->rules);
	for (size_t i = 0; i < p->n_laptop_groups; i++) {
		struct tsr_policy_laptop_group *l = &p->laptop_groups[i];
		g_free(l->name);
		free_list(l->domains, l->n_domains);
		free_list(l->users, l->n_users);
		free_list(l->groups, l->n_groups);
	}
	g_free(p->laptop_groups);
	tsr_policy_clipboard_free(&p->clipboard);
	g_free(p);
}
