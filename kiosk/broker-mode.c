/* kiosk/broker-mode.c: wires the session, screens, displays, input router, output and console
 * together in one GLib main loop (see broker-mode.h). Everything that decides lives in the
 * modules; this file only connects their hooks, so what it adds is the plumbing alone. */
#include "config.h"
#include "kiosk/broker-mode.h"

#include "common/log.h"
#include "input/devices.h"
#include "input/hotkeys.h"
#include "input/router.h"
#include "input/text.h"
#include "kiosk/broker-clipboard.h"
#include "kiosk/displays.h"
#include "kiosk/frames.h"
#include "kiosk/heads.h"
#include "kiosk/passed-card.h"
#include "kiosk/sandbox.h"
#include "kiosk/screens.h"
#include "kiosk/session.h"
#include "policy/policy.h"
#include "policy/state.h"
#include "proto/console-link.h"
#include "renderer/output.h"
#include "renderer/scene.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CONSOLE_SOURCE 0x10000u
/* The broker sends the card right after it starts the kiosk. */
#define CARD_TIMEOUT_MS 10000

struct kiosk {
	const struct tsr_kiosk_broker_options *o;
	GMainLoop *loop;
	int status;
	struct tsr_kiosk_heads *heads; /* the outputs; the first is mirrored to the console */
	struct tsr_output *output;     /* the first head's */
	struct tsr_scene *scene;
	struct tsr_kiosk_frames *frames;
	struct tsr_session *session;
	struct tsr_displays *displays;
	struct tsr_broker_clipboard *clipboard;
	struct tsr_input_router *router;
	struct tsr_policy_hotkeys hotkeys;
	struct tsr_policy_hotkeys settings_hotkeys; /* as SETTINGS gave them */
	struct tsr_input_text *text;
	struct tsr_input_devices *devices;
	char power_text[TSR_KIOSK_POWER_TEXT_SIZE]; /* the broker's battery text, "" for none */
	guint tick, clock_timer, broker_watch;

	struct tsr_console_link *console;
	int console_fd; /* a link the broker handed over, not yet in use; -1 none */
	int console_rights;
	bool console_added;
	uint32_t console_buttons;
	bool console_failed;

	bool pointer_shown; /* the pointer moved once: its sprite is on the output under it */
	/* the last pointer position the router gave each domain (buttons reuse it) */
	int last_domain, last_x, last_y;

	char last_shot[160];
	unsigned shots;
};

static void sync_all(struct kiosk *k);
static void after_frame(void *data);

/* --- console ---------------------------------------------------------------------------------- */

static enum tsr_kiosk_origin origin_of(uint32_t source)
{
	return source == CONSOLE_SOURCE ? TSR_KIOSK_ORIGIN_CONSOLE : TSR_KIOSK_ORIGIN_LOCAL;
}

/* The console's device in the router, under the current rights: none or view feed nothing;
 * operate reaches domains only; full is a local user. */
static void console_device(struct kiosk *k)
{
	bool want = k->console && (k->console_rights == TSR_POLICY_CONSOLE_OPERATE ||
				   k->console_rights == TSR_POLICY_CONSOLE_FULL);
	struct tsr_input_range x, y;

	if (k->console_added) {
		tsr_input_router_device_removed(k->router, CONSOLE_SOURCE);
		k->console_added = false;
	}
	/* The console mirrors the first output: its pointer lands there, whatever stands
	 * beside it. */
	if (!want || !tsr_kiosk_heads_first_ranges(k->heads, &x, &y))
		return;
	struct tsr_input_device dev = {
		.source = CONSOLE_SOURCE, .kind = TSR_INPUT_SOURCE_CONSOLE,
		.caps = TSR_INPUT_CAP_KEYBOARD | TSR_INPUT_CAP_ABSOLUTE,
		.abs_x = x, .abs_y = y,
		.name = "SPICE console",
		.domains_only = k->console_rights == TSR_POLICY_CONSOLE_OPERATE,
	};
	k->console_added = tsr_input_router_device_added(k->router, &dev);
	k->console_buttons = 0;
}

static void console_key(void *data, uint16_t scancode, bool down)
{
	struct kiosk *k = data;

	if (k->console_added)
		tsr_input_router_scancode(k->router, CONSOLE_SOURCE, scancode, down);
	else if (down)
		tsr_info("console key ignored: the console's rights are %s",
			 tsr_policy_console_rights_name((enum tsr_policy_console_rights)k->console_rights));
}

