/* viewer/clipboard.c: the guest's clipboard on the kiosk's terms (see clipboard.h). */
#include "config.h"
#include "viewer/clipboard.h"
#include "common/frame.h"
#include "common/log.h"
#include "proto/clipboard.h"
#include "proto/display.h"

#include <errno.h>
#include <spice/vd_agent.h>
#include <string.h>
#include <unistd.h>

#define SELECTION VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD
#define UTF8 VD_AGENT_CLIPBOARD_UTF8_TEXT

struct tsr_viewer_clipboard {
	int link;
	SpiceMainChannel *main;
	bool guest_has_text;  /* the guest's agent grabbed the clipboard with text */
	uint32_t serial;      /* the kiosk's request being fetched from the guest, 0 none */
	uint32_t max_bytes;
	char *offered;        /* what the kiosk handed over for the guest to paste */
	size_t offered_len;
};

struct tsr_viewer_clipboard *tsr_viewer_clipboard_create(int link)
{
	struct tsr_viewer_clipboard *c = g_new0(struct tsr_viewer_clipboard, 1);

	c->link = link;
	return c;
}

static void drop_offer(struct tsr_viewer_clipboard *c)
{
	if (c->offered)
		explicit_bzero(c->offered, c->offered_len);
	g_clear_pointer(&c->offered, g_free);
	c->offered_len = 0;
}

void tsr_viewer_clipboard_destroy(struct tsr_viewer_clipboard *c)
{
	if (!c)
		return;
	drop_offer(c);
	g_free(c);
}

static void send_empty(struct tsr_viewer_clipboard *c, uint32_t reason)
{
	struct tsr_clipboard_empty m = { .serial = c->serial, .reason = reason };

	c->serial = 0;
	if (tsr_frame_send(c->link, &m, sizeof(m), TSR_DISPLAY_CLIPBOARD_EMPTY,
			   TSR_DISPLAY_PROTO_VERSION, NULL, 0) < 0)
		tsr_warn("clipboard: could not answer the kiosk: %s", g_strerror(errno));
}

