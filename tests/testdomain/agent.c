/* tests/testdomain/agent.c: the agent's character device, with the clipboard part of the vdagent
 * protocol (see .h). Bytes from the client arrive as chunks (VDIChunkHeader) that carry agent
 * messages (VDAgentMessage, possibly split over chunks); bytes to the client go out the same
 * way, at most VD_AGENT_MAX_DATA_SIZE per chunk, pulled by spice-server through read. */
#include "config.h"
#include "tests/testdomain/agent.h"
#include "common/spice-interface.h"

#include <glib.h>
#include <spice/vd_agent.h>
#include <string.h>

struct tsr_td_agent {
	SpiceCharDeviceInstance sin;
	bool clipboard;
	char *copied;
	FILE *record;
	bool steal;
	GByteArray *in;    /* client bytes not yet parsed into chunks */
	GByteArray *msg;   /* the agent message being put together from chunk payloads */
	GByteArray *out;   /* bytes for spice-server to read */
};

static void agent_state(SpiceCharDeviceInstance *sin, int connected)
{
	(void)sin;
	(void)connected;
}

static struct tsr_td_agent *of(SpiceCharDeviceInstance *sin)
{
	return (struct tsr_td_agent *)sin;
}

/* One agent message to the client, cut into chunks. */
static void send_msg(struct tsr_td_agent *a, uint32_t type, const void *data, uint32_t size)
{
	VDAgentMessage m = { .protocol = VD_AGENT_PROTOCOL, .type = type, .size = size };
	g_autoptr(GByteArray) whole = g_byte_array_new();

	g_byte_array_append(whole, (const guint8 *)&m, sizeof(m));
	g_byte_array_append(whole, data, size);
	for (guint off = 0; off < whole->len; off += VD_AGENT_MAX_DATA_SIZE) {
		VDIChunkHeader h = { .port = VDP_CLIENT_PORT,
				     .size = MIN(whole->len - off, VD_AGENT_MAX_DATA_SIZE) };
		g_byte_array_append(a->out, (const guint8 *)&h, sizeof(h));
		g_byte_array_append(a->out, whole->data + off, h.size);
	}
	spice_server_char_device_wakeup(&a->sin);
}

static void send_u32(struct tsr_td_agent *a, uint32_t type, uint32_t value)
{
	send_msg(a, type, &value, sizeof(value));
}

static void record(struct tsr_td_agent *a, const char *what, const guint8 *data, size_t len)
{
	if (!a->record)
		return;
	g_autofree char *text = g_strndup((const char *)data, len);
	g_autofree char *escaped = g_strescape(text, NULL);
	fprintf(a->record, "%s %s\n", what, escaped);
	fflush(a->record);
}

/* The client's capabilities: answer with ours (clipboard by demand), then copy and steal. */
static void client_caps(struct tsr_td_agent *a, const guint8 *data, uint32_t size)
{
	uint32_t request = 0;
	struct { uint32_t request; uint32_t caps[1]; } ours = {
		0, { 1u << VD_AGENT_CAP_CLIPBOARD_BY_DEMAND } };

	if (size >= 4)
		memcpy(&request, data, 4);
	if (request)
		send_msg(a, VD_AGENT_ANNOUNCE_CAPABILITIES, &ours, sizeof(ours));
	if (a->copied)
		send_u32(a, VD_AGENT_CLIPBOARD_GRAB, VD_AGENT_CLIPBOARD_UTF8_TEXT);
	if (a->steal)
		send_u32(a, VD_AGENT_CLIPBOARD_REQUEST, VD_AGENT_CLIPBOARD_UTF8_TEXT);
}