static void console_pointer(void *data, uint32_t x, uint32_t y, uint32_t buttons, int wheel)
{
	struct kiosk *k = data;
	static const struct { uint32_t bit; enum tsr_input_button b; } map[] = {
		{ TSR_CONSOLE_BUTTON_LEFT, TSR_INPUT_BUTTON_LEFT },
		{ TSR_CONSOLE_BUTTON_MIDDLE, TSR_INPUT_BUTTON_MIDDLE },
		{ TSR_CONSOLE_BUTTON_RIGHT, TSR_INPUT_BUTTON_RIGHT },
	};

	if (!k->console_added)
		return;
	tsr_input_router_position(k->router, CONSOLE_SOURCE, (int32_t)x, (int32_t)y);
	for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
		if ((buttons ^ k->console_buttons) & map[i].bit)
			tsr_input_router_button(k->router, CONSOLE_SOURCE, map[i].b,
						(buttons & map[i].bit) != 0);
	k->console_buttons = buttons;
	if (wheel)
		tsr_input_router_wheel(k->router, CONSOLE_SOURCE, -wheel);
}

static void console_clients(void *data, unsigned clients)
{
	struct kiosk *k = data;
	g_autofree char *text = clients ? g_strdup_printf("Remote console in use (%u)", clients)
					: NULL;

	/* Whoever sits at the laptop always sees that someone may be watching. */
	tsr_session_set_standing_note(k->session, text);
}

static void console_stop(struct kiosk *k);

static gboolean console_closed_idle(gpointer data)
{
	console_stop(data);
	return G_SOURCE_REMOVE;
}

static void console_closed(void *data, const char *why)
{
	struct kiosk *k = data;

	tsr_warn("console: %s", why);
	k->console_failed = true;
	/* Not from inside the link's own callback. */
	g_idle_add(console_closed_idle, k);
}

static const struct tsr_console_link_callbacks console_cb = {
	.key = console_key, .pointer = console_pointer, .clients = console_clients,
	.closed = console_closed,
};

static void console_stop(struct kiosk *k)
{
	if (!k->console)
		return;
	tsr_kiosk_frames_set_console(k->frames, NULL);
	tsr_console_link_destroy(k->console);
	k->console = NULL;
	console_device(k);
	tsr_session_set_standing_note(k->session, NULL);
}

static void console_apply(struct kiosk *k, int rights)
{
	g_autoptr(GError) error = NULL;

	k->console_rights = rights;
	if (rights == TSR_POLICY_CONSOLE_NONE) {
		console_stop(k);
		return;
	}
	if (!k->console && !k->console_failed) {
		/* The broker starts the console (it needs root to enter its sandbox) and hands
		 * over its link before the settings that turn it on. */
		if (k->console_fd >= 0) {
			k->console = tsr_console_link_wrap(k->console_fd, &console_cb, k);
			if (!k->console)
				close(k->console_fd);
			k->console_fd = -1;
			if (!k->console)
				g_set_error(&error, G_IO_ERROR, G_IO_ERROR_FAILED,
					    "the console's link is unusable");
		} else {
			g_set_error(&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
				    "policy turns the console on, but the broker handed over no "
				    "console link");
		}
		if (!k->console) {
			tsr_err("console: %s", error->message);
			k->console_failed = true;
			return;
		}
		tsr_console_link_attach(k->console, NULL);
		tsr_kiosk_frames_set_console(k->frames, k->console);
		tsr_info("console: link from the broker, rights %s",
			 tsr_policy_console_rights_name((enum tsr_policy_console_rights)rights));
	}
	console_device(k);
}

/* --- session hooks ---------------------------------------------------------------------------- */

static void on_changed(void *data)
{
	sync_all(data);
}

/* A picked domain goes on the output the pointer is on (where the user picked it). */
static void on_viewer(void *data, const char *domain, int fd)
{
	struct kiosk *k = data;
	const struct tsr_kiosk_domain_info *d = tsr_session_find(k->session, domain);
	int x, y;

	tsr_input_router_get_pointer(k->router, &x, &y);
	tsr_kiosk_heads_show(k->heads, domain, x, y);
	if (!tsr_displays_add(k->displays, domain, d ? d->colour : TSR_COLOR_GRAY, fd)) {
		tsr_kiosk_heads_hide(k->heads, domain);
		tsr_session_viewer_lost(k->session, domain);
	}
}

static void on_hide(void *data, const char *domain)
{
	struct kiosk *k = data;

	tsr_broker_clipboard_gone(k->clipboard, domain);
	tsr_displays_remove(k->displays, domain);
	tsr_kiosk_heads_hide(k->heads, domain);
}

