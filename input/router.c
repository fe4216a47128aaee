/* input/router.c: hotkeys, focus and pointer routing (the rules are in router.h).
 *
 * The state that matters for "no keystroke reaches the wrong domain" is the list of keys
 * physically down: for each, whether it is held back (a modifier that may start a hotkey),
 * sent (and to which target), or swallowed (part of a hotkey, or its target changed since it
 * went down). Every release and auto-repeat is decided from that entry alone, so a target only
 * ever hears about keys it saw go down. */
#include "config.h"
#include "input/router.h"

#include "common/log.h"
#include "input/keymap.h"
#include "input/text.h"

#include <glib.h>
#include <linux/input-event-codes.h>
#include <string.h>

/* Keyboard/pointer targets besides domain ids (>= 0). */
#define TARGET_KIOSK (-2)
#define TARGET_NONE (-3)    /* pointer: no button held */
#define TARGET_DROPPED (-4) /* pointer: buttons held, but their target was taken away */

enum key_state {
	KEY_PENDING, /* a modifier held back until we know whether it starts a hotkey */
	KEY_SENT,    /* delivered down to .target */
	KEY_EATEN,   /* part of a hotkey, or its target lost it: swallowed until released */
};

struct pressed_key {
	uint32_t source;
	uint16_t code;
	unsigned mod;
	enum key_state state;
	int target;
};

#define FRAME_MAX 32

struct frame_event {
	uint16_t type, code;
	int32_t value;
};

struct source {
	struct tsr_input_device info;
	char *name;
	uint32_t buttons; /* SPICE mask of the buttons this source holds */
	/* evdev frame being assembled (tsr_input_router_evdev) */
	int dx, dy, wheel;
	int32_t abs_x, abs_y;
	bool abs_changed;
	int mt_slot;
	/* touchpad: finger down, last position, sub-pixel remainder (device units x desktop) */
	bool tp_touching, tp_have_last;
	int32_t tp_last_x, tp_last_y;
	int64_t tp_rem_x, tp_rem_y;
	struct frame_event frame[FRAME_MAX];
	size_t nframe;
};

struct tsr_input_router {
	struct tsr_input_sinks sinks;
	struct tsr_input_geometry geometry;
	struct tsr_policy_hotkeys default_hotkeys;
	const struct tsr_policy_hotkeys *hotkeys;
	struct tsr_input_router_options options;
	struct tsr_input_text *text;

	GPtrArray *sources;  /* struct source * */
	GArray *pressed;     /* struct pressed_key, in press order */
	bool kiosk_grab;
	int focus;

	bool cur_domains_only; /* the pointer event being handled comes from such a source */
	int px, py;          /* pointer on the desktop */
	/* the last motion a domain got (domain, desktop position), so a press never lands on a
	 * domain that has not seen the pointer where it is (after a layout change, a domain
	 * appearing under a still pointer) */
	int moved_domain, moved_x, moved_y;
	uint32_t buttons;    /* union of the sources' masks */
	int pointer_target;  /* who gets pointer events while buttons are held */
};

struct tsr_input_router *tsr_input_router_create(const struct tsr_input_sinks *sinks,
						 const struct tsr_input_geometry *geometry,
						 const struct tsr_policy_hotkeys *hotkeys,
						 const struct tsr_input_router_options *options)
{
	struct tsr_input_router *r = g_new0(struct tsr_input_router, 1);

	if (sinks)
		r->sinks = *sinks;
	if (geometry)
		r->geometry = *geometry;
	tsr_policy_hotkeys_init_default(&r->default_hotkeys);
	r->hotkeys = hotkeys ? hotkeys : &r->default_hotkeys;
	r->options.click_to_focus = options ? options->click_to_focus : true;
	r->sources = g_ptr_array_new();
	r->pressed = g_array_new(false, false, sizeof(struct pressed_key));
	r->kiosk_grab = true;
	r->focus = TSR_INPUT_NO_DOMAIN;
	r->pointer_target = TARGET_NONE;
	r->moved_domain = TARGET_NONE;
	return r;
}

