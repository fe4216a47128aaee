/* tests/testdomain/input.h: the test domain's keyboard and tablet.
 *
 * Registers a SPICE keyboard and a tablet (so clients run in client mouse mode, as with every
 * Tessera domain) and reports what arrives: as a callback for the echo pattern, and as one
 * flushed line per event in a record file, which is how tests check exactly what reached the
 * domain:  "key 0x1e down", "key 0xe048 up", "pointer X Y buttons=N", "wheel N buttons=N". */
#ifndef TSR_TESTS_TESTDOMAIN_INPUT_H
#define TSR_TESTS_TESTDOMAIN_INPUT_H

#include <spice.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* scancode: set 1 without the break bit; 0xe0-prefixed keys as 0xe0NN. */
typedef void (*tsr_td_key_func)(void *opaque, uint32_t scancode, bool down);

struct tsr_td_input;

/* record may be NULL; it is not closed by destroy. */
struct tsr_td_input *tsr_td_input_create(SpiceServer *server, FILE *record, tsr_td_key_func key,
					 void *opaque);
void tsr_td_input_destroy(struct tsr_td_input *in);

#endif