static void handle_msg(struct tsr_td_agent *a, uint32_t type, const guint8 *data, uint32_t size)
{
	uint32_t first = 0;

	if (size >= 4)
		memcpy(&first, data, 4);
	switch (type) {
	case VD_AGENT_ANNOUNCE_CAPABILITIES:
		client_caps(a, data, size);
		break;
	case VD_AGENT_CLIPBOARD_REQUEST: /* the client wants the guest's text */
		if (a->copied && first == VD_AGENT_CLIPBOARD_UTF8_TEXT) {
			g_autoptr(GByteArray) reply = g_byte_array_new();
			g_byte_array_append(reply, (const guint8 *)&first, 4);
			g_byte_array_append(reply, (const guint8 *)a->copied, strlen(a->copied));
			send_msg(a, VD_AGENT_CLIPBOARD, reply->data, reply->len);
		}
		break;
	case VD_AGENT_CLIPBOARD_GRAB: /* the client offers text: the guest pastes it at once */
		send_u32(a, VD_AGENT_CLIPBOARD_REQUEST, VD_AGENT_CLIPBOARD_UTF8_TEXT);
		break;
	case VD_AGENT_CLIPBOARD: /* what the guest pasted */
		if (size >= 4)
			record(a, "clipboard", data + 4, size - 4);
		break;
	default:
		break;
	}
}

/* Chunks out of a->in, their payloads into a->msg, whole messages handled. */
static void parse(struct tsr_td_agent *a)
{
	VDIChunkHeader h;
	VDAgentMessage m;

	while (a->in->len >= sizeof(h)) {
		memcpy(&h, a->in->data, sizeof(h));
		if (a->in->len < sizeof(h) + h.size)
			return;
		g_byte_array_append(a->msg, a->in->data + sizeof(h), h.size);
		g_byte_array_remove_range(a->in, 0, sizeof(h) + h.size);
		while (a->msg->len >= sizeof(m)) {
			memcpy(&m, a->msg->data, sizeof(m));
			if (a->msg->len < sizeof(m) + m.size)
				break;
			handle_msg(a, m.type, a->msg->data + sizeof(m), m.size);
			g_byte_array_remove_range(a->msg, 0, sizeof(m) + m.size);
		}
	}
}

static int agent_write(SpiceCharDeviceInstance *sin, const uint8_t *buf, int len)
{
	struct tsr_td_agent *a = of(sin);

	if (a->clipboard) {
		g_byte_array_append(a->in, buf, (guint)len);
		parse(a);
	}
	return len; /* taken whole */
}

static int agent_read(SpiceCharDeviceInstance *sin, uint8_t *buf, int len)
{
	struct tsr_td_agent *a = of(sin);
	guint n = MIN(a->out->len, (guint)len);

	if (n == 0)
		return 0; /* nothing to give: an empty array may have no data at all */
	memcpy(buf, a->out->data, n);
	g_byte_array_remove_range(a->out, 0, n);
	return (int)n;
}

static const SpiceCharDeviceInterface agent_interface = {
	.base = TSR_SPICE_INTERFACE_BASE(CHAR_DEVICE, "tessera test agent"),
	.state = agent_state,
	.write = agent_write,
	.read = agent_read,
};

struct tsr_td_agent *tsr_td_agent_create(SpiceServer *server)
{
	struct tsr_td_agent *agent = g_new0(struct tsr_td_agent, 1);

	agent->sin.base.sif = &agent_interface.base;
	agent->sin.subtype = "vdagent";
	agent->in = g_byte_array_new();
	agent->msg = g_byte_array_new();
	agent->out = g_byte_array_new();
	if (spice_server_add_interface(server, &agent->sin.base) != 0) {
		tsr_td_agent_destroy(agent);
		return NULL;
	}
	return agent;
}

void tsr_td_agent_clipboard(struct tsr_td_agent *agent, const char *copied, FILE *record,
			    bool steal)
{
	agent->clipboard = true;
	g_free(agent->copied);
	agent->copied = g_strdup(copied);
	agent->record = record;
	agent->steal = steal;
}

void tsr_td_agent_destroy(struct tsr_td_agent *agent)
{
	if (!agent)
		return;
	GByteArray *buffers[] = { agent->in, agent->msg, agent->out };
	for (size_t i = 0; i < G_N_ELEMENTS(buffers); i++)
		g_byte_array_unref(buffers[i]);
	g_free(agent->copied);
	g_free(agent);
}