static void source_free(struct source *s)
{
	g_free(s->name);
	g_free(s);
}

void tsr_input_router_destroy(struct tsr_input_router *r)
{
	if (!r)
		return;
	for (guint i = 0; i < r->sources->len; i++)
		source_free(g_ptr_array_index(r->sources, i));
	g_ptr_array_free(r->sources, true);
	g_array_free(r->pressed, true);
	g_free(r);
}

static struct source *find_source(struct tsr_input_router *r, uint32_t id)
{
	for (guint i = 0; i < r->sources->len; i++) {
		struct source *s = g_ptr_array_index(r->sources, i);
		if (s->info.source == id)
			return s;
	}
	return NULL;
}

static int key_target(const struct tsr_input_router *r)
{
	return (r->kiosk_grab || r->focus < 0) ? TARGET_KIOSK : r->focus;
}

/* ---- keyboard delivery ---- */

static void send_key(struct tsr_input_router *r, int target, uint32_t source, uint16_t code,
		     enum tsr_input_key_state state)
{
	if (target == TARGET_KIOSK) {
		struct tsr_input_kiosk_key k = { .source = source, .code = code, .state = state };
		if (r->text)
			tsr_input_text_key(r->text, code, state, &k.keysym, k.utf8, sizeof(k.utf8));
		if (r->sinks.kiosk_key)
			r->sinks.kiosk_key(r->sinks.user_data, &k);
		return;
	}
	if (target < 0)
		return;
	uint32_t sc = tsr_input_keymap_to_scancode(code);
	if (!sc) {
		tsr_debug("input: key %u has no scancode, not forwarded", code);
		return;
	}
	if (r->sinks.domain_key)
		r->sinks.domain_key(r->sinks.user_data, target, sc, state != TSR_INPUT_KEY_UP);
}

/* Another key entry (a second keyboard) holds the same code down at the same target? */
static bool code_held_elsewhere(struct tsr_input_router *r, guint skip, uint16_t code, int target)
{
	for (guint i = 0; i < r->pressed->len; i++) {
		struct pressed_key *k = &g_array_index(r->pressed, struct pressed_key, i);
		if (i != skip && k->state == KEY_SENT && k->code == code && k->target == target)
			return true;
	}
	return false;
}

static struct source *find_source(struct tsr_input_router *r, uint32_t id);

static void deliver_down(struct tsr_input_router *r, guint i)
{
	struct pressed_key *k = &g_array_index(r->pressed, struct pressed_key, i);
	struct source *s = find_source(r, k->source);

	k->target = key_target(r);
	if (k->target == TARGET_KIOSK && s && s->info.domains_only) {
		k->state = KEY_EATEN; /* never typed into the kiosk's own screens */
		return;
	}
	k->state = KEY_SENT;
	send_key(r, k->target, k->source, k->code, TSR_INPUT_KEY_DOWN);
}

/* The held-back modifiers were not a hotkey after all: replay them in press order. */
static void flush_pending(struct tsr_input_router *r)
{
	for (guint i = 0; i < r->pressed->len; i++)
		if (g_array_index(r->pressed, struct pressed_key, i).state == KEY_PENDING)
			deliver_down(r, i);
}

/* Release, at `target`, every key it saw go down; those keys are swallowed from now on. */
static void release_keys_of(struct tsr_input_router *r, int target)
{
	for (guint i = 0; i < r->pressed->len; i++) {
		struct pressed_key *k = &g_array_index(r->pressed, struct pressed_key, i);
		if (k->state != KEY_SENT || k->target != target)
			continue;
		k->state = KEY_EATEN;
		if (!code_held_elsewhere(r, i, k->code, target))
			send_key(r, target, k->source, k->code, TSR_INPUT_KEY_UP);
	}
}

static void release_pointer_of(struct tsr_input_router *r, int target);

