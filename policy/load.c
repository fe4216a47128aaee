/* policy/load.c: from a signed bundle file (or a laptop's state directory) to a policy.
 *
 * The broker loads the installed policy through here, so it re-verifies what install already
 * verified: a file swapped on disk behind the installer's back is refused, not trusted. */
#include "policy/policy.h"
#include "policy/bundle.h"
#include "policy/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct tsr_policy *tsr_policy_load_bundle(const char *bundle_path, const char *trusted_keys_path,
                                          GError **error)
{
	struct tsr_policy *p = NULL;
	struct tsr_trust *trust = tsr_trust_read(trusted_keys_path, error);
	if (!trust)
		return NULL;
	struct tsr_bundle *b = tsr_bundle_read(bundle_path, error);
	if (!b)
		goto out;
	if (!tsr_bundle_verify(b, (const uint8_t(*)[TSR_KEY_PUBLIC_BYTES])trust->roots,
	                       trust->n_roots, error))
		goto out;
	if (strcmp(b->organization, trust->organization) != 0) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_ORGANIZATION,
		            "%s is for organization '%s'; this laptop belongs to '%s'", bundle_path,
		            b->organization, trust->organization);
		goto out;
	}
	if (strcmp(b->group, trust->group) != 0) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_GROUP,
		            "%s is for laptop group '%s'; this laptop is in '%s'", bundle_path,
		            b->group, trust->group);
		goto out;
	}
	p = tsr_policy_load_canonical(b->content, b->content_len, error);
	if (!p)
		goto out;
	if (strcmp(p->organization, b->organization) != 0 ||
	    strcmp(p->laptop_group, b->group) != 0) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_POLICY,
		            "%s: its content names %s/%s but its signed header %s/%s", bundle_path,
		            p->organization, p->laptop_group, b->organization, b->group);
		tsr_policy_free(p);
		p = NULL;
		goto out;
	}
	p->serial = b->serial;
	p->valid_from = b->valid_from;
	p->valid_until = b->valid_until;
out:
	tsr_bundle_free(b);
	tsr_trust_free(trust);
	return p;
}

struct tsr_policy *tsr_policy_load_installed(const char *state_dir, GError **error)
{
	if (!state_dir)
		state_dir = TSR_STATE_DIR_DEFAULT;
	char *bundle = g_build_filename(state_dir, "current", "bundle", NULL);
	char *trust = g_build_filename(state_dir, "trusted.keys", NULL);
	struct tsr_policy *p = NULL;
	if (!g_file_test(bundle, G_FILE_TEST_EXISTS))
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_IO,
		            "no policy installed in %s; push one with 'tessera-provision push' or "
		            "fetch one with 'tessera-provision pull'", state_dir);
	else
		p = tsr_policy_load_bundle(bundle, trust, error);
	g_free(bundle);
	g_free(trust);
	return p;
}

int64_t tsr_policy_state_latest_time(const char *state_dir)
{
	if (!state_dir)
		state_dir = TSR_STATE_DIR_DEFAULT;
	char *path = g_build_filename(state_dir, "latest-time", NULL);
	char *data = NULL;
	int64_t t = 0;
	if (g_file_get_contents(path, &data, NULL, NULL)) {
		char *end = NULL;
		gint64 v = g_ascii_strtoll(data, &end, 10);
		if (end != data && (*end == '\n' || *end == '\0') && v > 0)
			t = v;
	}
	g_free(data);
	g_free(path);
	return t;
}

int64_t tsr_policy_state_effective_time(const char *state_dir, int64_t now)
{
	int64_t seen = tsr_policy_state_latest_time(state_dir);
	return seen > now ? seen : now;
}

int64_t tsr_policy_state_time_bound(int64_t valid_until, uint32_t grace_days)
{
	if (valid_until <= 0)
		return 0;
	return valid_until + (int64_t)grace_days * 86400 + TSR_STATE_TIME_MARGIN_S;
}

/* Replace STATE/name with text (a temporary file, fsync'd, renamed; mode 0600). */
static bool replace_file(const char *state_dir, const char *name, const char *text, GError **error)
{
	char *path = g_build_filename(state_dir, name, NULL);
	char *tmp = g_strdup_printf("%s.tmp", path);
	size_t n = strlen(text);
	bool ok = false;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	              TSR_STATE_FILE_MODE);
	if (fd >= 0 && write(fd, text, n) == (ssize_t)n && fsync(fd) == 0 && close(fd) == 0) {
		fd = -1;
		ok = rename(tmp, path) == 0;
	}
	if (!ok) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_IO,
		            "cannot record the time in %s: %s", path, g_strerror(e));
	}
	g_free(tmp);
	g_free(path);
	return ok;
}

bool tsr_policy_state_note_time(const char *state_dir, int64_t now, int64_t bound, bool *held,
                                GError **error)
{
	if (held)
		*held = false;
	if (!state_dir)
		state_dir = TSR_STATE_DIR_DEFAULT;
	if (bound <= 0)
		return true;
	int64_t t = now;
	if (now > bound) {
		char text[64];
		g_snprintf(text, sizeof text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", now,
		           bound);
		if (!replace_file(state_dir, "time-held", text, error))
			return false;
		if (held)
			*held = true;
		t = bound;
	}
	if (t <= tsr_policy_state_latest_time(state_dir))
		return true;
	char buf[32];
	g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT "\n", t);
	return replace_file(state_dir, "latest-time", buf, error);
}

bool tsr_policy_state_time_held(const char *state_dir, int64_t *clock, int64_t *held_at)
{
	if (!state_dir)
		state_dir = TSR_STATE_DIR_DEFAULT;
	char *path = g_build_filename(state_dir, "time-held", NULL);
	char *data = NULL;
	long long c = 0, h = 0;
	bool ok = g_file_get_contents(path, &data, NULL, NULL) &&
	          sscanf(data, "%lld %lld", &c, &h) == 2 && c > h && h > 0;
	if (ok) {
		*clock = c;
		*held_at = h;
	}
	g_free(data);
	g_free(path);
	return ok;
}