/* [outputs] from the policy: the row of outputs again, or one desktop mirrored on all. */
static void apply_output_order(struct kiosk *k, const struct tsr_kiosk_settings *m)
{
	const char *order[TSR_KIOSK_OUTPUTS_MAX + 1];
	char names[TSR_KIOSK_OUTPUTS_MAX][TSR_KIOSK_CONNECTOR_SIZE];
	int n = 0;

	for (int i = 0; i < TSR_KIOSK_OUTPUTS_MAX && m->output_order[i][0]; i++) {
		/* Checked by the link (NUL-terminated); copied so the order outlives m. */
		g_strlcpy(names[n], m->output_order[i], sizeof names[n]);
		order[n] = names[n];
		n++;
	}
	order[n] = NULL;
	tsr_kiosk_heads_set_order(k->heads, order);
	tsr_kiosk_heads_set_mirror(k->heads, m->output_mode == 1);
}

static void apply_text(struct kiosk *k, const struct tsr_kiosk_settings *m)
{
	g_autoptr(GError) error = NULL;
	struct tsr_input_text_config c = { m->xkb_rules, m->xkb_model, m->xkb_layout,
					   m->xkb_variant, m->xkb_options };
	struct tsr_input_text *t = tsr_input_text_create(&c, &error);

	if (!t) {
		tsr_warn("keyboard layout from policy: %s; keeping the previous one", error->message);
		return;
	}
	tsr_input_router_set_text(k->router, t);
	tsr_input_text_destroy(k->text);
	k->text = t;
}

/* Until the broker sends policy's [clipboard] there is no trusted clipboard
 * (kiosk/broker-clipboard.h): the copy and paste keys stay the guest's instead of being
 * swallowed for nothing. */
static void keys_without_clipboard(struct kiosk *k, struct tsr_policy_hotkeys *h)
{
	if (k->clipboard && tsr_broker_clipboard_enabled(k->clipboard))
		return;
	h->copy = (struct tsr_policy_combo){ 0, 0 };
	h->paste = (struct tsr_policy_combo){ 0, 0 };
}

static void on_settings(void *data, const struct tsr_kiosk_settings *m)
{
	struct kiosk *k = data;
	struct tsr_policy_hotkeys h;
	g_autoptr(GError) error = NULL;

	/* Typed by the broker's policy parser; checked again here, since a message that passed
	 * the link's range checks could still put two actions on the same keys. */
	tsr_kiosk_hotkeys_unpack(&h, &m->hotkeys);
	if (!tsr_policy_hotkeys_check(&h, &error)) {
		tsr_warn("hotkeys from policy: %s; keeping the defaults", error->message);
		tsr_policy_hotkeys_init_default(&h);
	}
	k->settings_hotkeys = h;
	keys_without_clipboard(k, &h);
	/* The router borrows k->hotkeys: updated in place. */
	k->hotkeys = h;
	apply_text(k, m);
	console_apply(k, (int)m->console);
	apply_output_order(k, m);
}

/* The clipboard's policy: from the first one on, the copy and paste keys are the kiosk's. */
static void on_clipboard(void *data, const struct tsr_kiosk_clipboard *m)
{
	struct kiosk *k = data;

	tsr_broker_clipboard_policy(k->clipboard, m);
	k->hotkeys.copy = k->settings_hotkeys.copy;
	k->hotkeys.paste = k->settings_hotkeys.paste;
}

/* A console the broker started: kept until the settings say what rights it has; a new one
 * replaces the one before, and is used at once under the rights the last settings gave (the
 * broker's restart of a console that crashed comes with no new settings). */
static void on_console(void *data, int fd)
{
	struct kiosk *k = data;

	if (k->console_fd >= 0)
		close(k->console_fd);
	k->console_fd = fd;
	k->console_failed = false;
	console_stop(k);
	if (k->console_rights != TSR_POLICY_CONSOLE_NONE)
		console_apply(k, k->console_rights);
}

/* Devices the broker lends after the card: evdev nodes, as they come and go. */
static void on_device(void *data, const struct tsr_kiosk_device *m, int fd)
{
	struct kiosk *k = data;
	g_autoptr(GError) error = NULL;

	if (m->kind != TSR_KIOSK_DEVICE_EVDEV) {
		tsr_warn("input: the broker sent a second DRM card (%s); ignored", m->node);
		if (fd >= 0)
			close(fd);
		return;
	}
	if (!k->devices) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (m->action == TSR_KIOSK_DEVICE_REMOVE) {
		tsr_input_devices_remove_id(k->devices, m->id);
		return;
	}
	if (tsr_input_devices_add_fd(k->devices, m->id, fd, m->node, &error))
		return;
	if (g_error_matches(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_NOT_OURS))
		tsr_debug("input: %s", error->message);
	else
		tsr_warn("input: %s", error->message);
}

static void on_broker_lost(void *data, const char *why)
{
	struct kiosk *k = data;

	/* The session logged why, as an error where it was one. */
	tsr_info("leaving: %s", why);
	k->status = 1;
	g_main_loop_quit(k->loop);
}

