/* kiosk/session.c: the kiosk's session state machine: screens, the user's domains, focus,
 * notifications, hotkey actions, time.
 *
 * Why it looks like this: every decision about what a key or click may do depends on the state
 * and on policy, and must be testable without a screen or devices, so the session only keeps
 * state, sends requests and calls hooks (kiosk/session.h has the rules). The broker protocol
 * client is in session-broker.c, keys and login text in session-entry.c, the accessors in
 * session-getters.c; session-private.h is the state they share. */
#include "config.h"
#include "kiosk/session-private.h"

#include "common/fdpass.h"
#include "common/frame.h"
#include "common/log.h"
#include "policy/policy.h"

#include <errno.h>
#include <glib.h>
#include <glib-unix.h>
#include <linux/input-event-codes.h>
#include <string.h>
#include <unistd.h>

static const char *const screen_names[] = { "locked", "login", "picker", "desktop", "lock",
					    "unlock", "not-enrolled", "install" };

const char *tsr_kiosk_screen_name(enum tsr_kiosk_screen screen)
{
	return (unsigned)screen < G_N_ELEMENTS(screen_names) ? screen_names[screen] : "?";
}

int64_t kss_now(const struct tsr_session *s)
{
	return tsr_clock_now_us(s->clock);
}

void kss_changed(struct tsr_session *s)
{
	if (s->hooks.changed)
		s->hooks.changed(s->data);
}

void kss_set_message(struct tsr_session *s, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_vsnprintf(s->message, sizeof(s->message), fmt, ap);
	va_end(ap);
	s->message_error = error;
}

void kss_clear_message(struct tsr_session *s)
{
	s->message[0] = 0;
	s->message_error = false;
}

void kss_wipe_password(struct tsr_session *s)
{
	explicit_bzero(s->password, sizeof(s->password));
	s->password_len = 0;
	s->password_chars = 0;
}

void kss_lost_how(struct tsr_session *s, const char *why, bool orderly)
{
	if (s->lost)
		return;
	s->lost = true;
	if (orderly)
		tsr_info("broker link: %s", why);
	else
		tsr_err("broker link: %s", why);
	if (s->hooks.broker_lost)
		s->hooks.broker_lost(s->data, why);
}

void kss_lost(struct tsr_session *s, const char *why)
{
	kss_lost_how(s, why, false);
}

struct tsr_kiosk_domain_info *kss_find(struct tsr_session *s, const char *name)
{
	for (size_t i = 0; i < s->n_domains; i++)
		if (strcmp(s->domains[i].name, name) == 0)
			return &s->domains[i];
	return NULL;
}

size_t kss_n_shown(const struct tsr_session *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_domains; i++)
		n += s->domains[i].shown;
	return n;
}

static void set_focus(struct tsr_session *s, const char *name)
{
	if (strcmp(s->focus, name ? name : "") == 0)
		return;
	tsr_kiosk_set_string(s->focus, sizeof(s->focus), name);
	if (s->broker_state == TSR_KIOSK_SESSION_ACTIVE)
		kss_send_domain_request(s, TSR_KIOSK_FOCUS, s->focus);
}

void kss_hide(struct tsr_session *s, struct tsr_kiosk_domain_info *d)
{
	if (!d->shown && !d->waiting_frame)
		return;
	d->shown = false;
	d->waiting_frame = false;
	if (s->hooks.hide)
		s->hooks.hide(s->data, d->name);
	if (strcmp(s->focus, d->name) == 0) {
		/* Focus the next domain still shown, if any. */
		const char *next = NULL;
		for (size_t i = 0; i < s->n_domains && !next; i++)
			if (s->domains[i].shown && !s->domains[i].waiting_frame)
				next = s->domains[i].name;
		set_focus(s, next);
	}
	if (s->screen == TSR_KIOSK_SCREEN_DESKTOP && !s->focus[0])
		s->screen = TSR_KIOSK_SCREEN_PICKER;
}

