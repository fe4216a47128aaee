/* broker/viewers.c: one sandboxed tessera-viewer per shown domain.
 *
 * The viewer is started through the display module's spawner (viewer/spawn.h): it
 * connects the domain's SPICE socket as root, drops to the viewer identity policy gives the
 * domain, and hands back the kiosk's end of the viewer link, which the broker passes on to
 * the kiosk (SCM_RIGHTS) and closes. The broker keeps the viewer's pid to reap it and to end
 * it when the domain stops, pauses or is re-picked. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"
#include "viewer/spawn.h"

#include <gio/gio.h>
#include <pwd.h>
#include <unistd.h>

static void viewer_exited(GPid pid, gint status, gpointer data)
{
	struct brk_dom *d = data;

	if (brk_child_reaped(pid, &d->viewer_pid, &d->viewer_watch))
		tsr_info("viewer of %s (pid %d) ended", d->name, (int)pid);
}

void brk_viewer_kill(struct brk_dom *d)
{
	brk_preload_cancel(d);
	brk_child_kill(&d->viewer_pid, &d->viewer_watch);
}

/* Who the viewer runs as: the policy's viewer identity, never the device model's (the spawner
 * refuses a viewer whose uid is the device model's). */
static bool viewer_ids(const struct tsr_policy_domain *pd, uid_t *uid, gid_t *gid,
		       GError **error)
{
	const struct tsr_policy_identity *id = &pd->viewer;

	if (id->user) {
		struct passwd *pw = getpwnam(id->user);
		if (!pw) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
				    "viewer user %s of domain %s does not exist on this laptop",
				    id->user, pd->name);
			return false;
		}
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else if (id->uid > 0 && id->gid > 0) {
		*uid = (uid_t)id->uid;
		*gid = (gid_t)id->gid;
	} else {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "domain %s has no viewer identity (viewer-user or viewer-uid/gid)",
			    pd->name);
		return false;
	}
	if (*uid == 0 || *gid == 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "domain %s: a viewer never runs as root", pd->name);
		return false;
	}
	return true;
}

int brk_viewer_spawn(struct tsr_broker *b, struct brk_dom *d, GError **error)
{
	struct tsr_viewer_spawn_params p = { 0 };
	struct tsr_viewer_process proc = { 0 };
	struct tsr_unix_peer server = { 0 };
	uid_t uid;
	gid_t gid;

	if (!d->pol || !d->backend) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "domain %s cannot run here",
			    d->name);
		return -1;
	}
	if (d->pol->display == TSR_POLICY_DISPLAY_NONE) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
			    "domain %s has no display", d->name);
		return -1;
	}
	if (!viewer_ids(d->pol, &uid, &gid, error))
		return -1;
	p.domain = d->name;
	p.spice_socket = tsr_backend_spice_socket(d->backend, d->name);
	/* The socket's directory is the device model's: follow no link, and make sure the
	 * device model itself answers (not another domain's, not the control socket). */
	if (!tsr_backend_spice_peer(d->backend, d->name, &server)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "domain %s is not defined",
			    d->name);
		return -1;
	}
	p.server = &server;
	p.uid = uid;
	p.gid = gid;
	p.viewer_path = b->cfg.viewer_path;
	brk_viewer_kill(d); /* one viewer per domain: a re-pick replaces the old one */
	if (!tsr_viewer_spawn(&p, &proc, error))
		return -1;
	d->viewer_pid = proc.pid;
	d->viewer_uid = uid;
	d->viewer_watch = g_child_watch_add(proc.pid, viewer_exited, d);
	{
		g_autofree char *pid = g_strdup_printf("%d", (int)proc.pid);
		g_autofree char *u = g_strdup_printf("%u", (unsigned)uid);
		brk_audit(b, "viewer-start", "domain", d->name, "pid", pid, "uid", u, NULL);
	}
	return proc.link;
}
