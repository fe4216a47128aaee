/* viewer/spice.c: spice-client-glib session fed by pre-connected fds (see .h). */
#include "config.h"
#include "viewer/spice.h"
#include "viewer/input-pace.h"
#include "common/log.h"
#include "proto/display.h"
#include "viewer/monitors.h"

#include <spice-client.h>
#include <string.h>
#include <unistd.h>

#define MAX_FDS 8

struct tsr_viewer_spice {
	SpiceSession *session;
	SpiceMainChannel *main;
	SpiceInputsChannel *inputs;
	struct tsr_viewer_monitors *monitors;
	struct tsr_viewer_clipboard *clipboard;
	struct tsr_viewer_publish *pub;
	tsr_viewer_spice_gone_func gone;
	void *opaque;
	bool gone_reported;
	unsigned opened; /* bit per channel type that is open */
	bool connected_sent;
	int fds[MAX_FDS];
	size_t nfds, next_fd;
	/* the primary surface as spice-client-glib holds it */
	const uint8_t *img;
	int format, width, height, stride;
	uint32_t *conv; /* XRGB copy for 16-bit guest modes */
	bool keys_down[512]; /* as the kiosk asked: what the guest holds once the queue is sent */
	uint32_t buttons;
	int32_t px, py; /* last pointer position */
	uint32_t sent_buttons; /* what the guest holds now */
	struct tsr_input_pace *pace;
	guint pace_timer;
};

static void report_gone(struct tsr_viewer_spice *s, const char *why)
{
	if (s->gone_reported)
		return;
	s->gone_reported = true;
	if (s->gone)
		s->gone(s->opaque, why);
}

/* Pixels of the current primary as XRGB8888 rows (converting 16-bit modes into conv). */
static const uint8_t *xrgb_rows(struct tsr_viewer_spice *s, int x, int y, int w, int h,
				uint32_t *stride)
{
	if (s->format == SPICE_SURFACE_FMT_32_xRGB || s->format == SPICE_SURFACE_FMT_32_ARGB) {
		*stride = (uint32_t)s->stride;
		return s->img;
	}
	for (int r = y; r < y + h; r++) {
		const uint16_t *src = (const uint16_t *)(s->img + (size_t)r * (size_t)s->stride);
		uint32_t *dst = s->conv + (size_t)r * (size_t)s->width;
		for (int c = x; c < x + w; c++) {
			uint16_t p = src[c];
			uint32_t rr, gg, bb;
			if (s->format == SPICE_SURFACE_FMT_16_565) {
				rr = (p >> 11) & 0x1f; gg = (p >> 5) & 0x3f; bb = p & 0x1f;
				gg = (gg << 2) | (gg >> 4);
			} else {
				rr = (p >> 10) & 0x1f; gg = (p >> 5) & 0x1f; bb = p & 0x1f;
				gg = (gg << 3) | (gg >> 2);
			}
			rr = (rr << 3) | (rr >> 2);
			bb = (bb << 3) | (bb >> 2);
			dst[c] = (rr << 16) | (gg << 8) | bb;
		}
	}
	*stride = (uint32_t)s->width * 4;
	return (const uint8_t *)s->conv;
}