void kss_hide_all(struct tsr_session *s)
{
	for (size_t i = 0; i < s->n_domains; i++)
		kss_hide(s, &s->domains[i]);
	s->focus[0] = 0;
}

static void reset_entry(struct tsr_session *s)
{
	kss_wipe_password(s);
	s->typed_user[0] = 0;
	s->field = 0;
	s->busy = false;
	kss_clear_message(s);
}

static void show_lease_warning(struct tsr_session *s)
{
	g_autofree char *text = NULL;

	if (s->have_lease)
		text = tsr_policy_lease_message((enum tsr_policy_lease)s->lease, s->lease_days);
	if (text)
		kss_set_message(s, false, "%s", text);
}

/* The screen for "nobody logged in". */
void kss_to_logged_out(struct tsr_session *s)
{
	reset_entry(s);
	s->screen = s->requires_sas ? TSR_KIOSK_SCREEN_LOCKED : TSR_KIOSK_SCREEN_LOGIN;
	if (s->screen == TSR_KIOSK_SCREEN_LOGIN)
		show_lease_warning(s);
}

void kss_to_locked(struct tsr_session *s)
{
	kss_wipe_password(s);
	s->busy = false;
	kss_clear_message(s);
	s->screen = s->requires_sas ? TSR_KIOSK_SCREEN_LOCK : TSR_KIOSK_SCREEN_UNLOCK;
	s->field = 1;
	/* blank-after counts from the lock: an idle lock must not go dark at once. */
	s->last_activity_us = kss_now(s);
}

static void lock_now(struct tsr_session *s, const char *why)
{
	if (s->screen != TSR_KIOSK_SCREEN_PICKER && s->screen != TSR_KIOSK_SCREEN_DESKTOP)
		return;
	tsr_info("locking the session: %s", why);
	kss_to_locked(s);
	if (s->broker_state == TSR_KIOSK_SESSION_ACTIVE)
		kss_send_simple(s, TSR_KIOSK_LOCK);
	kss_changed(s);
}

/* --- notifications -------------------------------------------------------------------------- */

void kss_add_note(struct tsr_session *s, const char *domain, const char *text)
{
	struct note *n;

	if (s->n_notes == TSR_KIOSK_SESSION_MAX_NOTES) {
		memmove(&s->notes[0], &s->notes[1], sizeof(s->notes[0]) * (s->n_notes - 1));
		s->n_notes--;
	}
	n = &s->notes[s->n_notes++];
	if (domain && domain[0] && !g_str_has_prefix(text, domain))
		g_snprintf(n->text, sizeof(n->text), "%s: %s", domain, text);
	else
		g_snprintf(n->text, sizeof(n->text), "%s", text);
	n->until_us = kss_now(s) + TSR_KIOSK_NOTE_US;
}

void tsr_session_notify_local(struct tsr_session *s, const char *text)
{
	kss_add_note(s, NULL, text);
	kss_changed(s);
}

const char *tsr_session_notification(const struct tsr_session *s)
{
	int64_t t = kss_now(s);

	for (size_t i = s->n_notes; i-- > 0;)
		if (s->notes[i].until_us > t)
			return s->notes[i].text;
	return s->standing[0] ? s->standing : NULL;
}

void tsr_session_set_standing_note(struct tsr_session *s, const char *text)
{
	if (strcmp(s->standing, text ? text : "") == 0)
		return;
	g_strlcpy(s->standing, text ? text : "", sizeof(s->standing));
	kss_changed(s);
}

/* --- actions: hotkeys, picks, clicks, what the displays report ------------------------------ */

/* The domains on the desktop in the order of their tiles: the scene tiles them in the order
 * they were added, which is the order their viewers were handed over (shown_order). */
static size_t tiles(const struct tsr_session *s, size_t out[TSR_KIOSK_SESSION_MAX_DOMAINS])
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_domains; i++) {
		if (!s->domains[i].shown || s->domains[i].waiting_frame)
			continue;
		size_t j = n++;
		while (j > 0 && s->domains[out[j - 1]].shown_order > s->domains[i].shown_order) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = i;
	}
	return n;
}

