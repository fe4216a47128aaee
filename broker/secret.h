/* broker/secret.h: a password held only in guarded, locked memory.
 *
 * A password arrives from the kiosk as a binary field and goes straight into memory from
 * sodium_malloc (guard pages, mlock'd, never in a core dump), is checked, and is wiped by
 * sodium_free. It never becomes a C string, a JSON string or a log argument. */
#ifndef TSR_BROKER_SECRET_H
#define TSR_BROKER_SECRET_H

#include <stddef.h>

/* The longest password the broker accepts, in bytes. */
#define TSR_SECRET_MAX 256

struct tsr_secret {
	unsigned char *bytes; /* sodium_malloc'd, cap bytes */
	size_t len;
	size_t cap;
};

/* NULL if the memory cannot be had (sodium_init failed, mlock limits). */
struct tsr_secret *tsr_secret_new(size_t cap) __attribute__((warn_unused_result));
/* Wipes and frees; NULL is fine. */
void tsr_secret_free(struct tsr_secret *secret);

#endif
