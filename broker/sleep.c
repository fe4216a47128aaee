/* broker/sleep.c: what the broker does around a suspend, whoever asked for it.
 *
 * A laptop that sleeps leaves its user's sight and wakes wherever it is opened next, so before
 * it sleeps the session is locked, the kiosk has said its lock screen is on the outputs
 * (LOCK_SHOWN) and every running domain is paused; only then does it sleep, by writing "mem"
 * to /sys/power/state (no logind) or by letting go of logind's delay inhibitor
 * (broker/logind.c). Then the first picture after the wake is the lock screen, never a
 * domain's pixels. The wait is bounded (SLEEP_READY_MS, below logind's own 5 s delay limit): a
 * kiosk that never answers is restarted locked anyway. Domains paused across the sleep run
 * again at the wake or once the user unlocked ([power] resume). Xen 4.17 cannot put a laptop
 * to sleep that only offers s2idle (/sys/power/mem_sleep without "deep"), so there a suspend
 * is refused (audited) and the session stays locked. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define SLEEP_READY_MS 3000

struct brk_sleep {
	struct tsr_broker *b;
	GPtrArray *suspended;   /* char *: domains paused across the last sleep */
	brk_sleep_fn ready;     /* set while preparing: what sleeps once all is in place */
	void *ready_data;
	guint timer;            /* the wait's bound, or ready at once (now) */
	bool now;
};

struct brk_sleep *brk_sleep_create(struct tsr_broker *b)
{
	struct brk_sleep *s = g_new0(struct brk_sleep, 1);

	s->b = b;
	s->suspended = g_ptr_array_new_with_free_func(g_free);
	return s;
}

void brk_sleep_destroy(struct brk_sleep *s)
{
	if (!s)
		return;
	g_clear_handle_id(&s->timer, g_source_remove);
	g_ptr_array_free(s->suspended, TRUE);
	g_free(s);
}

bool brk_sleep_deep(const char *root, char **why)
{
	g_autofree char *path = g_build_filename(root, "power", "mem_sleep", NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) words = NULL;

	/* A kernel without the file (before 4.15) only knows the deep kind. */
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return true;
	words = g_strsplit_set(g_strstrip(text), " \t\n", -1);
	for (size_t i = 0; words[i]; i++)
		if (strcmp(words[i], "deep") == 0 || strcmp(words[i], "[deep]") == 0)
			return true;
	if (why)
		*why = g_strdup_printf("this laptop only offers \"%s\" in %s: Xen cannot suspend to "
				       "idle, so it stays awake, locked", text, path);
	return false;
}

/* Still something to wait for: the lock screen (when a kiosk is there to show it) or a pause. */
static const char *missing(const struct brk_sleep *s)
{
	const struct tsr_broker *b = s->b;

	if (b->session == SESSION_LOCKED && !b->lock_shown && b->kiosk &&
	    brk_kiosk_link_connected(b->kiosk))
		return "the kiosk has not shown the lock screen";
	for (guint i = 0; i < s->suspended->len; i++) {
		struct brk_dom *d = brk_dom(s->b, g_ptr_array_index(s->suspended, i));
		if (d && brk_dom_state(d) == TSR_DOMAIN_RUNNING)
			return "a domain is still running";
	}
	return NULL;
}

/* The bound, or earlier once nothing is missing any more. */
static gboolean on_ready(gpointer data)
{
	struct brk_sleep *s = data;
	const char *what = missing(s);
	brk_sleep_fn ready = s->ready;

	s->timer = 0;
	s->ready = NULL;
	if (what) {
		tsr_warn("sleep: going ahead after %d ms: %s", SLEEP_READY_MS, what);
		brk_audit(s->b, "sleep-unprepared", "reason", what, NULL);
	}
	if (ready)
		ready(s->b, s->ready_data);
	return G_SOURCE_REMOVE;
}

static void check(struct brk_sleep *s)
{
	if (!s || !s->ready || s->now || missing(s))
		return;
	s->now = true;
	g_clear_handle_id(&s->timer, g_source_remove);
	s->timer = g_idle_add(on_ready, s);
}

void brk_sleep_prepare(struct brk_sleep *s, const char *why, brk_sleep_fn ready, void *data)
{
	GHashTableIter it;
	gpointer value;

	brk_session_lock(s->b, why);
	s->ready = ready;
	s->ready_data = data;
	g_hash_table_iter_init(&it, s->b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct brk_dom *d = value;
		if (brk_dom_state(d) != TSR_DOMAIN_RUNNING)
			continue;
		g_ptr_array_add(s->suspended, g_strdup(d->name));
		brk_dom_pause(s->b, d, "suspend", true);
	}
	if (!s->timer) {
		s->now = false;
		s->timer = g_timeout_add(SLEEP_READY_MS, on_ready, s);
	}
	check(s);
}

void brk_sleep_changed(struct brk_sleep *s)
{
	check(s);
}

static void resume_suspended(struct brk_sleep *s, const char *why)
{
	for (guint i = 0; i < s->suspended->len; i++) {
		struct brk_dom *d = brk_dom(s->b, g_ptr_array_index(s->suspended, i));
		if (d && brk_dom_state(d) == TSR_DOMAIN_PAUSED)
			brk_dom_start(s->b, d, why, NULL, NULL);
	}
	g_ptr_array_set_size(s->suspended, 0);
}

void brk_sleep_woke(struct brk_sleep *s)
{
	const struct tsr_policy *p = s->b->policy;

	/* Woken before it slept (logind changed its mind): nothing is waited for any more. */
	g_clear_handle_id(&s->timer, g_source_remove);
	s->ready = NULL;
	tsr_info("sleep: woke up");
	brk_audit(s->b, "wake", NULL);
	if (p && p->power.resume == TSR_POLICY_RESUME_AT_ONCE)
		resume_suspended(s, "woke up");
}

void brk_sleep_unlocked(struct brk_sleep *s)
{
	if (s)
		resume_suspended(s, "unlocked after a suspend");
}

/* No logind: the broker suspends the laptop itself; the write returns at the wake. */
static void write_mem(struct tsr_broker *b, void *data)
{
	struct brk_sleep *s = data;
	g_autofree char *state = g_build_filename(b->cfg.sys_root, "power", "state", NULL);
	int fd;

	brk_audit(b, "suspend", "state", "mem", NULL);
	tsr_info("sleep: locked and paused; suspending through %s", state);
	fd = open(state, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "mem", 3) != 3)
		tsr_err("sleep: cannot suspend through %s: %s (the session stays locked)", state,
			g_strerror(errno));
	if (fd >= 0)
		close(fd);
	brk_sleep_woke(s);
}

void brk_sleep_suspend(struct brk_sleep *s, const char *why)
{
	g_autofree char *no = NULL;

	if (!brk_sleep_deep(s->b->cfg.sys_root, &no)) {
		brk_session_lock(s->b, why);
		brk_session_outputs_off(s->b);
		tsr_warn("sleep: %s; locked with the outputs off instead", no);
		brk_audit(s->b, "suspend-unavailable", "reason", no, NULL);
		return;
	}
	if (s->ready)
		return;
	if (brk_logind_suspend(s->b->logind))
		return; /* logind's PrepareForSleep brings it back here (brk_sleep_prepare) */
	brk_sleep_prepare(s, why, write_mem, s);
}
