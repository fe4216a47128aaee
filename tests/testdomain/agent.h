/* tests/testdomain/agent.h: a stand-in for a guest's spice-vdagent.
 *
 * A SPICE client sends the monitors config (the size it wants the guest's display to be) only
 * once the server says a guest agent is connected. This registers the agent's character device
 * with spice-server, which then says so; what the client writes to the agent (its capabilities)
 * is read and dropped, and nothing is sent back. spice-server hands the monitors config itself
 * to the display's QXL interface (tsr_td_display_follow_monitors), as QEMU's QXL device gets it
 * for a guest whose driver follows the client. */
#ifndef TSR_TESTS_TESTDOMAIN_AGENT_H
#define TSR_TESTS_TESTDOMAIN_AGENT_H

#include <spice.h>
#include <stdbool.h>

struct tsr_td_agent;

/* NULL if spice-server refuses the device. */
struct tsr_td_agent *tsr_td_agent_create(SpiceServer *server);
/* After spice_server_destroy (which lets go of the device). Accepts NULL. */
void tsr_td_agent_destroy(struct tsr_td_agent *agent);

#endif
