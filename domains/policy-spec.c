/* domains/policy-spec.c: policy domain → backend spec (see policy-spec.h). */
#include "config.h"

#include "domains/policy-spec.h"

#include <pwd.h>
#include <string.h>

void tsr_domain_spec_storage_clear(struct tsr_domain_spec_storage *st)
{
	g_clear_pointer(&st->template_path, g_free);
	g_clear_pointer(&st->template_sha256, g_free);
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
	if (pd->template_name) {
		const struct tsr_policy_template *t =
			tsr_policy_find_template(policy, pd->template_name);
		if (!t) {
			g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TEMPLATE,
				    "domain %s: template '%s' is not pinned in templates.conf",
				    pd->name, pd->template_name);
			return false;
		}
		GString *hex = g_string_new(NULL);
		for (int i = 0; i < 32; i++)
			g_string_append_printf(hex, "%02x", t->sha256[i]);
		st->template_sha256 = g_string_free(hex, FALSE);
		st->template_path = g_build_filename(template_dir, t->file, NULL);
		spec->template_path = st->template_path;
		spec->template_sha256 = st->template_sha256;
		spec->template_size = t->size;
	}
	return true;
}