static void send_text(struct tsr_viewer_clipboard *c, const char *text, size_t len)
{
	struct tsr_clipboard_text m = { .serial = c->serial, .format = TSR_CLIPBOARD_FORMAT_UTF8,
					.length = (uint32_t)len };
	int fd = tsr_clipboard_memfd(text, len);

	c->serial = 0;
	if (fd < 0 || tsr_frame_send(c->link, &m, sizeof(m), TSR_DISPLAY_CLIPBOARD_TEXT,
				     TSR_DISPLAY_PROTO_VERSION, &fd, 1) < 0)
		tsr_warn("clipboard: could not answer the kiosk: %s", g_strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* The guest copied something: noted, nothing leaves the viewer. A paste offered before is
 * no longer what the guest's clipboard holds. */
static gboolean guest_grab(SpiceMainChannel *main, guint selection, gpointer types, guint ntypes,
			   gpointer data)
{
	struct tsr_viewer_clipboard *c = data;
	const guint32 *t = types;

	(void)main;
	if (selection != SELECTION)
		return TRUE;
	drop_offer(c);
	c->guest_has_text = false;
	for (guint i = 0; i < ntypes; i++)
		if (t[i] == UTF8)
			c->guest_has_text = true;
	return TRUE;
}

static void guest_release(SpiceMainChannel *main, guint selection, gpointer data)
{
	struct tsr_viewer_clipboard *c = data;

	(void)main;
	if (selection == SELECTION)
		c->guest_has_text = false;
}

/* The guest's text, fetched because the kiosk asked. */
static void guest_data(SpiceMainChannel *main, guint selection, guint type, gpointer bytes,
		       guint size, gpointer data)
{
	struct tsr_viewer_clipboard *c = data;
	const char *text = bytes;
	size_t len = size;
	char err[128];

	(void)main;
	if (selection != SELECTION || !c->serial)
		return;
	if (type != UTF8) {
		send_empty(c, TSR_CLIPBOARD_EMPTY_NOT_TEXT);
		return;
	}
	/* Some guests end the text with its C terminator. */
	while (len && text[len - 1] == '\0')
		len--;
	if (len == 0)
		send_empty(c, TSR_CLIPBOARD_EMPTY_NONE);
	else if (len > c->max_bytes)
		send_empty(c, TSR_CLIPBOARD_EMPTY_TOO_LARGE);
	else if (!tsr_clipboard_text_ok(text, len, c->max_bytes, err, sizeof(err)))
		send_empty(c, TSR_CLIPBOARD_EMPTY_NOT_TEXT);
	else
		send_text(c, text, len);
}

/* The guest pastes: only text the kiosk handed over, never anything else. */
static gboolean guest_request(SpiceMainChannel *main, guint selection, guint type, gpointer data)
{
	struct tsr_viewer_clipboard *c = data;

	if (selection != SELECTION || type != UTF8 || !c->offered) {
		tsr_debug("clipboard: the guest asked for selection %u type %u: nothing to give",
			  selection, type);
		return FALSE;
	}
	spice_main_channel_clipboard_selection_notify(main, selection, type,
						      (const guchar *)c->offered, c->offered_len);
	return TRUE;
}

void tsr_viewer_clipboard_set_channel(struct tsr_viewer_clipboard *c, SpiceMainChannel *main)
{
	c->main = main;
	g_signal_connect(main, "main-clipboard-selection-grab", G_CALLBACK(guest_grab), c);
	g_signal_connect(main, "main-clipboard-selection-release", G_CALLBACK(guest_release), c);
	g_signal_connect(main, "main-clipboard-selection", G_CALLBACK(guest_data), c);
	g_signal_connect(main, "main-clipboard-selection-request", G_CALLBACK(guest_request), c);
}

static bool agent_connected(struct tsr_viewer_clipboard *c)
{
	gboolean connected = FALSE;

	if (c->main)
		g_object_get(c->main, "agent-connected", &connected, NULL);
	return connected;
}

static bool request(struct tsr_viewer_clipboard *c, const void *buf, size_t len, int fd)
{
	struct tsr_clipboard_request m;

	if (len != sizeof(m) || fd >= 0)
		return false;
	memcpy(&m, buf, len);
	if (!tsr_clipboard_request_ok(&m))
		return false;
	c->serial = m.serial;
	c->max_bytes = m.max_bytes;
	if (!agent_connected(c))
		send_empty(c, TSR_CLIPBOARD_EMPTY_NO_AGENT);
	else if (!c->guest_has_text)
		send_empty(c, TSR_CLIPBOARD_EMPTY_NONE);
	else
		spice_main_channel_clipboard_selection_request(c->main, SELECTION, UTF8);
	return true;
}

static bool paste(struct tsr_viewer_clipboard *c, const void *buf, size_t len, int fd)
{
	struct tsr_clipboard_paste m;
	char err[160];
	char *text;
	guint32 types[1] = { UTF8 };

	if (len != sizeof(m) || fd < 0)
		return false;
	memcpy(&m, buf, len);
	if (!tsr_clipboard_paste_ok(&m))
		return false;
	text = tsr_clipboard_memfd_read(fd, m.length, TSR_CLIPBOARD_LIMIT, err, sizeof(err));
	if (!text) {
		tsr_err("clipboard: the kiosk's paste: %s", err);
		return false;
	}
	drop_offer(c);
	c->offered = text;
	c->offered_len = m.length;
	/* The guest sees it as the client's clipboard; its agent asks when the user pastes. */
	if (c->main)
		spice_main_channel_clipboard_selection_grab(c->main, SELECTION, types, 1);
	return true;
}

bool tsr_viewer_clipboard_message(struct tsr_viewer_clipboard *c, const void *buf, size_t len,
				  int fd)
{
	struct tsr_frame_header hdr;

	if (len < sizeof(hdr))
		return false;
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.type == TSR_DISPLAY_CLIPBOARD_REQUEST)
		return request(c, buf, len, fd);
	if (hdr.type == TSR_DISPLAY_CLIPBOARD_PASTE)
		return paste(c, buf, len, fd);
	return false;
}
