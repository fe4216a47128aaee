/* broker/preload.c: domains booted before anyone picks them, paused at their first frame, or
 * when their SPICE agent connects.
 *
 * A real operating system takes tens of seconds (minutes under TCG) from power-on to its first
 * picture; a domain whose policy says `preload = true` spends that time before the user asks
 * for it. The broker starts such a domain when it starts (every one) and when a user logs in
 * (those that user may use), shows it to nobody, and watches its display through a viewer of
 * its own: the same sandboxed tessera-viewer a pick starts, whose link the broker keeps instead
 * of handing it to the kiosk. At the viewer's first DAMAGE (the first frame drawn) the broker
 * pauses the domain and that viewer ends. A real OS's first frame is its firmware's, so a
 * domain whose policy says `agent = true` runs on until the viewer reports the guest's agent
 * connected (STATUS AGENT: the OS and its session are up), or, without one, until
 * AGENT_BOUND_S after its first frame. A pick finds the domain paused and resumes it
 * (broker.c, kick_start). A pick while it is still booting simply takes it over: the pick's
 * viewer replaces the broker's, which ends the watch (brk_viewer_kill).
 *
 * Nobody owns a preloaded domain until it is picked, so no user's login stops it; one a user
 * picked is that user's, paused or stopped at logout, stopped at another user's login
 * (session.c) and then preloaded afresh for the new user. The broker reads only frame headers
 * from the link, and a STATUS message's one code (tsr_frame_recv checks length and version;
 * fds are closed unread): the worst a lying viewer can do is get its own domain paused early
 * or late, and PRELOAD_BOUND_S ends the wait in any case. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/frame.h"
#include "common/log.h"
#include "proto/display.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <unistd.h>

/* Longer than a cold boot to the first frame under TCG on a loaded laptop. */
#define PRELOAD_BOUND_S 600
/* From the first frame to the agent: a Debian desktop's session under TCG on a loaded laptop
 * takes a few minutes; a template that never starts its agent is paused after this. */
#define AGENT_BOUND_S 300

struct brk_preload {
	struct tsr_broker *b;
	char *name;
	int fd;     /* the kiosk's end of the broker's own viewer link */
	bool agent; /* wait for the agent (policy `agent = true`), not just the first frame */
	bool framed; /* the first frame came */
	guint watch, timer;
	gint64 t0;  /* when the boot was asked for, monotonic µs */
};

void brk_preload_cancel(struct brk_dom *d)
{
	struct brk_preload *p = d->preload;

	if (!p)
		return;
	d->preload = NULL;
	g_clear_handle_id(&p->watch, g_source_remove);
	g_clear_handle_id(&p->timer, g_source_remove);
	if (p->fd >= 0)
		close(p->fd);
	g_free(p->name);
	g_free(p);
}

/* The wait is over: pause the domain unless a pick took it meanwhile. */
static void finish(struct brk_dom *d, const char *why)
{
	struct tsr_broker *b = d->preload->b;
	g_autofree char *ms = g_strdup_printf(
		"%" G_GINT64_FORMAT, (g_get_monotonic_time() - d->preload->t0) / 1000);

	brk_preload_cancel(d);
	if (d->owner || brk_dom_state(d) != TSR_DOMAIN_RUNNING || d->stopping)
		return;
	brk_audit(b, "domain-preloaded", "domain", d->name, "ms", ms, "reason", why, NULL);
	d->preloaded = true;
	brk_dom_pause(b, d, "preload", false);
}

static gboolean on_bound(gpointer data)
{
	struct brk_dom *d = data;

	d->preload->timer = 0;
	finish(d, d->preload->framed ? "first frame, no agent within the bound"
				     : "no frame within the bound");
	return G_SOURCE_REMOVE;
}

