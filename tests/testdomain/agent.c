/* tests/testdomain/agent.c: the agent's character device that swallows what it is sent (see .h). */
#include "config.h"
#include "tests/testdomain/agent.h"
#include "common/spice-interface.h"

#include <glib.h>

struct tsr_td_agent {
	SpiceCharDeviceInstance sin;
};

static void agent_state(SpiceCharDeviceInstance *sin, int connected)
{
	(void)sin;
	(void)connected;
}

static int agent_write(SpiceCharDeviceInstance *sin, const uint8_t *buf, int len)
{
	(void)sin;
	(void)buf;
	return len; /* taken whole and dropped */
}

static int agent_read(SpiceCharDeviceInstance *sin, uint8_t *buf, int len)
{
	(void)sin;
	(void)buf;
	(void)len;
	return 0;
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
	if (spice_server_add_interface(server, &agent->sin.base) != 0) {
		g_free(agent);
		return NULL;
	}
	return agent;
}

void tsr_td_agent_destroy(struct tsr_td_agent *agent)
{
	g_free(agent);
}
