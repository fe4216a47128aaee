/* common/spice-interface.h: the head of every interface a program hands spice-server.
 *
 * Each SpiceBaseInterface names its kind and the version of that interface the program was
 * built against, from the same pair of constants spice.h gives each kind; spice-server refuses
 * an interface whose major version differs from its own. Written once here, a kind cannot be
 * paired with another kind's version numbers. */
#ifndef TSR_COMMON_SPICE_INTERFACE_H
#define TSR_COMMON_SPICE_INTERFACE_H

#include <spice.h>

/* The initialiser of .base for an interface of kind KIND (QXL, KEYBOARD, TABLET, CORE, …),
 * described as desc in spice-server's log. */
#define TSR_SPICE_INTERFACE_BASE(KIND, desc)                                                       \
	{                                                                                          \
		.type = SPICE_INTERFACE_##KIND,                                                    \
		.description = (desc),                                                             \
		.major_version = SPICE_INTERFACE_##KIND##_MAJOR,                                   \
		.minor_version = SPICE_INTERFACE_##KIND##_MINOR,                                   \
	}

#endif