static void target_changed(struct tsr_input_router *r, int old_target)
{
	int now = key_target(r);

	if (now == old_target)
		return;
	release_keys_of(r, old_target);
	if (now == TARGET_KIOSK && r->text)
		tsr_input_text_reset(r->text);
}

void tsr_input_router_set_focus(struct tsr_input_router *r, int domain)
{
	int old = key_target(r);

	r->focus = domain >= 0 ? domain : TSR_INPUT_NO_DOMAIN;
	target_changed(r, old);
}

int tsr_input_router_get_focus(const struct tsr_input_router *r)
{
	return r->focus;
}

void tsr_input_router_set_kiosk_grab(struct tsr_input_router *r, bool grab)
{
	int old = key_target(r);

	r->kiosk_grab = grab;
	if (grab && r->pointer_target >= 0)
		release_pointer_of(r, r->pointer_target);
	target_changed(r, old);
}

bool tsr_input_router_get_kiosk_grab(const struct tsr_input_router *r)
{
	return r->kiosk_grab;
}

void tsr_input_router_domain_gone(struct tsr_input_router *r, int domain)
{
	if (domain < 0)
		return;
	for (guint i = 0; i < r->pressed->len; i++) {
		struct pressed_key *k = &g_array_index(r->pressed, struct pressed_key, i);
		if (k->state == KEY_SENT && k->target == domain)
			k->state = KEY_EATEN;
	}
	if (r->pointer_target == domain)
		r->pointer_target = TARGET_DROPPED;
	if (r->focus == domain)
		r->focus = TSR_INPUT_NO_DOMAIN;
}

void tsr_input_router_set_text(struct tsr_input_router *r, struct tsr_input_text *text)
{
	r->text = text;
}

static void fire(struct tsr_input_router *r, int action, int arg, uint32_t source)
{
	if (action == TSR_INPUT_ACTION_SAS) {
		/* Whatever the kiosk does next, nothing held reaches a domain any more. */
		tsr_input_router_set_kiosk_grab(r, true);
	}
	if (r->sinks.kiosk_action)
		r->sinks.kiosk_action(r->sinks.user_data, (enum tsr_input_action)action, arg, source);
}

static unsigned held_mods(struct tsr_input_router *r)
{
	unsigned mods = 0;

	for (guint i = 0; i < r->pressed->len; i++)
		mods |= g_array_index(r->pressed, struct pressed_key, i).mod;
	return mods;
}

static int find_pressed(struct tsr_input_router *r, uint32_t source, uint16_t code)
{
	for (guint i = 0; i < r->pressed->len; i++) {
		struct pressed_key *k = &g_array_index(r->pressed, struct pressed_key, i);
		if (k->source == source && k->code == code)
			return (int)i;
	}
	return -1;
}

static void key_down(struct tsr_input_router *r, uint32_t source, uint16_t code)
{
	struct pressed_key nk = { .source = source, .code = code, .mod = tsr_policy_mod_of_code(code),
				  .state = KEY_PENDING, .target = TARGET_NONE };
	guint i = r->pressed->len;

	int arg;
	int hardware = tsr_input_hardware_key(code, &arg);
	if (hardware) {
		/* dom0's: swallowed until released; held-back modifiers go on as typed. */
		nk.state = KEY_EATEN;
		g_array_append_val(r->pressed, nk);
		flush_pending(r);
		fire(r, hardware, arg, source);
		return;
	}
	g_array_append_val(r->pressed, nk);
	if (nk.mod) {
		if (tsr_input_hotkeys_is_prefix(r->hotkeys, held_mods(r)))
			return; /* held back */
		flush_pending(r); /* includes this one, last */
		return;
	}
	int action = tsr_input_hotkeys_match(r->hotkeys, held_mods(r), code, &arg);
	if (action) {
		for (guint j = 0; j < r->pressed->len; j++) {
			struct pressed_key *k = &g_array_index(r->pressed, struct pressed_key, j);
			if (k->state == KEY_PENDING)
				k->state = KEY_EATEN;
		}
		g_array_index(r->pressed, struct pressed_key, i).state = KEY_EATEN;
		fire(r, action, arg, source);
		return;
	}
	flush_pending(r); /* the held-back modifiers, then this key (it is last) */
}