static void on_power(void *data, const char *text);

/* Policy's blank-after: a locked kiosk left alone turns its displays off. */
static void on_blank(void *data, bool off)
{
	tsr_kiosk_heads_set_power(((struct kiosk *)data)->heads, !off);
}

static const struct tsr_session_hooks session_hooks = {
	.changed = on_changed, .viewer = on_viewer, .hide = on_hide, .settings = on_settings,
	.device = on_device, .console = on_console, .clipboard = on_clipboard,
	.broker_lost = on_broker_lost, .power = on_power, .blank = on_blank,
};

static void on_first_frame(void *data, const char *domain)
{
	tsr_session_first_frame(((struct kiosk *)data)->session, domain);
}

/* A lost display leaves the desktop: the session hides it with a note (and asks the displays to
 * remove it); one the session no longer shows is removed here. */
static void on_display_lost(void *data, const char *domain, const char *why)
{
	struct kiosk *k = data;

	(void)why;
	tsr_broker_clipboard_gone(k->clipboard, domain);
	tsr_session_viewer_lost(k->session, domain);
	tsr_displays_remove(k->displays, domain);
	tsr_kiosk_heads_hide(k->heads, domain);
}

static void on_display_surface(void *data, const char *domain, uint32_t width, uint32_t height)
{
	tsr_session_surface(((struct kiosk *)data)->session, domain, (int)width, (int)height);
}

static void on_display_clipboard(void *data, const char *domain,
				 struct tsr_clipboard_answer *answer)
{
	tsr_broker_clipboard_answer(((struct kiosk *)data)->clipboard, domain, answer);
}

static const struct tsr_displays_hooks display_hooks = {
	.first_frame = on_first_frame, .lost = on_display_lost, .surface = on_display_surface,
	.clipboard = on_display_clipboard,
};

/* --- router sinks ------------------------------------------------------------------------------ */

static void sink_domain_key(void *ud, int domain, uint32_t scancode, bool down)
{
	struct kiosk *k = ud;

	tsr_session_activity(k->session);
	tsr_displays_key(k->displays, domain, scancode, down);
}

static void sink_domain_motion(void *ud, int domain, int x, int y, uint32_t buttons)
{
	struct kiosk *k = ud;

	k->last_domain = domain;
	k->last_x = x;
	k->last_y = y;
	tsr_displays_pointer(k->displays, domain, x, y, buttons);
}

static void sink_domain_button(void *ud, int domain, enum tsr_input_button button, bool down,
			       uint32_t buttons)
{
	struct kiosk *k = ud;

	int x, y;

	tsr_session_activity(k->session);
	if (k->last_domain == domain) {
		tsr_displays_pointer(k->displays, domain, k->last_x, k->last_y, buttons);
		return;
	}
	/* The pointer did not move since another domain had it (e.g. after a focus hotkey): the
	 * router sent this domain no motion yet, so map the pointer's place now. */
	tsr_input_router_get_pointer(k->router, &x, &y);
	tsr_displays_button_at(k->displays, domain, x, y, buttons);
}

static void sink_kiosk_key(void *ud, const struct tsr_input_kiosk_key *key)
{
	struct kiosk *k = ud;

	/* The key that wakes blanked outputs is not typed into the lock screen. */
	if (!tsr_session_activity(k->session))
		tsr_session_key(k->session, key, origin_of(key->source));
}

static void sink_kiosk_button(void *ud, int x, int y, enum tsr_input_button button, bool down,
			      uint32_t buttons)
{
	struct kiosk *k = ud;
	const struct tsr_kiosk_target *t;
	struct tsr_kiosk_head *head;
	int32_t lx, ly;
	int i;

	if (tsr_session_activity(k->session) || button != TSR_INPUT_BUTTON_LEFT || !down || !tsr_kiosk_heads_locate(k->heads, x, y, &i, &lx, &ly))
		return;
	/* Each output has its own top bar and its own copy of the trusted screen, judged in
	 * that output's pixels. */
	head = tsr_kiosk_heads_get(k->heads, i);
	/* The router gives kiosk pointer events only for sources allowed on the kiosk's own
	 * screens (an operate-only console is swallowed there), so these are local rights. */
	if (tsr_session_screen(k->session) == TSR_KIOSK_SCREEN_DESKTOP) {
		if (tsr_scene_hit_test(head->scene, lx, ly, NULL) == TSR_HIT_TOP_BAR)
			tsr_session_show_picker(k->session, TSR_KIOSK_ORIGIN_LOCAL);
		return;
	}
	t = tsr_kiosk_targets_hit(&head->targets, lx, ly);
	if (!t)
		return;
	switch (t->kind) {
	case TSR_KIOSK_TARGET_TILE:
	case TSR_KIOSK_TARGET_LOGOUT:
		tsr_session_activate(k->session, t->index, TSR_KIOSK_ORIGIN_LOCAL);
		break;
	case TSR_KIOSK_TARGET_FIELD:
		tsr_session_login_field(k->session, (int)t->index, TSR_KIOSK_ORIGIN_LOCAL);
		break;
	}
}

