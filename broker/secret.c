/* broker/secret.c: guarded password memory (see secret.h). */
#include "config.h"
#include "broker/secret.h"

#include <glib.h>
#include <sodium.h>

struct tsr_secret *tsr_secret_new(size_t cap)
{
	struct tsr_secret *s;

	if (sodium_init() < 0 || cap == 0)
		return NULL;
	s = g_new0(struct tsr_secret, 1);
	s->bytes = sodium_malloc(cap);
	if (!s->bytes) {
		g_free(s);
		return NULL;
	}
	s->cap = cap;
	return s;
}

void tsr_secret_free(struct tsr_secret *secret)
{
	if (!secret)
		return;
	/* sodium_free zeroes the whole allocation before unmapping it. */
	sodium_memzero(secret->bytes, secret->cap);
	sodium_free(secret->bytes);
	g_free(secret);
}