static bool cycle(struct tsr_session *s, int dir)
{
	size_t shown[TSR_KIOSK_SESSION_MAX_DOMAINS], cur = 0;
	size_t n = tiles(s, shown);

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(s->domains[shown[i]].name, s->focus) == 0)
			cur = i;
	set_focus(s, s->domains[shown[(cur + n + (size_t)(dir > 0 ? 1 : n - 1)) % n]].name);
	return true;
}

/* Super+N: the N-th tile from the left (top), as on screen. */
static const char *slot(const struct tsr_session *s, int n)
{
	size_t shown[TSR_KIOSK_SESSION_MAX_DOMAINS];
	size_t have = tiles(s, shown);

	return n >= 1 && (size_t)n <= have ? s->domains[shown[n - 1]].name : NULL;
}

bool tsr_session_action(struct tsr_session *s, enum tsr_input_action action, int arg,
			      enum tsr_kiosk_origin origin)
{
	bool unlocked = s->screen == TSR_KIOSK_SCREEN_PICKER || s->screen == TSR_KIOSK_SCREEN_DESKTOP;
	const char *name;

	if (s->lost || !kss_console_may_operate(s, origin))
		return false;
	switch (action) {
	case TSR_INPUT_ACTION_SAS:
		if (s->screen == TSR_KIOSK_SCREEN_NOT_ENROLLED || s->screen == TSR_KIOSK_SCREEN_INSTALL)
			return false; /* nothing to log in to */
		if (unlocked) {
			lock_now(s, "secure attention sequence");
			return true;
		}
		if (!kss_console_may_enter(s, origin))
			return false;
		if (s->screen == TSR_KIOSK_SCREEN_LOCKED) {
			reset_entry(s);
			s->screen = TSR_KIOSK_SCREEN_LOGIN;
			show_lease_warning(s);
		} else if (s->screen == TSR_KIOSK_SCREEN_LOCK) {
			kss_wipe_password(s);
			kss_clear_message(s);
			s->screen = TSR_KIOSK_SCREEN_UNLOCK;
		} else {
			/* Already at a trusted prompt: the SAS starts it afresh. */
			kss_wipe_password(s);
			if (!s->busy)
				kss_clear_message(s);
		}
		kss_changed(s);
		return true;
	case TSR_INPUT_ACTION_LOCK:
		if (!unlocked)
			return false;
		lock_now(s, "lock hotkey");
		return true;
	case TSR_INPUT_ACTION_TOGGLE_LAYOUT:
		if (s->screen != TSR_KIOSK_SCREEN_DESKTOP)
			return false;
		s->layout = s->layout == TSR_LAYOUT_SINGLE ? TSR_LAYOUT_TILED : TSR_LAYOUT_SINGLE;
		kss_changed(s);
		return true;
	case TSR_INPUT_ACTION_CYCLE_FOCUS:
		if (s->screen != TSR_KIOSK_SCREEN_DESKTOP || !cycle(s, arg))
			return false;
		kss_changed(s);
		return true;
	case TSR_INPUT_ACTION_FOCUS_SLOT:
		if (s->screen != TSR_KIOSK_SCREEN_DESKTOP || !(name = slot(s, arg)))
			return false;
		set_focus(s, name);
		kss_changed(s);
		return true;
	case TSR_INPUT_ACTION_FOCUS_DOMAIN:
		/* The kiosk resolves the router's id to a name: tsr_session_focused. */
		return false;
	case TSR_INPUT_ACTION_CLIPBOARD_COPY:
	case TSR_INPUT_ACTION_CLIPBOARD_PASTE:
		/* The displays move the text (kiosk/clipboard.h); the session has no part in it. */
		return false;
	case TSR_INPUT_ACTION_MOVE_OUTPUT:
		/* Where a domain is shown is the outputs' business (kiosk/placement.h), not the
		 * session's. */
		return false;
	case TSR_INPUT_ACTION_BRIGHTNESS:
		/* The broker owns the backlight; the kiosk only asks (kss_brightness), and only
		 * for the laptop's own keys. */
		return origin == TSR_KIOSK_ORIGIN_LOCAL && kss_brightness(s, arg);
	case TSR_INPUT_ACTION_VOLUME:
		/* dom0 has no audio and the domains' is not passed through yet: the volume keys
		 * are swallowed by the router and do nothing (doc/user-guide.md). */
		return false;
	}
	return false;
}

