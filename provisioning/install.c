/* provisioning/install.c: checks first, then an atomic set install (see install.h). */
#include "provisioning/install.h"
#include "provisioning/keys.h"
#include "policy/bundle.h"
#include "policy/policy.h"
#include "policy/state.h"
#include "proto/control-client.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *const tsr_install_steps[] = {
	"locked",           /* state dir locked, nothing checked yet */
	"verified",         /* every check passed, nothing written */
	"version-created",  /* temporary version directory made */
	"bundle-written",   /* bundle written and fsync'd inside it */
	"version-renamed",  /* versions/N in place, current not yet swapped */
	"previous-swapped", /* previous -> old version */
	"current-swapped",  /* current -> new version: the install has happened */
	"time-noted",
	"cleaned",
	NULL,
};

static void crash_point(const char *step)
{
	const char *at = g_getenv("TSR_PROVISION_CRASH_AT");
	if (at && strcmp(at, step) == 0)
		kill(getpid(), SIGKILL);
}

static char *fmt_time(int64_t t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *s = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S UTC")
	             : g_strdup_printf("%" G_GINT64_FORMAT, t);
	if (dt)
		g_date_time_unref(dt);
	return s;
}

#define REFUSE(code, ...) g_set_error(error, TSR_BUNDLE_ERROR, (code), __VA_ARGS__)

void tsr_install_result_clear(struct tsr_install_result *r)
{
	g_free(r->broker_message);
	r->broker_message = NULL;
}

/* The installed bundle: the target of STATE/current, or NULL (with serial 0) if none. */
static struct tsr_bundle *read_installed(const char *state, const char *link, char **target,
                                         GError **error)
{
	char *path = g_build_filename(state, link, NULL);
	char *t = g_file_read_link(path, NULL);
	g_free(path);
	if (target)
		*target = t ? g_strdup(t) : NULL;
	if (!t)
		return NULL;
	char *bundle = g_build_filename(state, t, "bundle", NULL);
	GError *rerr = NULL;
	struct tsr_bundle *b = tsr_bundle_read(bundle, &rerr);
	/* Installed by a version that wrote v1 bundles: its serial and key set still bound
	 * what may replace it. */
	char *data = NULL;
	gsize len = 0;
	if (!b && g_error_matches(rerr, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_OLD_FORMAT) &&
	    g_file_get_contents(bundle, &data, &len, NULL)) {
		g_clear_error(&rerr);
		b = tsr_bundle_parse_v1(data, len, &rerr);
	}
	g_free(data);
	if (rerr)
		g_propagate_error(error, rerr);
	g_free(bundle);
	g_free(t);
	return b;
}

static bool fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		unlink(path);
		return;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = g_build_filename(path, e->d_name, NULL);
		remove_tree(p);
		g_free(p);
	}
	closedir(d);
	rmdir(path);
}

static bool write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Point link at target by making link.new and renaming it over link. */
static bool swap_link(const char *state, const char *link, const char *target)
{
	char *path = g_build_filename(state, link, NULL);
	char *tmp = g_strdup_printf("%s.new", path);
	unlink(tmp);
	bool ok = symlink(target, tmp) == 0 && rename(tmp, path) == 0;
	if (!ok) {
		int e = errno;
		unlink(tmp);
		errno = e;
	}
	g_free(tmp);
	g_free(path);
	return ok;
}

/* STATE to its mode, and its top-level files to 0600 (versions/ is fixed when written). */
static bool close_modes(int dir)
{
	static const char *const files[] = {"trusted.keys", "latest-time"};
	if (fchmod(dir, TSR_STATE_DIR_MODE) != 0)
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		int fd = openat(dir, files[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return false;
		}
		int rc = fchmod(fd, TSR_STATE_FILE_MODE);
		close(fd);
		if (rc != 0)
			return false;
	}
	return true;
}

/* The bundle chains to a pinned root, is for this laptop's organization and group, and its
 * signature verifies. */
