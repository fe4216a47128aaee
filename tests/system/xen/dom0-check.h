/* tests/system/xen/dom0-check.h: what the check-xen dom0 driver's files share: one result line
 * on dom0's console ("TSR-XEN ok|not ok DESCRIPTION", which the host turns into TAP), the
 * smart card and isolated network checks of two domains at once (dom0-pair.c), and where keys
 * typed over SPICE arrived (dom0-keys.c). */
#ifndef TSR_TESTS_SYSTEM_XEN_DOM0_CHECK_H
#define TSR_TESTS_SYSTEM_XEN_DOM0_CHECK_H

#include <stdbool.h>

#include "domains/backend.h"

/* One result; returns ok. */
bool xen_check(bool ok, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* The first domain's network = isolated command line: its address, and the probes of the
 * second domain and of dom0 on its own bridge that it reports on its serial port. */
#define XEN_PAIR_FIRST_CMDLINE "tsr.ip=10.99.0.1/24 tsr.probe=10.99.0.2:7777,10.99.0.254:7777"

/* A second network = isolated domain, "right", on the small test image (pinned by sum and
 * size) is defined and created, to boot beside the first; false if it did not start. */
bool xen_pair_start(struct tsr_backend *b, const char *sum, guint64 size);
/* With first (network = isolated, XEN_PAIR_FIRST_CMDLINE, its guest up) and right running: the
 * host's emulated CCID reader goes to first, then (a lock, a user switch) to right, and
 * neither domain reaches the other or dom0. right is destroyed at the end. */
void xen_pair_checks(struct tsr_backend *b, const char *first);

/* The host typed "ab" into typed_into's SPICE inputs channel before it said go: its guest
 * reports exactly those keys, and other's guest (when not NULL, its domain running) none. */
void xen_keys_checks(struct tsr_backend *b, const char *typed_into, const char *other);

#endif