void kss_unblank(struct tsr_session *s, const char *why)
{
	if (!s->blanked)
		return;
	tsr_info("%s: outputs back on", why);
	s->blanked = false;
	if (s->hooks.blank)
		s->hooks.blank(s->data, false);
	kss_changed(s);
}

bool tsr_session_activity(struct tsr_session *s)
{
	bool was = s->blanked;

	s->last_activity_us = kss_now(s);
	kss_unblank(s, "input");
	return was;
}

bool tsr_session_blanked(const struct tsr_session *s)
{
	return s->blanked;
}

/* Blanking needs the lock in front: a screen that shows a domain or the user's picker never
 * goes dark by itself (the idle lock comes first). Without a blank hook nothing could turn the
 * outputs off, and swallowing a waking key then would only lose the user's key. */
static bool may_go_dark(const struct tsr_session *s)
{
	return !s->blanked && s->hooks.blank && s->screen != TSR_KIOSK_SCREEN_PICKER &&
	       s->screen != TSR_KIOSK_SCREEN_DESKTOP;
}

static bool may_blank(const struct tsr_session *s)
{
	return s->blank_after_s && may_go_dark(s);
}

void kss_blank(struct tsr_session *s, const char *why)
{
	if (!may_go_dark(s))
		return;
	tsr_info("%s: outputs off", why);
	s->blanked = true;
	s->hooks.blank(s->data, true);
}

bool tsr_session_select(struct tsr_session *s, size_t i, enum tsr_kiosk_origin origin)
{
	if (s->screen != TSR_KIOSK_SCREEN_PICKER || i > s->n_domains ||
	    !kss_console_may_enter(s, origin))
		return false;
	if (s->selected != i) {
		s->selected = i;
		kss_changed(s);
	}
	return true;
}

bool tsr_session_activate(struct tsr_session *s, size_t i, enum tsr_kiosk_origin origin)
{
	struct tsr_kiosk_domain_info *d;

	if (s->screen != TSR_KIOSK_SCREEN_PICKER || i > s->n_domains ||
	    !kss_console_may_enter(s, origin) || s->lost)
		return false;
	if (i != s->selected || i != s->n_domains)
		s->confirm_logout = false;
	s->selected = i;
	if (i == s->n_domains) {
		/* Logging out pauses or stops every domain: asked once more. */
		if (!s->confirm_logout) {
			s->confirm_logout = true;
			kss_set_message(s, false, "Log out? Your domains will be paused or stopped. "
					      "Enter: log out    Esc: cancel");
		} else {
			s->confirm_logout = false;
			kss_clear_message(s);
			kss_send_simple(s, TSR_KIOSK_LOGOUT);
		}
		kss_changed(s);
		return true;
	}
	d = &s->domains[i];
	if (d->state == TSR_KIOSK_DOMAIN_UNAVAILABLE) {
		kss_set_message(s, true, "%s cannot run on this laptop.", d->label);
	} else if (d->pick_pending || d->waiting_frame) {
		kss_set_message(s, false, "%s is starting…", d->label);
	} else if (d->shown) {
		set_focus(s, d->name);
		kss_clear_message(s);
		s->screen = TSR_KIOSK_SCREEN_DESKTOP;
	} else if (kss_n_shown(s) >= TSR_KIOSK_SESSION_MAX_SHOWN) {
		kss_set_message(s, true, "At most %d domains can be shown at once.",
			    TSR_KIOSK_SESSION_MAX_SHOWN);
	} else if (kss_send_domain_request(s, TSR_KIOSK_PICK, d->name)) {
		d->pick_pending = true;
		d->pick_us = kss_now(s);
		kss_clear_message(s);
	}
	kss_changed(s);
	return true;
}