static bool check_signed_for_us(const char *state, const struct tsr_trust *given,
                                const struct tsr_bundle *b, GError **error)
{
	struct tsr_trust *read = NULL;
	if (!given) {
		g_autofree char *trust_path = g_build_filename(state, "trusted.keys", NULL);
		if (!(read = tsr_trust_read(trust_path, error)))
			return false;
	}
	const struct tsr_trust *trust = given ? given : read;
	bool ok = false;
	if (strcmp(b->organization, trust->organization) != 0) {
		REFUSE(TSR_BUNDLE_ERROR_ORGANIZATION,
		       "the bundle is for organization '%s'; this laptop belongs to '%s'",
		       b->organization, trust->organization);
		goto out;
	}
	if (!tsr_bundle_verify(b, (const uint8_t(*)[TSR_KEY_PUBLIC_BYTES])trust->roots,
	                       trust->n_roots, error))
		goto out;
	if (strcmp(b->group, trust->group) != 0) {
		REFUSE(TSR_BUNDLE_ERROR_GROUP,
		       "the bundle is for laptop group '%s'; this laptop is in '%s'", b->group,
		       trust->group);
		goto out;
	}
	ok = true;
out:
	tsr_trust_free(read);
	return ok;
}

/* The signed content is policy for the header's organization and group, and the kiosk can
 * use its settings. On success *grace_days is the policy's lease grace. */
static bool check_content(const struct tsr_bundle *b, bool (*kiosk_check)(GKeyFile *, GError **),
                          uint32_t *grace_days, GError **error)
{
	GError *perr = NULL;
	struct tsr_policy *policy = tsr_policy_load_canonical(b->content, b->content_len, &perr);
	bool ok = false;
	if (!policy) {
		REFUSE(TSR_BUNDLE_ERROR_POLICY, "the signed content is not valid policy: %s",
		       perr->message);
		g_error_free(perr);
		return false;
	}
	if (strcmp(policy->organization, b->organization) != 0 ||
	    strcmp(policy->laptop_group, b->group) != 0) {
		REFUSE(TSR_BUNDLE_ERROR_POLICY,
		       "the content is for %s/%s but the signed header says %s/%s",
		       policy->organization, policy->laptop_group, b->organization, b->group);
		goto out;
	}
	if (kiosk_check) {
		GKeyFile *kf = g_key_file_new();
		GError *kerr = NULL;
		bool good = g_key_file_load_from_data(kf, b->content, b->content_len, 0, &kerr) &&
		            kiosk_check(kf, &kerr);
		g_key_file_free(kf);
		if (!good) {
			REFUSE(TSR_BUNDLE_ERROR_POLICY,
			       "the kiosk cannot use the bundle's settings: %s", kerr->message);
			g_error_free(kerr);
			goto out;
		}
	}
	*grace_days = policy->lease_grace_days;
	ok = true;
out:
	tsr_policy_free(policy);
	return ok;
}

/* The key set is not older than the installed one, nor the same serial with other keys. */
static bool check_keyset(const struct tsr_keyset *ks, const struct tsr_keyset *iks,
                         GError **error)
{
	if (!iks)
		return true;
	if (ks->serial < iks->serial) {
		REFUSE(TSR_BUNDLE_ERROR_KEYSET_OLDER,
		       "the bundle carries key set %" G_GUINT64_FORMAT
		       ", older than the installed key set %" G_GUINT64_FORMAT
		       "; re-sign it with the current key set",
		       ks->serial, iks->serial);
		return false;
	}
	if (ks->serial == iks->serial &&
	    (ks->raw_len != iks->raw_len || memcmp(ks->raw, iks->raw, ks->raw_len) != 0)) {
		REFUSE(TSR_BUNDLE_ERROR_KEYSET_CONFLICT,
		       "key set %" G_GUINT64_FORMAT
		       " differs from the installed key set with the same serial",
		       ks->serial);
		return false;
	}
	return true;
}

/* No rollback, a bounded jump, the same serial only with the same signed bytes (then
 * *unchanged). Without an installed bundle, any serial but 0. */
static bool check_serial(const struct tsr_bundle *b, const struct tsr_bundle *installed,
                         bool *unchanged, GError **error)
{
	if (!installed) {
		if (b->serial == 0) {
			REFUSE(TSR_BUNDLE_ERROR_SERIAL_OLD, "serial 0 is never valid");
			return false;
		}
		return true;
	}
	if (b->serial == installed->serial) {
		if (b->signed_len == installed->signed_len &&
		    memcmp(b->raw, installed->raw, b->signed_len) == 0) {
			*unchanged = true;
			return true;
		}
		REFUSE(TSR_BUNDLE_ERROR_SERIAL_CONFLICT,
		       "serial %" G_GUINT64_FORMAT
		       " is installed with different content; sign the change with a higher serial",
		       b->serial);
		return false;
	}
	if (b->serial < installed->serial) {
		REFUSE(TSR_BUNDLE_ERROR_SERIAL_OLD,
		       "serial %" G_GUINT64_FORMAT " is older than the installed serial %"
		       G_GUINT64_FORMAT " (no rollback)",
		       b->serial, installed->serial);
		return false;
	}
	uint32_t jump = 1000;
	struct tsr_policy *ip =
		tsr_policy_load_canonical(installed->content, installed->content_len, NULL);
	if (ip)
		jump = ip->max_serial_jump;
	tsr_policy_free(ip);
	if (b->serial - installed->serial > jump) {
		REFUSE(TSR_BUNDLE_ERROR_SERIAL_JUMP,
		       "serial %" G_GUINT64_FORMAT " is more than %u above the installed serial %"
		       G_GUINT64_FORMAT " (max-serial-jump); sign with a serial closer to the "
		       "installed one",
		       b->serial, jump, installed->serial);
		return false;
	}
	return true;
}