void tsr_input_router_key(struct tsr_input_router *r, uint32_t source, uint16_t code,
			  enum tsr_input_key_state state)
{
	if (!find_source(r, source)) {
		tsr_debug("input: key from unknown source %u dropped", source);
		return;
	}
	if (code == 0 || code >= KEY_CNT || (code >= BTN_MISC && code < KEY_OK)) {
		tsr_debug("input: key code %u is not a keyboard key, dropped", code);
		return;
	}
	int i = find_pressed(r, source, code);

	switch (state) {
	case TSR_INPUT_KEY_DOWN:
		if (i >= 0) /* down twice: the kernel never does this; treat as repeat */
			tsr_input_router_key(r, source, code, TSR_INPUT_KEY_REPEAT);
		else
			key_down(r, source, code);
		return;
	case TSR_INPUT_KEY_REPEAT: {
		if (i < 0)
			return; /* went down before the source was added, or before a hotkey ate it */
		struct pressed_key *k = &g_array_index(r->pressed, struct pressed_key, i);
		if (k->state == KEY_SENT)
			send_key(r, k->target, source, code, TSR_INPUT_KEY_REPEAT);
		return;
	}
	case TSR_INPUT_KEY_UP: {
		if (i < 0)
			return;
		struct pressed_key *k = &g_array_index(r->pressed, struct pressed_key, i);
		if (k->state == KEY_PENDING) {
			/* Tapped alone (or with other held-back modifiers): not a hotkey. */
			flush_pending(r);
			k = &g_array_index(r->pressed, struct pressed_key, i);
		}
		struct pressed_key gone = *k;
		g_array_remove_index(r->pressed, (guint)i);
		if (gone.state == KEY_SENT && !code_held_elsewhere(r, G_MAXUINT, code, gone.target))
			send_key(r, gone.target, source, code, TSR_INPUT_KEY_UP);
		return;
	}
	}
	tsr_debug("input: key value %d dropped", (int)state);
}

void tsr_input_router_scancode(struct tsr_input_router *r, uint32_t source, uint32_t scancode,
			       bool down)
{
	uint16_t code = tsr_input_keymap_from_scancode(scancode);

	if (!code) {
		tsr_debug("input: scancode 0x%x from source %u has no key, dropped", scancode, source);
		return;
	}
	tsr_input_router_key(r, source, code, down ? TSR_INPUT_KEY_DOWN : TSR_INPUT_KEY_UP);
}

/* ---- pointer ---- */

static void desktop_size(struct tsr_input_router *r, int *w, int *h)
{
	*w = 0;
	*h = 0;
	if (r->geometry.desktop_size)
		r->geometry.desktop_size(r->geometry.user_data, w, h);
	if (*w < 1)
		*w = 1;
	if (*h < 1)
		*h = 1;
}

static bool domain_at(struct tsr_input_router *r, int x, int y, struct tsr_input_domain_area *a)
{
	return r->geometry.domain_at && r->geometry.domain_at(r->geometry.user_data, x, y, a) &&
	       a->domain >= 0 && a->content.w > 0 && a->content.h > 0 && a->surface_w > 0 &&
	       a->surface_h > 0;
}

static bool domain_area(struct tsr_input_router *r, int domain, struct tsr_input_domain_area *a)
{
	return r->geometry.domain_area && r->geometry.domain_area(r->geometry.user_data, domain, a) &&
	       a->content.w > 0 && a->content.h > 0 && a->surface_w > 0 && a->surface_h > 0;
}

static int scale_clamp(int v, int origin, int span, int out_span)
{
	int64_t s = ((int64_t)(v - origin) * out_span) / span;

	return (int)CLAMP(s, 0, (int64_t)out_span - 1);
}

