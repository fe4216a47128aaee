/* domains/sync.c: the synchronous wrappers over the asynchronous backend calls, for tools and
 * tests that have no main loop of their own: each runs the thread's default context until the
 * operation's done callback fires or its bound passes. */
#include "config.h"

#include "domains/backend-private.h"

struct sync_state {
	bool finished;
	GError *error;
};

static void sync_done(struct tsr_backend *b, const char *name, const GError *error, void *data)
{
	struct sync_state *s = data;
	s->finished = true;
	if (error)
		s->error = g_error_copy(error);
}

static gboolean sync_timeout(gpointer data)
{
	*(bool *)data = true;
	return G_SOURCE_REMOVE;
}

bool tsr_backend_run_sync(struct tsr_backend *b, const char *name, tsr_backend_async_op op,
			  void *op_data, unsigned timeout_ms, GError **error)
{
	struct sync_state s = { 0 };
	bool timed_out = false;
	guint timer = g_timeout_add(timeout_ms, sync_timeout, &timed_out);
	op(b, name, sync_done, &s, op_data);
	while (!s.finished && !timed_out)
		g_main_context_iteration(NULL, TRUE);
	if (!timed_out)
		g_source_remove(timer);
	if (!s.finished) {
		/* The done callback still points at s: it must not fire after we return. */
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TIMEOUT,
			    "domain %s: no answer within %u ms", name, timeout_ms);
		while (!s.finished)
			g_main_context_iteration(NULL, TRUE);
		g_clear_error(&s.error);
		return false;
	}
	if (s.error) {
		g_propagate_error(error, s.error);
		return false;
	}
	return true;
}

static void op_start(struct tsr_backend *b, const char *n, tsr_backend_done_fn done, void *dd,
		     void *op_data)
{
	tsr_backend_start(b, n, done, dd);
}

static void op_shutdown(struct tsr_backend *b, const char *n, tsr_backend_done_fn done, void *dd,
			void *op_data)
{
	tsr_backend_shutdown(b, n, GPOINTER_TO_UINT(op_data), done, dd);
}

static void op_destroy(struct tsr_backend *b, const char *n, tsr_backend_done_fn done, void *dd,
		       void *op_data)
{
	tsr_backend_destroy_domain(b, n, done, dd);
}

static void op_attach(struct tsr_backend *b, const char *n, tsr_backend_done_fn done, void *dd,
		      void *op_data)
{
	tsr_backend_attach_usb(b, n, op_data, done, dd);
}

static void op_detach(struct tsr_backend *b, const char *n, tsr_backend_done_fn done, void *dd,
		      void *op_data)
{
	tsr_backend_detach_usb(b, n, op_data, done, dd);
}

bool tsr_backend_start_sync(struct tsr_backend *b, const char *name, unsigned timeout_ms,
			    GError **error)
{
	return tsr_backend_run_sync(b, name, op_start, NULL, timeout_ms, error);
}

bool tsr_backend_shutdown_sync(struct tsr_backend *b, const char *name, unsigned timeout_ms,
			       GError **error)
{
	/* The shutdown's own timeout destroys the domain; leave the wait room for that. */
	return tsr_backend_run_sync(b, name, op_shutdown, GUINT_TO_POINTER(timeout_ms),
				    timeout_ms + 30000, error);
}

bool tsr_backend_destroy_domain_sync(struct tsr_backend *b, const char *name,
				     unsigned timeout_ms, GError **error)
{
	return tsr_backend_run_sync(b, name, op_destroy, NULL, timeout_ms, error);
}

bool tsr_backend_attach_usb_sync(struct tsr_backend *b, const char *name,
				 const struct tsr_usb_device *device, unsigned timeout_ms,
				 GError **error)
{
	return tsr_backend_run_sync(b, name, op_attach, (void *)device, timeout_ms, error);
}

bool tsr_backend_detach_usb_sync(struct tsr_backend *b, const char *name,
				 const struct tsr_usb_device *device, unsigned timeout_ms,
				 GError **error)
{
	return tsr_backend_run_sync(b, name, op_detach, (void *)device, timeout_ms, error);
}

bool tsr_backend_wait_state(struct tsr_backend *b, const char *name, enum tsr_domain_state state,
			    unsigned timeout_ms)
{
	bool timed_out = false;
	guint timer = g_timeout_add(timeout_ms, sync_timeout, &timed_out);
	while (tsr_backend_status(b, name) != state && !timed_out)
		g_main_context_iteration(NULL, TRUE);
	if (!timed_out)
		g_source_remove(timer);
	return tsr_backend_status(b, name) == state;
}
