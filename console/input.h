/* console/input.h: the remote client's keyboard and tablet, turned into console
 * messages for the kiosk.
 *
 * spice-server hands keys over one set-1 scancode byte at a time (prefix bytes separate) and
 * absolute pointer positions through a tablet interface with QEMU's button bit order. This module
 * reassembles whole keys, converts buttons to SPICE's mask order, keeps positions inside the
 * surface and passes fixed-size messages to a sender. It decides nothing: what the remote input
 * may do is the kiosk's input router's business (doc/console.md). */
#ifndef TSR_CONSOLE_INPUT_H
#define TSR_CONSOLE_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include <spice.h>

/* Called with a complete message (header filled in by the sender). */
typedef void (*tsr_console_input_send_fn)(void *data, void *msg, size_t len, uint16_t type);

struct tsr_console_input;

/* Registers a keyboard and a tablet on server. NULL on failure. */
struct tsr_console_input *tsr_console_input_create(SpiceServer *server,
						   tsr_console_input_send_fn send, void *data);
/* Only after spice_server_destroy: spice-server cannot unregister keyboards and tablets. */
void tsr_console_input_destroy(struct tsr_console_input *input);

/* The surface size pointer positions are clamped to (0x0: pointer events are dropped). */
void tsr_console_input_set_size(struct tsr_console_input *input, uint32_t width,
				uint32_t height);

/* The lock LEDs to report to clients (TSR_CONSOLE_LED_*, already checked). */
void tsr_console_input_set_leds(struct tsr_console_input *input, uint32_t leds);

/* For tests and the fuzz target: feed one scancode byte as spice-server would. */
void tsr_console_input_push_byte(struct tsr_console_input *input, uint8_t byte);

#endif