static void primary_create(SpiceChannel *ch, gint format, gint width, gint height, gint stride,
			   gint shmid, gpointer imgdata, gpointer data)
{
	struct tsr_viewer_spice *s = data;
	const uint8_t *rows;
	uint32_t rstride;

	(void)ch;
	(void)shmid;
	if (format != SPICE_SURFACE_FMT_32_xRGB && format != SPICE_SURFACE_FMT_32_ARGB &&
	    format != SPICE_SURFACE_FMT_16_565 && format != SPICE_SURFACE_FMT_16_555) {
		report_gone(s, "the domain uses a surface format the viewer does not support");
		return;
	}
	if (width <= 0 || height <= 0 || width > (int)TSR_DISPLAY_MAX_SIDE ||
	    height > (int)TSR_DISPLAY_MAX_SIDE || stride < width * (format & 0x20 ? 4 : 2)) {
		report_gone(s, "the domain's surface size is out of range");
		return;
	}
	tsr_info("domain surface %dx%d (format %d)", width, height, format);
	s->img = imgdata;
	s->format = format;
	s->width = width;
	s->height = height;
	s->stride = stride;
	g_free(s->conv);
	s->conv = format & 0x20 ? NULL : g_malloc0((size_t)width * (size_t)height * 4);
	if (format & 0x20) {
		/* 32-bit modes: the client's surface is the kiosk's, no copy per frame. */
		if (!tsr_viewer_publish_surface_shared(s->pub, (uint32_t)width, (uint32_t)height,
						       imgdata, (uint32_t)stride))
			report_gone(s, "the kiosk link failed while sending a surface");
		return;
	}
	rows = xrgb_rows(s, 0, 0, width, height, &rstride);
	if (!tsr_viewer_publish_surface(s->pub, (uint32_t)width, (uint32_t)height, rows, rstride))
		report_gone(s, "the kiosk link failed while sending a surface");
}

static void primary_destroy(SpiceChannel *ch, gpointer data)
{
	struct tsr_viewer_spice *s = data;

	(void)ch;
	s->img = NULL;
}

static void invalidate(SpiceChannel *ch, gint x, gint y, gint w, gint h, gpointer data)
{
	struct tsr_viewer_spice *s = data;
	const uint8_t *rows;
	uint32_t rstride;

	(void)ch;
	if (!s->img)
		return;
	if (x < 0) { w += x; x = 0; }
	if (y < 0) { h += y; y = 0; }
	if (w > s->width - x)
		w = s->width - x;
	if (h > s->height - y)
		h = s->height - y;
	if (w <= 0 || h <= 0)
		return;
	rows = xrgb_rows(s, x, y, w, h, &rstride);
	if (!tsr_viewer_publish_damage(s->pub, rows, rstride, x, y, w, h))
		report_gone(s, "the kiosk link failed while sending damage");
}

static void cursor_set(SpiceChannel *ch, gint width, gint height, gint hot_x, gint hot_y,
		       gpointer rgba, gpointer data)
{
	struct tsr_viewer_spice *s = data;
	uint32_t argb[TSR_DISPLAY_CURSOR_MAX * TSR_DISPLAY_CURSOR_MAX];
	const uint8_t *src = rgba;
	bool ok;

	(void)ch;
	if (!rgba || width <= 0 || height <= 0 || width > (int)TSR_DISPLAY_CURSOR_MAX ||
	    height > (int)TSR_DISPLAY_CURSOR_MAX) {
		ok = tsr_viewer_publish_cursor_hide(s->pub);
	} else {
		/* spice-client-glib hands out R, G, B, A bytes with straight alpha. */
		for (int i = 0; i < width * height; i++) {
			uint32_t r = src[4 * i], g = src[4 * i + 1], b = src[4 * i + 2], a = src[4 * i + 3];
			argb[i] = (a << 24) | ((r * a / 255) << 16) | ((g * a / 255) << 8) | (b * a / 255);
		}
		ok = tsr_viewer_publish_cursor(s->pub, argb, (uint32_t)width, (uint32_t)height,
					       (uint32_t)(hot_x < 0 ? 0 : hot_x),
					       (uint32_t)(hot_y < 0 ? 0 : hot_y));
	}
	if (!ok)
		report_gone(s, "the kiosk link failed while sending a cursor");
}

static void cursor_hide(SpiceChannel *ch, gpointer data)
{
	struct tsr_viewer_spice *s = data;

	(void)ch;
	if (!tsr_viewer_publish_cursor_hide(s->pub))
		report_gone(s, "the kiosk link failed while hiding the cursor");
}

