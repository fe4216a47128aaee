/* viewer/spice-hold.c: copies of a viewer's SPICE connections closed after a delay (see .h).
 *
 * One list per process, oldest first: the broker and the kiosk each run one GLib main loop. */
#include "config.h"
#include "viewer/spice-hold.h"

#include <glib.h>
#include <string.h>
#include <unistd.h>

struct held {
	char *domain;
	guint timer;
	size_t n;
	int fds[];
};

static GQueue holds = G_QUEUE_INIT;

static void close_held(struct held *h)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->fds[i] >= 0)
			close(h->fds[i]);
	g_free(h->domain);
	g_free(h);
}

static gboolean on_hold_over(gpointer data)
{
	struct held *h = data;

	g_queue_remove(&holds, h);
	close_held(h);
	return G_SOURCE_REMOVE;
}

/* The domain's held connections, and its oldest hold. */
static size_t held_for(const char *domain, GList **oldest)
{
	size_t n = 0;

	*oldest = NULL;
	for (GList *l = holds.head; l; l = l->next) {
		struct held *h = l->data;
		if (strcmp(h->domain, domain) != 0)
			continue;
		if (!*oldest)
			*oldest = l;
		n += h->n;
	}
	return n;
}

void tsr_viewer_spice_hold(const char *domain, const int *fds, size_t n, unsigned ms)
{
	struct held *h = g_malloc(sizeof(*h) + n * sizeof(int));
	GList *oldest;

	h->domain = g_strdup(domain);
	h->n = n;
	memcpy(h->fds, fds, n * sizeof(int));
	/* A domain whose viewers keep dying early (a hostile guest's) gives up its oldest hold,
	 * never another domain's. */
	while (held_for(domain, &oldest) + n > TSR_VIEWER_SPICE_HOLD_PER_DOMAIN && oldest) {
		struct held *old = oldest->data;
		g_source_remove(old->timer);
		g_queue_delete_link(&holds, oldest);
		close_held(old);
	}
	h->timer = g_timeout_add(ms, on_hold_over, h);
	g_queue_push_tail(&holds, h);
}
