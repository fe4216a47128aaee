/* viewer/monitors.c: the kiosk's requested size to the guest's agent (see .h). */
#include "config.h"
#include "viewer/monitors.h"

#include "common/log.h"

struct tsr_viewer_monitors {
	SpiceMainChannel *main;
	gulong agent_handler;
	uint32_t width, height; /* 0x0: nothing asked */
	bool sent;              /* the agent got width x height */
};

static bool agent_connected(struct tsr_viewer_monitors *m)
{
	gboolean connected = FALSE;

	g_object_get(m->main, "agent-connected", &connected, NULL);
	return connected;
}

static void send_now(struct tsr_viewer_monitors *m)
{
	if (!m->main || !m->width || m->sent || !agent_connected(m))
		return;
	spice_main_channel_update_display_enabled(m->main, 0, TRUE, FALSE);
	spice_main_channel_update_display(m->main, 0, 0, 0, (int)m->width, (int)m->height, FALSE);
	if (spice_main_channel_send_monitor_config(m->main)) {
		m->sent = true;
		tsr_debug("monitors config %ux%u sent to the agent", m->width, m->height);
	}
}

/* A new agent (the guest rebooted, its session restarted) has not been told yet. */
static void on_agent(GObject *obj, GParamSpec *pspec, gpointer data)
{
	struct tsr_viewer_monitors *m = data;

	(void)obj;
	(void)pspec;
	if (!agent_connected(m))
		m->sent = false;
	send_now(m);
}

struct tsr_viewer_monitors *tsr_viewer_monitors_create(void)
{
	return g_new0(struct tsr_viewer_monitors, 1);
}

void tsr_viewer_monitors_destroy(struct tsr_viewer_monitors *m)
{
	if (!m)
		return;
	if (m->main)
		g_clear_signal_handler(&m->agent_handler, m->main);
	g_free(m);
}

void tsr_viewer_monitors_set_channel(struct tsr_viewer_monitors *m, SpiceMainChannel *main)
{
	if (m->main)
		g_clear_signal_handler(&m->agent_handler, m->main);
	m->main = main;
	m->agent_handler = g_signal_connect(main, "notify::agent-connected", G_CALLBACK(on_agent), m);
	m->sent = false;
	send_now(m);
}

void tsr_viewer_monitors_request(struct tsr_viewer_monitors *m, uint32_t width, uint32_t height)
{
	if (width == m->width && height == m->height && m->sent)
		return;
	m->width = width;
	m->height = height;
	m->sent = false;
	send_now(m);
}