static void to_surface(const struct tsr_input_domain_area *a, int x, int y, int *sx, int *sy)
{
	*sx = scale_clamp(x, a->content.x, a->content.w, a->surface_w);
	*sy = scale_clamp(y, a->content.y, a->content.h, a->surface_h);
}

static void send_motion_to(struct tsr_input_router *r, int target)
{
	if (target >= 0) {
		struct tsr_input_domain_area a;
		int sx, sy;
		if (!domain_area(r, target, &a))
			return;
		to_surface(&a, r->px, r->py, &sx, &sy);
		r->moved_domain = target;
		r->moved_x = r->px;
		r->moved_y = r->py;
		if (r->sinks.domain_motion)
			r->sinks.domain_motion(r->sinks.user_data, target, sx, sy, r->buttons);
	} else if (target == TARGET_KIOSK && !r->cur_domains_only) {
		if (r->sinks.kiosk_motion)
			r->sinks.kiosk_motion(r->sinks.user_data, r->px, r->py, r->buttons);
	}
}

static void send_button_to(struct tsr_input_router *r, int target, enum tsr_input_button b,
			   bool down)
{
	if (target >= 0) {
		if (r->sinks.domain_button)
			r->sinks.domain_button(r->sinks.user_data, target, b, down, r->buttons);
	} else if (target == TARGET_KIOSK && !r->cur_domains_only) {
		if (r->sinks.kiosk_button)
			r->sinks.kiosk_button(r->sinks.user_data, r->px, r->py, b, down, r->buttons);
	}
}

/* Who gets a pointer event that no held button decides: the domain under the pointer, or the
 * kiosk (chrome, empty desktop, or its own screens while it grabs input). */
static int hover_target(struct tsr_input_router *r)
{
	struct tsr_input_domain_area a;

	if (r->kiosk_grab)
		return TARGET_KIOSK;
	if (domain_at(r, r->px, r->py, &a))
		return a.domain;
	return TARGET_KIOSK;
}

static void release_pointer_of(struct tsr_input_router *r, int target)
{
	uint32_t held = r->buttons;

	/* The target sees its buttons go up one by one; the physical ones stay down, and their
	 * real releases are swallowed (TARGET_DROPPED). */
	for (int b = TSR_INPUT_BUTTON_LEFT; b <= TSR_INPUT_BUTTON_EXTRA; b++) {
		if (!(r->buttons & TSR_INPUT_BUTTON_MASK(b)))
			continue;
		r->buttons &= ~TSR_INPUT_BUTTON_MASK(b);
		send_button_to(r, target, (enum tsr_input_button)b, false);
	}
	r->buttons = held;
	r->pointer_target = held ? TARGET_DROPPED : TARGET_NONE;
}

static void pointer_moved(struct tsr_input_router *r)
{
	if (r->sinks.pointer_moved)
		r->sinks.pointer_moved(r->sinks.user_data, r->px, r->py);
	if (r->buttons) {
		send_motion_to(r, r->pointer_target);
		return;
	}
	send_motion_to(r, hover_target(r));
}

void tsr_input_router_motion(struct tsr_input_router *r, uint32_t source, int dx, int dy)
{
	struct source *s = find_source(r, source);
	int w, h;

	if (!s || (dx == 0 && dy == 0))
		return;
	r->cur_domains_only = s->info.domains_only;
	desktop_size(r, &w, &h);
	r->px = (int)CLAMP((int64_t)r->px + dx, 0, w - 1);
	r->py = (int)CLAMP((int64_t)r->py + dy, 0, h - 1);
	pointer_moved(r);
}

static int scale_range(int32_t v, struct tsr_input_range range, int out)
{
	if (range.max <= range.min)
		return 0;
	int64_t s = ((int64_t)v - range.min) * (out - 1) / ((int64_t)range.max - range.min);
	return (int)CLAMP(s, 0, (int64_t)out - 1);
}