bool tsr_session_show_picker(struct tsr_session *s, enum tsr_kiosk_origin origin)
{
	if (s->screen != TSR_KIOSK_SCREEN_DESKTOP || !kss_console_may_enter(s, origin))
		return false;
	s->screen = TSR_KIOSK_SCREEN_PICKER;
	kss_changed(s);
	return true;
}

/* Leaves the trusted starting screen for the domain's own pixels once they are there (or the
 * wait is over). */
static void maybe_show(struct tsr_session *s, struct tsr_kiosk_domain_info *d)
{
	bool waited = kss_now(s) - d->shown_us >= (int64_t)TSR_SESSION_START_SHOW_S * 1000000;

	if (!d->shown || !d->waiting_frame || !d->frame_ready || (!d->own_frame && !waited))
		return;
	d->waiting_frame = false;
	if (s->broker_state == TSR_KIOSK_SESSION_ACTIVE) {
		set_focus(s, d->name);
		if (s->screen == TSR_KIOSK_SCREEN_PICKER)
			s->screen = TSR_KIOSK_SCREEN_DESKTOP;
	}
	kss_changed(s);
}

void tsr_session_first_frame(struct tsr_session *s, const char *domain)
{
	struct tsr_kiosk_domain_info *d = kss_find(s, domain);

	if (!d || !d->shown || !d->waiting_frame)
		return;
	d->frame_ready = true;
	maybe_show(s, d);
}

void tsr_session_surface(struct tsr_session *s, const char *domain, int width, int height)
{
	struct tsr_kiosk_domain_info *d = kss_find(s, domain);
	bool device_model_screen = (width == 640 && height == 480) || (width == 720 && height == 400);

	if (!d || !d->shown || !d->waiting_frame)
		return;
	/* Only a QEMU domain (the broker reports its accelerator) has such screens before its
	 * guest's; any other domain's first surface is its own. */
	d->own_frame = d->accel == TSR_KIOSK_ACCEL_NONE || !device_model_screen;
	/* A new surface is blank until something is drawn on it: the displays report that as
	 * its first frame. */
	d->frame_ready = false;
	maybe_show(s, d);
}

void tsr_session_viewer_lost(struct tsr_session *s, const char *domain)
{
	struct tsr_kiosk_domain_info *d = kss_find(s, domain);

	if (!d || (!d->shown && !d->waiting_frame))
		return;
	kss_hide(s, d);
	kss_add_note(s, d->label, "its display was lost; pick it again to reconnect");
	kss_changed(s);
}

void tsr_session_focused(struct tsr_session *s, const char *domain)
{
	struct tsr_kiosk_domain_info *d = kss_find(s, domain);

	if (!d || !d->shown || s->screen != TSR_KIOSK_SCREEN_DESKTOP)
		return;
	set_focus(s, d->name);
	kss_changed(s);
}

/* --- time --------------------------------------------------------------------------------- */