/* The validity window holds at the later of the clock and the latest time this laptop has
 * seen (which policy/state.h bounds, so a clock once set to 2099 does not count here). */
static bool check_time(const char *state, const struct tsr_bundle *b, int64_t now,
                       GError **error)
{
	int64_t seen = tsr_policy_state_latest_time(state);
	int64_t t = now > seen ? now : seen;
	bool ok = false;
	char *n = fmt_time(t);
	if (t + TSR_INSTALL_CLOCK_SKEW_S < b->valid_from) {
		char *f = fmt_time(b->valid_from);
		REFUSE(TSR_BUNDLE_ERROR_NOT_YET_VALID,
		       "the bundle is valid only from %s, and it is now %s%s; check the clock of "
		       "the laptop or of the signing machine",
		       f, n, seen > now ? " (the latest time this laptop has seen)" : "");
		g_free(f);
	} else if (t >= b->valid_until) {
		char *u = fmt_time(b->valid_until);
		REFUSE(TSR_BUNDLE_ERROR_EXPIRED,
		       "the bundle expired at %s, and it is now %s%s; sign a new one", u, n,
		       seen > now ? " (the latest time this laptop has seen: the clock was set back)"
		                  : "");
		g_free(u);
	} else {
		ok = true;
	}
	g_free(n);
	return ok;
}

/* Everything before the first write. On success *installed is the current bundle (or NULL)
 * and *grace_days the new policy's lease grace. */
static bool check_bundle(const char *state, const struct tsr_bundle *b, int64_t now,
                         const struct tsr_install_options *opts,
                         struct tsr_bundle **installed_out, bool *unchanged,
                         uint32_t *grace_days, GError **error)
{
	if (!check_signed_for_us(state, opts->trust, b, error) ||
	    !check_content(b, opts->kiosk_check, grace_days, error))
		return false;
	GError *ierr = NULL;
	struct tsr_bundle *installed = read_installed(state, "current", NULL, &ierr);
	if (ierr) {
		REFUSE(TSR_BUNDLE_ERROR_IO,
		       "the installed bundle cannot be read (%s); restore STATE/current from "
		       "STATE/previous", ierr->message);
		g_error_free(ierr);
		return false;
	}
	if (!check_keyset(b->keyset, installed ? installed->keyset : NULL, error) ||
	    !check_serial(b, installed, unchanged, error) ||
	    (!*unchanged && !check_time(state, b, now, error))) {
		tsr_bundle_free(installed);
		return false;
	}
	*installed_out = installed;
	return true;
}

/* Remove what a crashed install may have left and versions no link points to. */
static void clean_versions(const char *state)
{
	char *versions = g_build_filename(state, "versions", NULL);
	char *cur = NULL, *prev = NULL;
	char *p = g_build_filename(state, "current", NULL);
	cur = g_file_read_link(p, NULL);
	g_free(p);
	p = g_build_filename(state, "previous", NULL);
	prev = g_file_read_link(p, NULL);
	g_free(p);
	DIR *d = opendir(versions);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *rel = g_strdup_printf("versions/%s", e->d_name);
		char *full = g_build_filename(state, rel, NULL);
		if ((!cur || strcmp(rel, cur) != 0) && (!prev || strcmp(rel, prev) != 0)) {
			remove_tree(full);
		} else {
			/* Kept from an older version's install: its modes as now written. */
			char *bundle = g_build_filename(full, "bundle", NULL);
			if (chmod(full, TSR_STATE_PRIVATE_DIR_MODE) != 0 ||
			    chmod(bundle, TSR_STATE_FILE_MODE) != 0)
				g_warning("cannot close the modes of %s: %s", full, g_strerror(errno));
			g_free(bundle);
		}
		g_free(full);
		g_free(rel);
	}
	if (d)
		closedir(d);
	g_free(cur);
	g_free(prev);
	g_free(versions);
}