void tsr_input_router_position(struct tsr_input_router *r, uint32_t source, int32_t x, int32_t y)
{
	struct source *s = find_source(r, source);
	int w, h;

	if (!s || s->info.abs_x.max <= s->info.abs_x.min || s->info.abs_y.max <= s->info.abs_y.min) {
		tsr_debug("input: absolute position from source %u without a range dropped", source);
		return;
	}
	r->cur_domains_only = s->info.domains_only;
	desktop_size(r, &w, &h);
	int nx = scale_range(x, s->info.abs_x, w), ny = scale_range(y, s->info.abs_y, h);
	if (nx == r->px && ny == r->py)
		return;
	r->px = nx;
	r->py = ny;
	pointer_moved(r);
}

static bool valid_button(int b)
{
	return b >= TSR_INPUT_BUTTON_LEFT && b <= TSR_INPUT_BUTTON_EXTRA &&
	       b != TSR_INPUT_BUTTON_UP && b != TSR_INPUT_BUTTON_DOWN;
}

/* A press that starts a grab decides pending modifiers when it lands in a domain (Ctrl+click,
 * Shift+drag), after click-to-focus, so the clicked domain gets them. */
static int start_pointer_grab(struct tsr_input_router *r, uint32_t source)
{
	int target = hover_target(r);

	if (target >= 0) {
		if (r->options.click_to_focus && r->focus != target) {
			tsr_input_router_set_focus(r, target);
			if (r->sinks.kiosk_action)
				r->sinks.kiosk_action(r->sinks.user_data, TSR_INPUT_ACTION_FOCUS_DOMAIN,
						      target, source);
			/* The kiosk may have refused or moved things: ask again. */
			if (r->kiosk_grab)
				target = TARGET_KIOSK;
		}
		if (target >= 0 && key_target(r) == target)
			flush_pending(r);
	}
	if (target == TARGET_KIOSK && r->cur_domains_only)
		return TARGET_DROPPED; /* swallowed until the buttons are up */
	return target;
}

void tsr_input_router_button(struct tsr_input_router *r, uint32_t source,
			     enum tsr_input_button button, bool down)
{
	struct source *s = find_source(r, source);

	if (!s || !valid_button((int)button)) {
		tsr_debug("input: button %d from source %u dropped", (int)button, source);
		return;
	}
	r->cur_domains_only = s->info.domains_only;
	uint32_t bit = TSR_INPUT_BUTTON_MASK(button);
	if (down == !!(s->buttons & bit))
		return; /* no change from this source */
	bool others = false;
	for (guint i = 0; i < r->sources->len; i++) {
		struct source *o = g_ptr_array_index(r->sources, i);
		if (o != s && (o->buttons & bit))
			others = true;
	}
	if (down)
		s->buttons |= bit;
	else
		s->buttons &= ~bit;
	if (others)
		return; /* another device holds the same button: the target already has it down */

	if (down) {
		if (!r->buttons)
			r->pointer_target = start_pointer_grab(r, source);
		if (r->pointer_target >= 0 && (r->moved_domain != r->pointer_target ||
					       r->moved_x != r->px || r->moved_y != r->py))
			send_motion_to(r, r->pointer_target);
		r->buttons |= bit;
		send_button_to(r, r->pointer_target, button, true);
	} else {
		r->buttons &= ~bit;
		send_button_to(r, r->pointer_target, button, false);
		if (!r->buttons)
			r->pointer_target = TARGET_NONE;
	}
}

void tsr_input_router_wheel(struct tsr_input_router *r, uint32_t source, int notches)
{
	struct source *s = find_source(r, source);

	if (!s || notches == 0)
		return;
	r->cur_domains_only = s->info.domains_only;
	int target = r->buttons ? r->pointer_target : hover_target(r);
	enum tsr_input_button b = notches > 0 ? TSR_INPUT_BUTTON_UP : TSR_INPUT_BUTTON_DOWN;
	int n = notches > 0 ? notches : -notches;

	if (target >= 0 && key_target(r) == target)
		flush_pending(r); /* Ctrl+wheel zooms in the domain */
	if (target >= 0 && (r->moved_domain != target || r->moved_x != r->px || r->moved_y != r->py))
		send_motion_to(r, target);
	for (int i = 0; i < MIN(n, 16); i++) {
		r->buttons |= TSR_INPUT_BUTTON_MASK(b);
		send_button_to(r, target, b, true);
		r->buttons &= ~TSR_INPUT_BUTTON_MASK(b);
		send_button_to(r, target, b, false);
	}
}