void tsr_session_tick(struct tsr_session *s)
{
	int64_t t = kss_now(s);
	bool redraw = false;

	if (s->idle_lock_s && (s->screen == TSR_KIOSK_SCREEN_PICKER ||
			       s->screen == TSR_KIOSK_SCREEN_DESKTOP) &&
	    t - s->last_activity_us >= (int64_t)s->idle_lock_s * 1000000) {
		lock_now(s, "idle");
		return;
	}
	if (s->blank_after_s && t - s->last_activity_us >= (int64_t)s->blank_after_s * 1000000) {
		g_autofree char *why = g_strdup_printf("locked and idle for %" G_GUINT32_FORMAT " s",
						       s->blank_after_s);
		kss_blank(s, why);
	}
	for (size_t i = 0; i < s->n_notes; i++)
		if (s->notes[i].until_us && s->notes[i].until_us <= t) {
			s->notes[i].until_us = 0;
			redraw = true;
		}
	/* Drop expired notes from the front. */
	while (s->n_notes && s->notes[0].until_us == 0) {
		memmove(&s->notes[0], &s->notes[1], sizeof(s->notes[0]) * (s->n_notes - 1));
		s->n_notes--;
	}
	if (s->retry_until_us && s->retry_until_us <= t) {
		s->retry_until_us = 0;
		if (s->message_error)
			kss_clear_message(s);
		redraw = true;
	}
	for (size_t i = 0; i < s->n_domains; i++) {
		redraw |= s->domains[i].pick_pending || s->domains[i].waiting_frame;
		if (s->domains[i].waiting_frame)
			maybe_show(s, &s->domains[i]);
	}
	if (redraw)
		kss_changed(s);
}

int64_t tsr_session_next_tick_us(const struct tsr_session *s)
{
	int64_t t = kss_now(s), best = -1;

#define CONSIDER(at) do { int64_t d_ = (at) - t; if (d_ < 0) d_ = 0; \
		if (best < 0 || d_ < best) best = d_; } while (0)
	if (s->idle_lock_s && (s->screen == TSR_KIOSK_SCREEN_PICKER ||
			       s->screen == TSR_KIOSK_SCREEN_DESKTOP))
		CONSIDER(s->last_activity_us + (int64_t)s->idle_lock_s * 1000000);
	if (may_blank(s))
		CONSIDER(s->last_activity_us + (int64_t)s->blank_after_s * 1000000);
	for (size_t i = 0; i < s->n_notes; i++)
		if (s->notes[i].until_us)
			CONSIDER(s->notes[i].until_us);
	if (s->retry_until_us)
		CONSIDER(s->retry_until_us);
	for (size_t i = 0; i < s->n_domains; i++)
		if (s->domains[i].pick_pending || s->domains[i].waiting_frame)
			CONSIDER(t + 250000); /* the starting progress moves */
#undef CONSIDER
	return best;
}

/* --- life ----------------------------------------------------------------------------------- */

struct tsr_session *tsr_session_create(const struct tsr_session_config *config)
{
	struct tsr_session *s = g_new0(struct tsr_session, 1);

	s->fd = config->broker_fd;
	s->clock = config->clock ? config->clock : tsr_clock_monotonic();
	if (config->hooks)
		s->hooks = *config->hooks;
	s->data = config->data;
	g_strlcpy(s->organization, config->organization && config->organization[0]
					   ? config->organization : "Tessera",
		  sizeof(s->organization));
	s->have_lease = config->have_lease;
	s->lease = config->lease;
	s->lease_days = config->lease_days;
	/* Safe defaults until policy says otherwise: SAS first, no console rights. */
	s->requires_sas = true;
	s->console_rights = TSR_POLICY_CONSOLE_NONE;
	g_strlcpy(s->sas, "Ctrl+Alt+Backspace", sizeof(s->sas));
	s->screen = TSR_KIOSK_SCREEN_LOCKED;
	s->broker_state = TSR_KIOSK_SESSION_LOGIN;
	s->layout = TSR_LAYOUT_SINGLE;
	s->next_seq = 1;
	s->last_activity_us = kss_now(s);
	if (s->fd >= 0 && !g_unix_set_fd_nonblocking(s->fd, TRUE, NULL))
		kss_lost(s, "cannot make the broker link non-blocking");
	return s;
}

void tsr_session_destroy(struct tsr_session *s)
{
	if (!s)
		return;
	kss_wipe_password(s);
	if (s->fd >= 0)
		close(s->fd);
	g_free(s);
}