static void channel_event(SpiceChannel *ch, SpiceChannelEvent event, gpointer data)
{
	struct tsr_viewer_spice *s = data;
	int type;

	g_object_get(ch, "channel-type", &type, NULL);
	switch (event) {
	case SPICE_CHANNEL_OPENED:
		tsr_debug("SPICE channel %d open", type);
		if (type < 32)
			s->opened |= 1u << type;
		/* "Connected" once input can flow too: keys sent before the inputs channel is
		 * ready would be dropped by spice-client-glib. */
		if (!s->connected_sent && (s->opened & (1u << SPICE_CHANNEL_MAIN)) &&
		    (s->opened & (1u << SPICE_CHANNEL_DISPLAY)) &&
		    (s->opened & (1u << SPICE_CHANNEL_INPUTS))) {
			s->connected_sent = true;
			if (!tsr_viewer_publish_status(s->pub, TSR_DISPLAY_STATUS_CONNECTED))
				report_gone(s, "the kiosk link failed");
		}
		break;
	case SPICE_CHANNEL_CLOSED:
	case SPICE_CHANNEL_ERROR_CONNECT:
	case SPICE_CHANNEL_ERROR_TLS:
	case SPICE_CHANNEL_ERROR_LINK:
	case SPICE_CHANNEL_ERROR_AUTH:
	case SPICE_CHANNEL_ERROR_IO:
		/* Main or display gone means the domain's display is gone; inputs gone means the
		 * user's keys would vanish unseen (this viewer has no socket left to reopen it),
		 * so the kiosk is told too and starts a viewer with fresh sockets. */
		if (type == SPICE_CHANNEL_MAIN || type == SPICE_CHANNEL_DISPLAY ||
		    type == SPICE_CHANNEL_INPUTS)
			report_gone(s, event == SPICE_CHANNEL_CLOSED ? "the SPICE connection closed"
								    : "the SPICE connection failed");
		break;
	default:
		break;
	}
}

/* Each time the guest's agent connects: its OS is up (what a preload waits for). */
static void agent_changed(GObject *obj, GParamSpec *pspec, gpointer data)
{
	struct tsr_viewer_spice *s = data;
	gboolean connected = FALSE;

	(void)pspec;
	g_object_get(obj, "agent-connected", &connected, NULL);
	if (connected && !tsr_viewer_publish_status(s->pub, TSR_DISPLAY_STATUS_AGENT))
		report_gone(s, "the kiosk link failed");
}

static void open_fd(SpiceChannel *ch, gint with_tls, gpointer data)
{
	struct tsr_viewer_spice *s = data;
	int type;

	(void)with_tls;
	g_object_get(ch, "channel-type", &type, NULL);
	if (s->next_fd >= s->nfds) {
		tsr_warn("no pre-connected SPICE socket left for channel type %d: not opened", type);
		return;
	}
	if (!spice_channel_open_fd(ch, s->fds[s->next_fd]))
		tsr_warn("SPICE channel type %d refused its socket", type);
	s->fds[s->next_fd++] = -1;
}

static void channel_new(SpiceSession *session, SpiceChannel *ch, gpointer data)
{
	struct tsr_viewer_spice *s = data;
	int type;

	(void)session;
	g_object_get(ch, "channel-type", &type, NULL);
	g_signal_connect(ch, "channel-event", G_CALLBACK(channel_event), s);
	switch (type) {
	case SPICE_CHANNEL_MAIN:
		s->main = SPICE_MAIN_CHANNEL(ch);
		g_signal_connect(ch, "notify::agent-connected", G_CALLBACK(agent_changed), s);
		tsr_viewer_monitors_set_channel(s->monitors, s->main);
		if (s->clipboard)
			tsr_viewer_clipboard_set_channel(s->clipboard, s->main);
		return; /* opened by spice_session_open_fd */
	case SPICE_CHANNEL_DISPLAY:
		g_signal_connect(ch, "display-primary-create", G_CALLBACK(primary_create), s);
		g_signal_connect(ch, "display-primary-destroy", G_CALLBACK(primary_destroy), s);
		g_signal_connect(ch, "display-invalidate", G_CALLBACK(invalidate), s);
		break;
	case SPICE_CHANNEL_INPUTS:
		s->inputs = SPICE_INPUTS_CHANNEL(ch);
		break;
	case SPICE_CHANNEL_CURSOR:
		g_signal_connect(ch, "cursor-set", G_CALLBACK(cursor_set), s);
		g_signal_connect(ch, "cursor-hide", G_CALLBACK(cursor_hide), s);
		break;
	default:
		tsr_debug("SPICE channel type %d ignored", type);
		return;
	}
	g_signal_connect(ch, "open-fd", G_CALLBACK(open_fd), s);
	spice_channel_connect(ch);
}