static void sink_kiosk_action(void *ud, enum tsr_input_action action, int arg, uint32_t source)
{
	struct kiosk *k = ud;
	const char *name;

	if (tsr_session_activity(k->session)) {
		/* Only woke the outputs; the router's kiosk grab follows the session. */
		sync_all(k);
		return;
	}
	if (action == TSR_INPUT_ACTION_FOCUS_DOMAIN) {
		if ((name = tsr_displays_name(k->displays, arg)))
			tsr_session_focused(k->session, name);
		return;
	}
	if (action == TSR_INPUT_ACTION_CLIPBOARD_COPY || action == TSR_INPUT_ACTION_CLIPBOARD_PASTE) {
		/* Text moves for the user at the laptop, or a console policy gives full rights
		 * (it is a local user then); never for one that may only operate domains. */
		if ((origin_of(source) == TSR_KIOSK_ORIGIN_LOCAL ||
		     k->console_rights == TSR_POLICY_CONSOLE_FULL) &&
		    tsr_session_screen(k->session) == TSR_KIOSK_SCREEN_DESKTOP)
			tsr_broker_clipboard_hotkey(k->clipboard,
						    action == TSR_INPUT_ACTION_CLIPBOARD_COPY,
						    tsr_session_focus(k->session));
		sync_all(k);
		return;
	}
	if (action == TSR_INPUT_ACTION_MOVE_OUTPUT) {
		const char *focus = tsr_session_focus(k->session);

		/* The focused domain keeps the focus and its viewer; its guest is asked for the
		 * size of its new frame (sync_all). */
		if (tsr_session_screen(k->session) != TSR_KIOSK_SCREEN_DESKTOP || !focus)
			return;
		if (tsr_kiosk_heads_move(k->heads, focus, arg))
			tsr_info("outputs: %s moved %s", focus, arg < 0 ? "left" : "right");
		else
			tsr_info("outputs: %s cannot move %s (no output with room that way)", focus,
				 arg < 0 ? "left" : "right");
		sync_all(k);
		return;
	}
	tsr_session_action(k->session, action, arg, origin_of(source));
	/* The router turned its kiosk grab on for the SAS; the session decides if it stays. */
	sync_all(k);
}

static void sink_pointer_moved(void *ud, int x, int y)
{
	struct kiosk *k = ud;

	tsr_session_activity(k->session);
	k->pointer_shown = true;
	tsr_kiosk_heads_pointer(k->heads, x, y);
}

/* --- keeping everything in step with the session ------------------------------------------------- */

/* Each guest is asked for the frame it was just drawn in (the resize debouncer ignores a size
 * already asked for, so most frames ask nothing). */
static void on_any_frame(void *data)
{
	tsr_displays_frames_changed(((struct kiosk *)data)->displays);
}

/* Hotplug moved domains: their new frames, the screens on a new output, and the pointer on
 * the output that is now under it (never left drawn on one it is not on). */
static void on_heads_changed(void *data)
{
	struct kiosk *k = data;
	int x, y;

	if (k->pointer_shown) {
		tsr_input_router_get_pointer(k->router, &x, &y);
		tsr_kiosk_heads_pointer(k->heads, x, y);
	}
	if (k->console)
		console_device(k);
	sync_all(k);
}

static gboolean on_tick(gpointer data)
{
	struct kiosk *k = data;

	k->tick = 0;
	tsr_session_tick(k->session);
	sync_all(k);
	return G_SOURCE_REMOVE;
}