void tsr_input_router_get_pointer(const struct tsr_input_router *r, int *x, int *y)
{
	*x = r->px;
	*y = r->py;
}

/* ---- sources ---- */

bool tsr_input_router_device_added(struct tsr_input_router *r, const struct tsr_input_device *d)
{
	if (!d || find_source(r, d->source)) {
		tsr_warn("input: device %u added twice; ignoring the second", d ? d->source : 0);
		return false;
	}
	struct source *s = g_new0(struct source, 1);
	s->info = *d;
	s->name = g_strdup(d->name ? d->name : "unnamed");
	s->info.name = s->name;
	g_ptr_array_add(r->sources, s);
	tsr_debug("input: device %u (%s) added", d->source, s->name);
	return true;
}

void tsr_input_router_device_removed(struct tsr_input_router *r, uint32_t source)
{
	struct source *s = find_source(r, source);

	if (!s)
		return;
	/* Let go of everything it held, as if released: keys first (in press order)... */
	for (guint i = 0; i < r->pressed->len;) {
		struct pressed_key *k = &g_array_index(r->pressed, struct pressed_key, i);
		if (k->source != source) {
			i++;
			continue;
		}
		struct pressed_key gone = *k;
		g_array_remove_index(r->pressed, i);
		/* A held-back modifier never reached anyone: nothing to release. */
		if (gone.state == KEY_SENT && !code_held_elsewhere(r, G_MAXUINT, gone.code, gone.target))
			send_key(r, gone.target, source, gone.code, TSR_INPUT_KEY_UP);
	}
	/* ...then its buttons. */
	for (int b = TSR_INPUT_BUTTON_LEFT; b <= TSR_INPUT_BUTTON_EXTRA; b++)
		if (s->buttons & TSR_INPUT_BUTTON_MASK(b))
			tsr_input_router_button(r, source, (enum tsr_input_button)b, false);
	g_ptr_array_remove(r->sources, s);
	tsr_debug("input: device %u (%s) removed", source, s->name);
	source_free(s);
}

/* ---- raw evdev frames ---- */

static int evdev_button(const struct source *s, uint16_t code)
{
	switch (code) {
	case BTN_LEFT: return TSR_INPUT_BUTTON_LEFT;
	case BTN_RIGHT: return TSR_INPUT_BUTTON_RIGHT;
	case BTN_MIDDLE: return TSR_INPUT_BUTTON_MIDDLE;
	case BTN_SIDE: return TSR_INPUT_BUTTON_SIDE;
	case BTN_EXTRA: return TSR_INPUT_BUTTON_EXTRA;
	case BTN_TOUCH:
		/* On a touchscreen or tablet, contact is the click; on a touchpad it is not. */
		if (s->info.caps & (TSR_INPUT_CAP_TOUCH | TSR_INPUT_CAP_ABSOLUTE))
			return TSR_INPUT_BUTTON_LEFT;
		return 0;
	default: return 0;
	}
}

static void apply_key_event(struct tsr_input_router *r, struct source *s, uint16_t code,
			    int32_t value)
{
	if (code >= BTN_MISC && code < KEY_OK) {
		int b = evdev_button(s, code);
		if (b && (value == 0 || value == 1))
			tsr_input_router_button(r, s->info.source, (enum tsr_input_button)b, value);
		return;
	}
	if (value < 0 || value > 2)
		return;
	tsr_input_router_key(r, s->info.source, code, (enum tsr_input_key_state)value);
}

