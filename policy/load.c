/* policy/load.c: loading a signed bundle (verification lands with policy/bundle.c). */
#include "policy/policy.h"

struct tsr_policy *tsr_policy_load_bundle(const char *bundle_path, const char *trusted_keys_path,
                                          GError **error)
{
	(void)trusted_keys_path;
	g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_IO,
	            "%s: signed bundles are not supported by this build yet", bundle_path);
	return NULL;
}

struct tsr_policy *tsr_policy_load_installed(const char *state_dir, GError **error)
{
	g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_IO,
	            "%s: signed bundles are not supported by this build yet",
	            state_dir ? state_dir : "/var/lib/tessera");
	return NULL;
}