/* What an install has written so far, to finish it or take it back. */
struct job {
	const char *state;
	char *versions, *tmpdir, *final, *rel, *old_target, *old_previous;
	bool made_versions, moved_previous;
};

static void job_clear(struct job *j)
{
	g_free(j->versions);
	g_free(j->tmpdir);
	g_free(j->final);
	g_free(j->rel);
	g_free(j->old_target);
	g_free(j->old_previous);
}

/* versions/N with the bundle in it, fsync'd; current not yet touched. false with errno. */
static bool write_version(struct job *j, uint64_t serial, const char *data, size_t len)
{
	j->versions = g_build_filename(j->state, "versions", NULL);
	if (mkdir(j->versions, TSR_STATE_PRIVATE_DIR_MODE) == 0)
		j->made_versions = true;
	else if (errno != EEXIST || chmod(j->versions, TSR_STATE_PRIVATE_DIR_MODE) != 0)
		return false;
	j->tmpdir = g_strdup_printf("%s/.new-%" G_GUINT64_FORMAT, j->versions, serial);
	j->rel = g_strdup_printf("versions/%" G_GUINT64_FORMAT, serial);
	j->final = g_build_filename(j->state, j->rel, NULL);
	remove_tree(j->tmpdir);
	if (mkdir(j->tmpdir, TSR_STATE_PRIVATE_DIR_MODE) != 0)
		return false;
	crash_point("version-created");
	char *bundle_path = g_build_filename(j->tmpdir, "bundle", NULL);
	int fd = open(bundle_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, TSR_STATE_FILE_MODE);
	g_free(bundle_path);
	if (fd < 0)
		return false;
	if (!write_all(fd, data, len) || fsync(fd) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return false;
	}
	if (close(fd) != 0 || !fsync_path(j->tmpdir))
		return false;
	crash_point("bundle-written");
	remove_tree(j->final);
	if (rename(j->tmpdir, j->final) != 0 || !fsync_path(j->versions))
		return false;
	crash_point("version-renamed");
	return true;
}

/* The commit point is the rename of current. Before it the old version is whole and current;
 * after it the new one is. previous is moved first so it never dangles. false with errno. */
static bool swap_current(struct job *j)
{
	char *cur_link = g_build_filename(j->state, "current", NULL);
	j->old_target = g_file_read_link(cur_link, NULL);
	g_free(cur_link);
	char *prev_link = g_build_filename(j->state, "previous", NULL);
	j->old_previous = g_file_read_link(prev_link, NULL);
	g_free(prev_link);
	if (j->old_target) {
		if (!swap_link(j->state, "previous", j->old_target))
			return false;
		j->moved_previous = true;
	}
	crash_point("previous-swapped");
	if (!swap_link(j->state, "current", j->rel) || !fsync_path(j->state))
		return false;
	crash_point("current-swapped");
	return true;
}

/* A write failed before the commit point: leave the state as it was. */
static void undo(struct job *j)
{
	if (j->tmpdir)
		remove_tree(j->tmpdir);
	if (j->final)
		remove_tree(j->final);
	char *pn = g_build_filename(j->state, "previous.new", NULL);
	char *cn = g_build_filename(j->state, "current.new", NULL);
	unlink(pn);
	unlink(cn);
	g_free(pn);
	g_free(cn);
	if (j->moved_previous) {
		if (j->old_previous) {
			if (!swap_link(j->state, "previous", j->old_previous))
				g_warning("cannot point %s/previous back at %s", j->state,
				          j->old_previous);
		} else {
			char *pl = g_build_filename(j->state, "previous", NULL);
			unlink(pl);
			g_free(pl);
		}
	}
	if (j->made_versions)
		rmdir(j->versions);
}

/* The state directory, opened and locked (one install at a time: a push and a pull may
 * meet); flock on the directory itself so no lock file appears in the state. -1 on error. */
static int lock_state(const char *state, GError **error)
{
	int lock = open(state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0) {
		REFUSE(TSR_BUNDLE_ERROR_TRUST, "state directory %s: %s; enrol the laptop first "
		       "(an enrolment stick, or tessera-provision init)", state, g_strerror(errno));
		return -1;
	}
	if (flock(lock, LOCK_EX) != 0) {
		REFUSE(TSR_BUNDLE_ERROR_IO, "cannot lock %s: %s", state, g_strerror(errno));
		close(lock);
		return -1;
	}
	return lock;
}

