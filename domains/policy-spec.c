/* domains/policy-spec.c: policy domain → backend spec (see policy-spec.h). */
#include "config.h"

#include "domains/policy-spec.h"

#include <pwd.h>
#include <string.h>

void tsr_domain_spec_storage_clear(struct tsr_domain_spec_storage *st)
{
	g_clear_pointer(&st->template_path, g_free);
	g_clear_pointer(&st->template_sha256, g_free);
	for (size_t i = 0; i < G_N_ELEMENTS(st->boot_paths); i++) {
		g_clear_pointer(&st->boot_paths[i], g_free);
		g_clear_pointer(&st->boot_sha256[i], g_free);
	}
}

static char *hex_of(const uint8_t sha256[32])
{
	GString *hex = g_string_new(NULL);
	for (int i = 0; i < 32; i++)
		g_string_append_printf(hex, "%02x", sha256[i]);
	return g_string_free(hex, FALSE);
}

/* One template named by a domain, as a pinned file under template_dir. */
static bool pin(const struct tsr_policy *policy, const struct tsr_policy_domain *pd,
		const char *what, const char *name, const char *template_dir, char **path,
		char **sha256, uint64_t *size, GError **error)
{
	const struct tsr_policy_template *t = tsr_policy_find_template(policy, name);
	if (!t) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TEMPLATE,
			    "domain %s: %s template '%s' is not pinned in templates.conf", pd->name,
			    what, name);
		return false;
	}
	*sha256 = hex_of(t->sha256);
	*path = g_build_filename(template_dir, t->file, NULL);
	*size = t->size;
	return true;
}

bool tsr_domain_spec_from_policy(const struct tsr_policy *policy,
				 const struct tsr_policy_domain *pd, const char *template_dir,
				 struct tsr_domain_spec *spec, struct tsr_domain_spec_storage *st,
				 GError **error)
{
	memset(spec, 0, sizeof *spec);
	memset(st, 0, sizeof *st);
	spec->name = pd->name;
	spec->memory_mb = pd->memory_mib;
	spec->vcpus = pd->vcpus;
	spec->disposable = pd->disposable;
	spec->agent = pd->agent;
	spec->virtio_video = pd->video == TSR_POLICY_VIDEO_VIRTIO;
	const struct tsr_policy_identity *id = &pd->device_model;
	if (id->user) {
		struct passwd *pw = getpwnam(id->user);
		if (!pw) {
			g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
				    "domain %s: device model user '%s' does not exist on this "
				    "laptop: create it (useradd --system %s)", pd->name, id->user,
				    id->user);
			return false;
		}
		spec->uid = pw->pw_uid;
		spec->gid = pw->pw_gid;
	} else if (id->uid > 0 && id->gid > 0 && id->uid < G_MAXUINT32 && id->gid < G_MAXUINT32) {
		spec->uid = (uid_t)id->uid;
		spec->gid = (gid_t)id->gid;
	}
	if (spec->uid == 0 || spec->gid == 0) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
			    "domain %s: the device model needs its own unprivileged user or "
			    "uid/gid in policy, not root", pd->name);
		return false;
	}
	switch (pd->network) {
	case TSR_POLICY_NETWORK_NONE: spec->network = TSR_NETWORK_NONE; break;
	case TSR_POLICY_NETWORK_USER: spec->network = TSR_NETWORK_USER; break;
	case TSR_POLICY_NETWORK_ISOLATED: spec->network = TSR_NETWORK_ISOLATED; break;
	default:
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_UNSUPPORTED,
			    "domain %s: bridged networking is not supported by the backends yet; "
			    "use network=isolated or user", pd->name);
		return false;
	}
	spec->cmdline = pd->cmdline;
	spec->firmware = pd->firmware == TSR_POLICY_FIRMWARE_UEFI ? TSR_FIRMWARE_UEFI
								  : TSR_FIRMWARE_BIOS;
	spec->disk_bus = pd->disk_bus == TSR_POLICY_DISK_BUS_SATA ? TSR_DISK_BUS_SATA
								  : TSR_DISK_BUS_VIRTIO;
	spec->boot_given = pd->firmware_given || pd->kernel;
	if (pd->template_name) {
		if (!pin(policy, pd, "disk", pd->template_name, template_dir, &st->template_path,
			 &st->template_sha256, &spec->template_size, error))
			return false;
		spec->template_path = st->template_path;
		spec->template_sha256 = st->template_sha256;
	}
	const char *const names[3] = { pd->cdrom, pd->kernel, pd->initrd };
	static const char *const what[3] = { "cdrom", "kernel", "initrd" };
	struct tsr_pinned_file *files[3] = { &spec->cdrom, &spec->kernel, &spec->initrd };
	for (size_t i = 0; i < 3; i++) {
		if (!names[i])
			continue;
		if (!pin(policy, pd, what[i], names[i], template_dir, &st->boot_paths[i],
			 &st->boot_sha256[i], &files[i]->size, error))
			return false;
		files[i]->path = st->boot_paths[i];
		files[i]->sha256 = st->boot_sha256[i];
	}
	return true;
}