static void sync_all(struct kiosk *k)
{
	g_autoptr(GError) error = NULL;
	enum tsr_kiosk_screen screen = tsr_session_screen(k->session);
	const char *focus = tsr_session_focus(k->session);
	int64_t next;

	if (k->clipboard)
		tsr_broker_clipboard_session_changed(k->clipboard);
	tsr_kiosk_heads_set_layout(k->heads, tsr_session_layout(k->session));
	tsr_kiosk_heads_focus(k->heads, focus);
	for (int i = 0; i < tsr_kiosk_heads_count(k->heads); i++) {
		struct tsr_kiosk_head *head = tsr_kiosk_heads_get(k->heads, i);

		if (!tsr_kiosk_screens_draw(head->scene, k->session, &head->targets, &error)) {
			tsr_err("screen %s: %s", tsr_kiosk_screen_name(screen), error->message);
			g_clear_error(&error);
		}
	}
	tsr_displays_frames_changed(k->displays);
	tsr_input_router_set_kiosk_grab(k->router, screen != TSR_KIOSK_SCREEN_DESKTOP);
	tsr_input_router_set_focus(k->router, screen == TSR_KIOSK_SCREEN_DESKTOP && focus
						      ? tsr_displays_id(k->displays, focus)
						      : TSR_INPUT_NO_DOMAIN);
	g_clear_handle_id(&k->tick, g_source_remove);
	next = tsr_session_next_tick_us(k->session);
	if (next >= 0)
		k->tick = g_timeout_add((guint)MIN(next / 1000 + 1, 60000), on_tick, k);
	/* A change the screen already shows (the domain list's closing answer after its
	 * domains were drawn, say) brings no frame: what after_frame tells is on the output now. */
	if (tsr_kiosk_heads_first_settled(k->heads))
		after_frame(k);
}

/* The clock slot of the top bar: the battery text (when the laptop has one) beside the time. */
static void set_clock(struct kiosk *k)
{
	char time_text[32];
	time_t t = time(NULL);
	struct tm tm;
	g_autofree char *text = NULL;

	if (k->o->clock_text)
		g_strlcpy(time_text, k->o->clock_text, sizeof(time_text));
	else if (localtime_r(&t, &tm))
		strftime(time_text, sizeof(time_text), "%H:%M", &tm);
	else
		g_strlcpy(time_text, "--:--", sizeof(time_text));
	text = k->power_text[0] ? g_strdup_printf("%s   %s", k->power_text, time_text)
				: g_strdup(time_text);
	if (!tsr_kiosk_heads_set_clock(k->heads, text))
		tsr_warn("clock text refused");
}

static void on_power(void *data, const char *text)
{
	struct kiosk *k = data;

	if (strcmp(k->power_text, text) == 0)
		return;
	g_strlcpy(k->power_text, text, sizeof(k->power_text));
	tsr_info("top bar: power '%s'", text);
	set_clock(k);
}

static gboolean on_clock(gpointer data)
{
	struct kiosk *k = data;

	set_clock(k);
	k->clock_timer = g_timeout_add_seconds((guint)(60 - time(NULL) % 60), on_clock, k);
	return G_SOURCE_REMOVE;
}

