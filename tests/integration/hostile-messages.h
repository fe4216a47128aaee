/* tests/integration/hostile-messages.h: the bad messages a hostile viewer sends.
 *
 * Shared by the in-process hostile test (kiosk-hostile-test.c) and the hostile-viewer program
 * the real kiosk spawns in place of tessera-viewer (kiosk-display-test.c). Each kind is one
 * protocol violation the kiosk must answer by cutting the viewer off. */
#ifndef TSR_TESTS_HOSTILE_MESSAGES_H
#define TSR_TESTS_HOSTILE_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOSTILE_KINDS 14
#define HOSTILE_ALL_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* A memfd of size bytes with the given seals (on hugetlbfs if huge); -1 if it cannot be made. */
int hostile_memfd(size_t size, int seals, bool huge);
void hostile_send_surface(int s, uint32_t w, uint32_t h, uint32_t stride, int fd);
/* Send violation number k (0..HOSTILE_KINDS-1), after a valid surface where k needs one. */
void hostile_send(int s, int k, bool hugetlb);

#endif
