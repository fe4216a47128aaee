/* kiosk/screen-picker.c: the user's domains as tiles in their label colours, with their state,
 * and a log-out button. A domain that is starting shows a progress bar until its first frame
 * arrives, so a slow boot never looks like a dead click. */
#include "config.h"
#include "kiosk/screens-private.h"

static const char *state_name(const struct tsr_kiosk_domain_info *d)
{
	if (d->pick_pending || d->waiting_frame)
		return "Starting…";
	switch (d->state) {
	case TSR_KIOSK_DOMAIN_STOPPED:
		return "Stopped";
	case TSR_KIOSK_DOMAIN_STARTING:
		return "Starting…";
	case TSR_KIOSK_DOMAIN_RUNNING:
		return "Running";
	case TSR_KIOSK_DOMAIN_PAUSED:
		return "Paused";
	case TSR_KIOSK_DOMAIN_CRASHED:
		return "Crashed";
	case TSR_KIOSK_DOMAIN_UNAVAILABLE:
		return "Not available here";
	}
	return "?";
}

/* The state, and for a live domain how its device model runs: TCG (emulation) is slow, and a
 * user who sees it knows why. */
static void state_text(const struct tsr_kiosk_domain_info *d, char *out, size_t size)
{
	bool live = d->state == TSR_KIOSK_DOMAIN_STARTING || d->state == TSR_KIOSK_DOMAIN_RUNNING ||
		    d->state == TSR_KIOSK_DOMAIN_PAUSED || d->pick_pending || d->waiting_frame;
	const char *accel = !live ? NULL
			    : d->accel == TSR_KIOSK_ACCEL_KVM ? "KVM"
			    : d->accel == TSR_KIOSK_ACCEL_TCG ? "TCG" : NULL;

	if (accel)
		g_snprintf(out, size, "%s (%s)", state_name(d), accel);
	else
		g_strlcpy(out, state_name(d), size);
}

/* An indeterminate bar: a segment a third of the track wide sweeping across it every 2 s. */
static void progress(struct ks_builder *b, struct tsr_rect track, int64_t since_us)
{
	int64_t t = tsr_session_now_us(b->session) - since_us;
	int32_t seg = track.width / 3;
	int32_t x = (int32_t)(((t / 1000) % 2000) * (track.width - seg) / 2000);

	ks_fill(b, track, KS_FIELD);
	ks_fill(b, (struct tsr_rect){ track.x + (x < 0 ? 0 : x), track.y, seg, track.height },
		KS_FIELD_ACTIVE);
}

static void tile(struct ks_builder *b, const struct tsr_kiosk_domain_info *d, size_t i,
		 struct tsr_rect r, bool selected)
{
	int32_t u = b->unit;
	struct tsr_rect band = { r.x, r.y, r.width, 2 * u };
	uint32_t state_rgb = d->state == TSR_KIOSK_DOMAIN_CRASHED ? KS_ERROR : KS_TEXT;
	char state[64];

	state_text(d, state, sizeof(state));

	ks_box(b, r, KS_PANEL, selected ? u / 4 + 1 : 0, KS_SELECT);
	ks_fill(b, band, tsr_color_rgb(d->colour));
	ks_text(b, (struct tsr_rect){ band.x + u / 2, band.y, band.width - u, band.height },
		tsr_color_text_rgb(d->colour), u, TSR_ALIGN_LEFT, "%s", d->label);
	ks_text(b, (struct tsr_rect){ r.x + u / 2, r.y + 5 * u / 2, r.width - u, 3 * u / 2 },
		state_rgb, u * 3 / 4, TSR_ALIGN_LEFT, "%s", state);
	if (d->pick_pending || d->waiting_frame)
		progress(b, (struct tsr_rect){ r.x + u / 2, r.y + 9 * u / 2, r.width - u, u / 2 },
			 d->pick_us);
	else if (d->disposable)
		ks_text(b, (struct tsr_rect){ r.x + u / 2, r.y + 4 * u, r.width - u, 3 * u / 2 },
			KS_DIM, u * 2 / 3, TSR_ALIGN_LEFT, "Disposable: reset when stopped");
	ks_target(b, TSR_KIOSK_TARGET_TILE, i, r);
}

void ks_screen_picker(struct ks_builder *b)
{
	const struct tsr_session *s = b->session;
	size_t n = tsr_session_n_domains(s), sel = tsr_session_selected(s);
	int32_t u = b->unit, y = b->area.y + 2 * u;
	const char *full = tsr_session_full_name(s);
	size_t cols = n < 4 ? (n ? n : 1) : 4;
	int32_t tw = 10 * u, th = 6 * u, gap = u;
	int32_t gw = (int32_t)cols * tw + ((int32_t)cols - 1) * gap;

	if (gw > b->area.width - 2 * u) {
		tw = (b->area.width - 2 * u - ((int32_t)cols - 1) * gap) / (int32_t)cols;
		gw = (int32_t)cols * tw + ((int32_t)cols - 1) * gap;
	}
	ks_text(b, ks_row(b, y, b->area.width - 2 * u, 2 * u), KS_TEXT, 3 * u / 2, TSR_ALIGN_CENTER,
		"Hello, %s", full[0] ? full : tsr_session_user(s));
	y += 2 * u;
	ks_text(b, ks_row(b, y, b->area.width - 2 * u, 3 * u / 2), KS_DIM, u * 3 / 4,
		TSR_ALIGN_CENTER, "Choose a domain");
	y += 3 * u;
	if (n == 0 && tsr_session_listing(s))
		ks_text(b, ks_row(b, y, 30 * u, 2 * u), KS_DIM, u, TSR_ALIGN_CENTER,
			"Loading your domains…");
	else if (n == 0)
		ks_text(b, ks_row(b, y, 30 * u, 2 * u), KS_DIM, u, TSR_ALIGN_CENTER,
			"You have no domains on this laptop.");
	for (size_t i = 0; i < n; i++) {
		int32_t x0 = b->area.x + (b->area.width - gw) / 2;
		struct tsr_rect r = { x0 + (int32_t)(i % cols) * (tw + gap),
				      y + (int32_t)(i / cols) * (th + gap), tw, th };
		tile(b, tsr_session_domain(s, i), i, r, sel == i);
	}
	y += (int32_t)((n + cols - 1) / cols) * (th + gap) + u;
	ks_message(b, y);
	y += 2 * u;
	{
		struct tsr_rect out = ks_row(b, y, 8 * u, 2 * u);
		ks_box(b, out, KS_PANEL, sel == n ? u / 4 + 1 : 1, sel == n ? KS_SELECT : KS_DIM);
		ks_text(b, out, KS_TEXT, u * 3 / 4, TSR_ALIGN_CENTER, "Log out");
		ks_target(b, TSR_KIOSK_TARGET_LOGOUT, n, out);
	}
	ks_text(b, ks_row(b, b->area.y + b->area.height - 3 * u, b->area.width - 2 * u, 3 * u / 2),
		KS_DIM, u * 3 / 4, TSR_ALIGN_CENTER, "%s",
		tsr_session_focus(s) ? "Arrows: choose    Enter: open    Delete: stop    "
				       "Esc: back to the desktop"
				     : "Arrows: choose    Enter: open    Delete: stop");
}