/* A touchpad moves the pointer by the finger's travel: the pad's width spans the desktop's. */
static int64_t touchpad_axis(int32_t delta, struct tsr_input_range range, int out, int64_t *rem)
{
	int64_t span = (int64_t)range.max - range.min;

	if (span <= 0)
		return 0;
	*rem += (int64_t)delta * out;
	int64_t px = *rem / span;
	*rem -= px * span;
	return px;
}

static void touchpad_motion(struct tsr_input_router *r, struct source *s, int *dx, int *dy)
{
	int w, h;

	if (s->tp_touching && s->tp_have_last) {
		desktop_size(r, &w, &h);
		*dx += (int)touchpad_axis(s->abs_x - s->tp_last_x, s->info.abs_x, w, &s->tp_rem_x);
		*dy += (int)touchpad_axis(s->abs_y - s->tp_last_y, s->info.abs_x, w, &s->tp_rem_y);
	}
	s->tp_last_x = s->abs_x;
	s->tp_last_y = s->abs_y;
	s->tp_have_last = s->tp_touching;
}

static void apply_frame(struct tsr_input_router *r, struct source *s)
{
	uint32_t id = s->info.source;
	int dx = s->dx, dy = s->dy, wheel = s->wheel;
	bool abs_changed = s->abs_changed;
	size_t n = s->nframe;
	struct frame_event frame[FRAME_MAX];

	/* Reset before delivering: a sink may remove this very source. */
	memcpy(frame, s->frame, n * sizeof(frame[0]));
	s->dx = s->dy = s->wheel = 0;
	s->abs_changed = false;
	s->nframe = 0;
	if (abs_changed && (s->info.caps & TSR_INPUT_CAP_TOUCHPAD))
		touchpad_motion(r, s, &dx, &dy);
	else if (abs_changed)
		tsr_input_router_position(r, id, s->abs_x, s->abs_y);
	if (dx || dy)
		tsr_input_router_motion(r, id, dx, dy);
	for (size_t i = 0; i < n; i++) {
		if (!(s = find_source(r, id)))
			return;
		apply_key_event(r, s, frame[i].code, frame[i].value);
	}
	if (wheel && find_source(r, id))
		tsr_input_router_wheel(r, id, wheel);
}

void tsr_input_router_evdev(struct tsr_input_router *r, uint32_t source, uint16_t type,
			    uint16_t code, int32_t value)
{
	struct source *s = find_source(r, source);

	if (!s)
		return;
	switch (type) {
	case EV_SYN:
		if (code == SYN_REPORT) {
			apply_frame(r, s);
		} else if (code == SYN_DROPPED) {
			/* The kernel lost events: this frame is incomplete. libevdev resyncs next. */
			s->dx = s->dy = s->wheel = 0;
			s->abs_changed = false;
			s->nframe = 0;
		}
		return;
	case EV_KEY:
		if (code == BTN_TOUCH && (s->info.caps & TSR_INPUT_CAP_TOUCHPAD)) {
			/* finger down or up: motion restarts from the next position */
			s->tp_touching = value != 0;
			s->tp_have_last = false;
			s->tp_rem_x = s->tp_rem_y = 0;
			return;
		}
		if (s->nframe == FRAME_MAX)
			apply_frame(r, s);
		if (!(s = find_source(r, source)))
			return;
		s->frame[s->nframe++] = (struct frame_event){ type, code, value };
		return;
	case EV_REL:
		if (code == REL_X)
			s->dx += value;
		else if (code == REL_Y)
			s->dy += value;
		else if (code == REL_WHEEL)
			s->wheel += value;
		return;
	case EV_ABS:
		if (code == ABS_MT_SLOT) {
			s->mt_slot = value;
		} else if (code == ABS_X || (code == ABS_MT_POSITION_X && s->mt_slot == 0)) {
			s->abs_x = value;
			s->abs_changed = true;
		} else if (code == ABS_Y || (code == ABS_MT_POSITION_Y && s->mt_slot == 0)) {
			s->abs_y = value;
			s->abs_changed = true;
		}
		return;
	default:
		return; /* EV_MSC scancodes, LEDs, ...: nothing to route */
	}
}