/* After the commit: the latest time under the new bundle's bound (a clock held earlier no
 * longer matters), then versions no link points to. Nothing here can undo the install. */
static void after_commit(const char *state, const struct tsr_bundle *b, int64_t now,
                         uint32_t grace_days)
{
	char *held = g_build_filename(state, "time-held", NULL);
	unlink(held);
	g_free(held);
	GError *terr = NULL;
	if (!tsr_policy_state_note_time(state, now,
	                                tsr_policy_state_time_bound(b->valid_until, grace_days),
	                                NULL, &terr)) {
		g_warning("%s", terr->message);
		g_error_free(terr);
	}
	crash_point("time-noted");
	clean_versions(state);
	crash_point("cleaned");
}

bool tsr_install_bundle(const char *data, size_t len, const struct tsr_install_options *opts,
                        struct tsr_install_result *result, GError **error)
{
	const char *state = opts->state_dir ? opts->state_dir : TSR_STATE_DIR_DEFAULT;
	int64_t now = opts->now ? opts->now : (int64_t)time(NULL);
	memset(result, 0, sizeof *result);

	int lock = lock_state(state, error);
	if (lock < 0)
		return false;
	crash_point("locked");
	/* A state directory made by an older version (or by hand) is brought to the modes of
	 * policy/state.h on every install, not only at enrolment. */
	if (!opts->check_only && !close_modes(lock)) {
		REFUSE(TSR_BUNDLE_ERROR_IO, "cannot set the mode of %s: %s", state, g_strerror(errno));
		flock(lock, LOCK_UN);
		close(lock);
		return false;
	}

	bool ok = false, unchanged = false;
	uint32_t grace_days = 0;
	struct tsr_bundle *installed = NULL;
	struct job j = {.state = state};
	struct tsr_bundle *b = tsr_bundle_parse(data, len, error);
	if (!b || !check_bundle(state, b, now, opts, &installed, &unchanged, &grace_days, error)) {
		g_prefix_error(error, "refused: ");
		goto out;
	}
	result->serial = b->serial;
	result->previous_serial = installed ? installed->serial : 0;
	if (unchanged || opts->check_only) {
		result->outcome = TSR_INSTALL_UNCHANGED;
		ok = true;
		goto out;
	}
	crash_point("verified");

	/* Leftovers of a crashed install are not part of the installed state; clear them
	 * only now that this install is known to go ahead. */
	clean_versions(state);
	if (!write_version(&j, b->serial, data, len) || !swap_current(&j)) {
		int e = errno;
		REFUSE(TSR_BUNDLE_ERROR_IO,
		       "cannot write the new version in %s: %s%s; nothing was changed", state,
		       g_strerror(e), e == ENOSPC ? " (free some space and push again)" : "");
		undo(&j);
		goto out;
	}
	result->outcome = TSR_INSTALL_INSTALLED;
	ok = true;
	after_commit(state, b, now, grace_days);
out:
	if (ok && result->outcome == TSR_INSTALL_INSTALLED && !(opts->broker_socket &&
	                                                          !opts->broker_socket[0]))
		result->broker_notified = tsr_install_notify_broker(
			opts->broker_socket ? opts->broker_socket : TSR_BROKER_SOCKET_DEFAULT,
			&result->broker_message);
	job_clear(&j);
	tsr_bundle_free(b);
	tsr_bundle_free(installed);
	flock(lock, LOCK_UN);
	close(lock);
	return ok;
}

/* How long the reload hook waits for the broker; reloading a policy is quick. */
#define NOTIFY_TIMEOUT_MS 10000

bool tsr_install_notify_broker(const char *socket_path, char **message)
{
	struct tsr_ctl_response r = {0};
	GError *error = NULL;
	if (!tsr_ctl_call_once(socket_path, "reload-policy", NULL, NOTIFY_TIMEOUT_MS, &r, &error)) {
		bool absent = g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
		              g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
		*message = absent ? g_strdup_printf("no broker listens on %s; it loads the new policy "
		                                    "when it starts", socket_path)
		                  : g_strdup_printf("broker did not confirm the reload: %s",
		                                    error->message);
		g_error_free(error);
		return false;
	}
	bool acked = r.ok;
	*message = acked ? g_strdup("broker reloaded the policy")
	                 : g_strdup_printf("broker did not confirm the reload: %s: %s",
	                                   tsr_ctl_error_code_name(r.code), r.message);
	tsr_ctl_response_clear(&r);
	return acked;
}