static gboolean on_broker(int fd, GIOCondition cond, gpointer data)
{
	struct kiosk *k = data;

	if (tsr_session_dispatch(k->session) < 0) {
		k->broker_watch = 0;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static bool error_shown(struct kiosk *k)
{
	bool error = false;

	return tsr_session_message(k->session, &error)[0] && error;
}

/* The number of screenshots already in dir, so a restarted kiosk goes on counting. */
static unsigned count_shots(const char *dir)
{
	g_autoptr(GDir) d = dir ? g_dir_open(dir, 0, NULL) : NULL;
	const char *e;
	unsigned n = 0;

	while (d && (e = g_dir_read_name(d)))
		n += g_str_has_suffix(e, ".png");
	return n;
}

/* The install screen's name carries its state: "install-offer" to "install-failed". */
static const char *const install_states[] = { "waiting", "offer", "running", "done", "failed" };

/* Each screen the kiosk passes through is logged ("screen NAME", for tests and support) once
 * it is on the output, and with --screenshot-dir saved as a PNG (headless outputs only). */
static void after_frame(void *data)
{
	struct kiosk *k = data;
	enum tsr_kiosk_screen screen = tsr_session_screen(k->session);
	const char *focus = tsr_session_focus(k->session);
	char key[160];
	g_autoptr(GError) error = NULL;

	if (screen == TSR_KIOSK_SCREEN_DESKTOP)
		g_snprintf(key, sizeof(key), "desktop-%s-%s", tsr_layout_name(tsr_session_layout(k->session)),
			   focus ? focus : "none");
	else if (screen == TSR_KIOSK_SCREEN_INSTALL)
		g_snprintf(key, sizeof(key), "install-%s%s",
			   install_states[tsr_session_install(k->session)->state % 5],
			   error_shown(k) ? "-error" : "");
	else
		g_snprintf(key, sizeof(key), "%s%s", tsr_kiosk_screen_name(screen),
			   error_shown(k) ? "-error"
			   : screen == TSR_KIOSK_SCREEN_PICKER && tsr_session_listing(k->session)
				   ? "-loading" : "");
	if (tsr_session_waiting_broker(k->session) || strcmp(key, k->last_shot) == 0)
		return;
	g_strlcpy(k->last_shot, key, sizeof(k->last_shot));
	tsr_info("screen %s", key);
	if (error_shown(k)) /* what the user reads, for support: never a secret */
		tsr_info("screen's error: %s", tsr_session_message(k->session, NULL));
	if (screen == TSR_KIOSK_SCREEN_LOCK || screen == TSR_KIOSK_SCREEN_UNLOCK)
		tsr_session_lock_shown(k->session);
	if (screen == TSR_KIOSK_SCREEN_LOCK || screen == TSR_KIOSK_SCREEN_LOCKED) {
		/* How promptly the session's frames reached the output, for tests and support. */
		struct tsr_kiosk_pacing p = tsr_kiosk_frames_take_pacing(k->frames);
		tsr_info("display pacing: %" G_GUINT64_FORMAT " damages shown by the next flip, %"
			 G_GUINT64_FORMAT " later (at most %" G_GUINT64_FORMAT " flips)", p.next,
			 p.later, p.most);
	}
	if (!k->o->screenshot_dir)
		return;
	g_autofree char *path = g_strdup_printf("%s/%02u-%s.png", k->o->screenshot_dir, ++k->shots, key);
	g_autofree char *tmp = g_strdup_printf("%s.tmp", path);
	/* Written under another name and renamed, so a watcher never reads half a file. */
	if (!tsr_output_screenshot(k->output, tmp, &error) || rename(tmp, path) < 0)
		tsr_warn("screenshot %s: %s", path, error ? error->message : g_strerror(errno));
	else
		tsr_info("screenshot %s", path);
}

static gboolean on_quit(gpointer data)
{
	struct kiosk *k = data;

	tsr_info("leaving on a signal");
	g_main_loop_quit(k->loop);
	return G_SOURCE_CONTINUE;
}

/* The installed policy, when this user may read it: organization and lease for the login
 * screen. The broker checks the lease itself; this only lets the screen warn first. */
static void read_policy(const struct tsr_kiosk_broker_options *o, struct tsr_session_config *c,
			char **organization)
{
	g_autoptr(GError) error = NULL;
	struct tsr_policy *p = tsr_policy_load_installed(o->state_dir, &error);
	int64_t now, latest, days = 0;

	if (!p) {
		tsr_debug("installed policy not read (%s): no lease warning before login",
			  error->message);
		return;
	}
	now = (int64_t)time(NULL);
	latest = tsr_policy_state_latest_time(o->state_dir);
	c->lease = tsr_policy_lease_state(p, MAX(now, latest), &days);
	c->lease_days = days;
	c->have_lease = true;
	if (p->organization)
		*organization = g_strdup(p->organization);
	tsr_policy_free(p);
}

/* The displays, the input router that feeds them and the screens, its text layout, and the
 * devices the broker lends (on a drm output, unless told otherwise). */
static bool start_input(struct kiosk *k, GError **error)
{
	struct tsr_input_sinks sinks = {
		.user_data = k, .domain_key = sink_domain_key, .domain_motion = sink_domain_motion,
		.domain_button = sink_domain_button, .kiosk_key = sink_kiosk_key,
		.kiosk_button = sink_kiosk_button, .kiosk_action = sink_kiosk_action,
		.pointer_moved = sink_pointer_moved,
	};
	struct tsr_input_text_config tc = { 0 };
	struct tsr_input_geometry geometry;
	g_autoptr(GError) text_error = NULL;
	int evdev;

	k->displays = tsr_displays_create(k->scene, &display_hooks, k);
	k->clipboard = tsr_broker_clipboard_create(k->heads, k->displays, k->session);
	tsr_displays_geometry(k->displays, &geometry);
	tsr_policy_hotkeys_init_default(&k->hotkeys);
	k->settings_hotkeys = k->hotkeys;
	keys_without_clipboard(k, &k->hotkeys);
	k->router = tsr_input_router_create(&sinks, &geometry, &k->hotkeys, NULL);
	tsr_displays_set_router(k->displays, k->router);
	tsr_kiosk_heads_set_displays(k->heads, k->displays);
	k->text = tsr_input_text_create(&tc, &text_error);
	if (!k->text)
		tsr_warn("keyboard layout: %s; the trusted screens get no text", text_error->message);
	tsr_input_router_set_text(k->router, k->text);
	evdev = k->o->evdev < 0 ? strcmp(tsr_output_kind(k->output), "drm") == 0 : k->o->evdev;
	if (evdev) {
		/* Every input device comes from the broker (on_device); none is opened here. */
		struct tsr_input_devices_options io = { .passed = true };
		k->devices = tsr_input_devices_create(k->router, &io, error);
		if (!k->devices) {
			g_prefix_error(error, "input devices: ");
			return false;
		}
	}
	return true;
}

/* Screenshots after frames, the clock, the broker link and the signals that end the kiosk. */
static void start_watches(struct kiosk *k)
{
	static const struct tsr_kiosk_heads_hooks heads_hooks = {
		.changed = on_heads_changed, .first_head_frame = after_frame,
		.frame = on_any_frame,
	};

	tsr_kiosk_heads_set_hooks(k->heads, &heads_hooks, k);
	k->shots = count_shots(k->o->screenshot_dir);
	set_clock(k);
	if (!k->o->clock_text)
		k->clock_timer = g_timeout_add_seconds((guint)(60 - time(NULL) % 60), on_clock, k);
	k->broker_watch = g_unix_fd_add(tsr_session_fd(k->session),
					G_IO_IN | G_IO_HUP | G_IO_ERR, on_broker, k);
	g_unix_signal_add(SIGTERM, on_quit, k);
	g_unix_signal_add(SIGINT, on_quit, k);
}

static void kiosk_free(struct kiosk *k)
{
	g_clear_handle_id(&k->tick, g_source_remove);
	g_clear_handle_id(&k->clock_timer, g_source_remove);
	g_clear_handle_id(&k->broker_watch, g_source_remove);
	if (k->console) {
		tsr_kiosk_frames_set_console(k->frames, NULL);
		tsr_console_link_destroy(k->console);
	}
	if (k->console_fd >= 0)
		close(k->console_fd);
	tsr_input_devices_destroy(k->devices);
	tsr_broker_clipboard_destroy(k->clipboard);
	tsr_displays_destroy(k->displays);
	tsr_input_router_destroy(k->router);
	tsr_input_text_destroy(k->text);
	tsr_session_destroy(k->session);
	tsr_kiosk_heads_destroy(k->heads);
	g_main_loop_unref(k->loop);
}

int tsr_kiosk_broker_run(const struct tsr_kiosk_broker_options *o)
{
	struct kiosk k = { .o = o, .status = 0, .last_domain = -1, .console_fd = -1 };
	g_autoptr(GError) error = NULL;
	g_autofree char *organization = NULL;
	struct tsr_session_config sc = { .broker_fd = o->broker_fd, .hooks = &session_hooks,
					 .data = &k };

	signal(SIGPIPE, SIG_IGN);
	k.loop = g_main_loop_new(NULL, FALSE);
	read_policy(o, &sc, &organization);
	sc.organization = o->organization ? o->organization : organization;
	/* A drm output uses the card the broker lends: it comes first on the link, before the
	 * session reads anything. */
	if (!o->output || strncmp(o->output, "drm", 3) == 0) {
		char node[TSR_KIOSK_LABEL_SIZE];
		int card = tsr_kiosk_receive_card(o->broker_fd, CARD_TIMEOUT_MS, node, sizeof(node),
						  &error);
		if (card < 0) {
			tsr_err("output: %s", error->message);
			close(o->broker_fd);
			g_main_loop_unref(k.loop);
			return 1;
		}
		k.heads = tsr_kiosk_heads_open(o->output, card, node, &error);
	} else {
		k.heads = tsr_kiosk_heads_open(o->output, -1, NULL, &error);
	}
	k.session = tsr_session_create(&sc);
	if (!k.heads || tsr_kiosk_heads_count(k.heads) == 0) {
		tsr_err("output: %s", error ? error->message : "none");
		k.status = 1;
		goto out;
	}
	/* The first head is the one the console mirrors and screenshots show. */
	k.output = tsr_kiosk_heads_get(k.heads, 0)->output;
	k.scene = tsr_kiosk_heads_get(k.heads, 0)->scene;
	k.frames = tsr_kiosk_heads_get(k.heads, 0)->frames;
	if (!start_input(&k, &error)) {
		tsr_err("%s", error->message);
		k.status = 1;
		goto out;
	}
	start_watches(&k);
	sync_all(&k);
	/* Everything is open: from here on, only what kiosk/sandbox.c allows. */
	if (!tsr_kiosk_sandbox_enter(o->screenshot_dir != NULL)) {
		k.status = 1;
		goto out;
	}
	tsr_info("kiosk running on %s %dx%d (%d output%s), locked, sandboxed",
		 tsr_output_kind(k.output), tsr_output_width(k.output), tsr_output_height(k.output),
		 tsr_kiosk_heads_count(k.heads), tsr_kiosk_heads_count(k.heads) == 1 ? "" : "s");
	/* Messages that arrived before the watch existed. */
	if (tsr_session_dispatch(k.session) == 0)
		g_main_loop_run(k.loop);
out:
	kiosk_free(&k);
	return k.status;
}