/* spice-client-glib drops a channel it closed: no pointer to it may outlive it. */
static void channel_destroy(SpiceSession *session, SpiceChannel *ch, gpointer data)
{
	struct tsr_viewer_spice *s = data;

	(void)session;
	if (s->inputs == (SpiceInputsChannel *)ch)
		s->inputs = NULL;
}

/* Events leave the queue here, in the order the kiosk sent them. */
static void send_input(const struct tsr_input_event *ev, void *data)
{
	static const struct { uint32_t mask; gint button; } map[] = {
		{ SPICE_MOUSE_BUTTON_MASK_LEFT, SPICE_MOUSE_BUTTON_LEFT },
		{ SPICE_MOUSE_BUTTON_MASK_MIDDLE, SPICE_MOUSE_BUTTON_MIDDLE },
		{ SPICE_MOUSE_BUTTON_MASK_RIGHT, SPICE_MOUSE_BUTTON_RIGHT },
	};
	struct tsr_viewer_spice *s = data;

	if (!s->inputs)
		return;
	if (ev->key) {
		if (ev->down)
			spice_inputs_channel_key_press(s->inputs, ev->code);
		else
			spice_inputs_channel_key_release(s->inputs, ev->code);
		return;
	}
	spice_inputs_channel_position(s->inputs, ev->x, ev->y, 0, (gint)s->sent_buttons);
	for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
		if ((ev->buttons ^ s->sent_buttons) & map[i].mask) {
			uint32_t next = s->sent_buttons ^ map[i].mask;
			if (ev->buttons & map[i].mask)
				spice_inputs_channel_button_press(s->inputs, map[i].button, (gint)next);
			else
				spice_inputs_channel_button_release(s->inputs, map[i].button, (gint)next);
			s->sent_buttons = next;
		}
	}
}

static gboolean pace_due(gpointer data);

/* Sends what is due and wakes up for the rest. */
static void pace_run(struct tsr_viewer_spice *s)
{
	int64_t wait_us = tsr_input_pace_run(s->pace, g_get_monotonic_time());
	if (wait_us >= 0 && !s->pace_timer)
		s->pace_timer = g_timeout_add((guint)MAX((wait_us + 999) / 1000, 1), pace_due, s);
}

static gboolean pace_due(gpointer data)
{
	struct tsr_viewer_spice *s = data;
	s->pace_timer = 0;
	pace_run(s);
	return G_SOURCE_REMOVE;
}

static void push_input(struct tsr_viewer_spice *s, const struct tsr_input_event *ev)
{
	if (!tsr_input_pace_push(s->pace, ev, g_get_monotonic_time()))
		tsr_warn("input dropped: %d events already wait for the guest",
			 TSR_INPUT_PACE_QUEUE);
	pace_run(s);
}