static gboolean on_link(int fd, GIOCondition cond, gpointer data)
{
	struct brk_dom *d = data;
	uint8_t buf[TSR_FRAME_MAX];
	int fds[1];
	size_t nfds = 0;
	ssize_t n = tsr_frame_recv(fd, buf, sizeof(buf), TSR_DISPLAY_PROTO_VERSION, fds, 1, &nfds);
	const struct tsr_frame_header *h = (const void *)buf;

	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	struct brk_preload *p = d->preload;
	const char *why = NULL;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n <= 0)
		why = p->framed ? "its viewer ended before the agent connected"
				: "its viewer ended before a frame";
	else if (h->type == TSR_DISPLAY_DAMAGE && !p->agent)
		why = "first frame";
	else if (h->type == TSR_DISPLAY_STATUS && p->agent &&
		 (size_t)n == sizeof(struct tsr_display_status) &&
		 ((const struct tsr_display_status *)buf)->status == TSR_DISPLAY_STATUS_AGENT)
		why = "agent connected";
	else if (h->type == TSR_DISPLAY_DAMAGE && !p->framed) {
		/* Now the agent's own, shorter wait. */
		p->framed = true;
		g_clear_handle_id(&p->timer, g_source_remove);
		p->timer = g_timeout_add_seconds(AGENT_BOUND_S, on_bound, d);
	}
	if (!why)
		return G_SOURCE_CONTINUE;
	p->watch = 0; /* removed by the return below */
	finish(d, why);
	return G_SOURCE_REMOVE;
}

struct boot {
	gint64 t0;
};

static void started(struct tsr_broker *b, const char *name, const GError *error, void *data)
{
	struct boot *boot = data;
	struct brk_dom *d = brk_dom(b, name);
	g_autoptr(GError) verr = NULL;
	gint64 t0 = boot->t0;
	int fd;

	g_free(boot);
	/* Failed (audited by the start), picked meanwhile, or no longer preloaded. */
	if (error || !d || !d->pol || !d->pol->preload || d->owner || d->stopping ||
	    brk_dom_state(d) != TSR_DOMAIN_RUNNING)
		return;
	fd = brk_viewer_spawn(b, d, &verr);
	if (fd < 0) {
		brk_audit(b, "domain-preload-failed", "domain", name, "reason", verr->message, NULL);
		d->preloaded = true;
		brk_dom_pause(b, d, "preload", false);
		return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	d->preload = g_new0(struct brk_preload, 1);
	d->preload->b = b;
	d->preload->name = g_strdup(name);
	d->preload->fd = fd;
	d->preload->agent = d->pol->agent;
	d->preload->t0 = t0;
	d->preload->watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_link, d);
	d->preload->timer = g_timeout_add_seconds(PRELOAD_BOUND_S, on_bound, d);
}

/* Preloaded by policy, runnable here, not on its way already, and stopped (or being stopped:
 * the start follows). One that runs is left alone: picked, started by root, or booting when a
 * broker restarted (then it runs unseen until it is picked or stopped). */
static bool wants_preload(struct brk_dom *d)
{
	enum tsr_domain_state st = brk_dom_state(d);

	if (!d->pol || !d->pol->preload || !d->backend || d->preload || d->start_waiters)
		return false;
	return d->stopping || st == TSR_DOMAIN_STOPPED || st == TSR_DOMAIN_CRASHED;
}

void brk_preload_all(struct tsr_broker *b, const char *why)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct brk_dom *d = value;
		struct boot *boot;

		if (!wants_preload(d) || (b->user && !brk_session_user_may_use(b, d)))
			continue;
		boot = g_new0(struct boot, 1);
		boot->t0 = g_get_monotonic_time();
		brk_audit(b, "domain-preload", "domain", d->name, "by", why, NULL);
		brk_dom_start(b, d, "preload", started, boot);
	}
}

void brk_preload_policy_changed(struct tsr_broker *b)
{
	GHashTableIter it;
	gpointer value;

	/* A domain preloaded for nobody that policy no longer preloads would sit paused with
	 * memory nobody asked for (one that left policy is stopped by the reload). */
	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct brk_dom *d = value;
		if (!d->pol || d->owner || d->stopping || d->pol->preload ||
		    (!d->preload && !d->preloaded))
			continue;
		brk_preload_cancel(d);
		brk_dom_stop(b, d, "no longer preloaded", NULL, NULL);
	}
	brk_preload_all(b, "policy reload");
}
