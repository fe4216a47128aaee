/* tests/testdomain/agent.h: a stand-in for a guest's spice-vdagent.
 *
 * A SPICE client sends the monitors config (the size it wants the guest's display to be) only
 * once the server says a guest agent is connected. This registers the agent's character device
 * with spice-server, which then says so. spice-server hands the monitors config itself to the
 * display's QXL interface (tsr_td_display_follow_monitors), as QEMU's QXL device gets it for a
 * guest whose driver follows the client.
 *
 * With a clipboard (tsr_td_agent_clipboard), the agent speaks enough of the vdagent protocol
 * for copy and paste: it announces clipboard-by-demand, grabs the guest clipboard with a text
 * as a guest that copied it would and hands it over when the client asks, and pastes at once
 * whatever the client grabs (asks for the text and records it as "clipboard TEXT", escaped, in
 * the record file). A steal flag plays a guest that asks the client for its clipboard on its
 * own as soon as the client is there, recording what (if anything) it gets. Without it, what
 * the client writes is read and dropped and nothing is sent back. */
#ifndef TSR_TESTS_TESTDOMAIN_AGENT_H
#define TSR_TESTS_TESTDOMAIN_AGENT_H

#include <spice.h>
#include <stdbool.h>
#include <stdio.h>

struct tsr_td_agent;

/* NULL if spice-server refuses the device. */
struct tsr_td_agent *tsr_td_agent_create(SpiceServer *server);
/* Speak the clipboard: copied (NULL: none) is the guest's clipboard text, record (may be NULL,
 * not closed here) gets what the guest pastes, steal asks the client unprompted. Before the
 * client connects. */
void tsr_td_agent_clipboard(struct tsr_td_agent *agent, const char *copied, FILE *record,
			    bool steal);
/* After spice_server_destroy (which lets go of the device). Accepts NULL. */
void tsr_td_agent_destroy(struct tsr_td_agent *agent);

#endif