struct tsr_viewer_spice *tsr_viewer_spice_create(const int *fds, size_t nfds,
						 struct tsr_viewer_publish *pub,
						 tsr_viewer_spice_gone_func gone, void *opaque)
{
	struct tsr_viewer_spice *s = g_new0(struct tsr_viewer_spice, 1);

	s->pub = pub;
	s->monitors = tsr_viewer_monitors_create();
	s->gone = gone;
	s->opaque = opaque;
	for (size_t i = 0; i < nfds && i < MAX_FDS; i++)
		s->fds[s->nfds++] = fds[i];
	for (size_t i = MAX_FDS; i < nfds; i++)
		close(fds[i]);
	s->pace = tsr_input_pace_create(send_input, s);
	s->session = spice_session_new();
	g_object_set(s->session, "enable-audio", FALSE, "enable-usbredir", FALSE,
		     "enable-smartcard", FALSE, NULL);
	g_signal_connect(s->session, "channel-new", G_CALLBACK(channel_new), s);
	g_signal_connect(s->session, "channel-destroy", G_CALLBACK(channel_destroy), s);
	return s;
}

bool tsr_viewer_spice_start(struct tsr_viewer_spice *s)
{
	if (s->nfds == 0)
		return false;
	s->next_fd = 1;
	if (!spice_session_open_fd(s->session, s->fds[0]))
		return false;
	s->fds[0] = -1;
	return true;
}

void tsr_viewer_spice_destroy(struct tsr_viewer_spice *s)
{
	if (!s)
		return;
	if (s->pace_timer)
		g_source_remove(s->pace_timer);
	tsr_input_pace_destroy(s->pace);
	g_signal_handlers_disconnect_by_data(s->session, s);
	spice_session_disconnect(s->session);
	tsr_viewer_monitors_destroy(s->monitors);
	g_object_unref(s->session);
	for (size_t i = 0; i < s->nfds; i++)
		if (s->fds[i] >= 0)
			close(s->fds[i]);
	g_free(s->conv);
	g_free(s);
}

static guint spice_scancode(uint32_t scancode)
{
	return (scancode & 0xff00) == 0xe000 ? 0x100u | (scancode & 0xff) : scancode & 0xff;
}

void tsr_viewer_spice_key(struct tsr_viewer_spice *s, uint32_t scancode, bool down)
{
	guint sc = spice_scancode(scancode);

	if (!s->inputs || sc >= G_N_ELEMENTS(s->keys_down)) {
		tsr_debug("key 0x%x dropped: no inputs channel", scancode);
		return;
	}
	tsr_debug("key 0x%x %s", scancode, down ? "down" : "up");
	s->keys_down[sc] = down;
	push_input(s, &(struct tsr_input_event){ .key = true, .down = down, .code = sc });
}

void tsr_viewer_spice_pointer(struct tsr_viewer_spice *s, int32_t x, int32_t y, uint32_t buttons)
{
	if (!s->inputs)
		return;
	buttons &= SPICE_MOUSE_BUTTON_MASK_LEFT | SPICE_MOUSE_BUTTON_MASK_MIDDLE |
		   SPICE_MOUSE_BUTTON_MASK_RIGHT;
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (s->width > 0 && x >= s->width)
		x = s->width - 1;
	if (s->height > 0 && y >= s->height)
		y = s->height - 1;
	s->px = x;
	s->py = y;
	s->buttons = buttons;
	push_input(s, &(struct tsr_input_event){ .x = x, .y = y, .buttons = buttons });
}

void tsr_viewer_spice_release_all(struct tsr_viewer_spice *s)
{
	if (!s->inputs)
		return;
	for (guint sc = 0; sc < G_N_ELEMENTS(s->keys_down); sc++) {
		if (s->keys_down[sc]) {
			s->keys_down[sc] = false;
			push_input(s, &(struct tsr_input_event){ .key = true, .code = sc });
		}
	}
	if (s->buttons)
		tsr_viewer_spice_pointer(s, s->px, s->py, 0);
}

void tsr_viewer_spice_set_clipboard(struct tsr_viewer_spice *s, struct tsr_viewer_clipboard *c)
{
	s->clipboard = c;
}

void tsr_viewer_spice_resize(struct tsr_viewer_spice *s, uint32_t width, uint32_t height)
{
	tsr_viewer_monitors_request(s->monitors, width, height);
}
