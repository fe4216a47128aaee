/* bench/input-latency.c: what the input router adds to a keystroke's trip into a domain.
 *
 * Starts a tessera-testdomain recording its input into a FIFO and connects to it with
 * spice-client-glib. Each round sends the same key press and release twice, alternating which
 * goes first: once straight through the client's inputs channel (the baseline: a plain SPICE
 * client), once as an evdev key entering tsr_input_router_key, whose domain sink calls the same
 * channel. The time is taken from the moment the key is handed over until the test domain's
 * record line for it has been read back. Prints p50 and p99 of both and of the difference, and
 * the router's own cost per key measured alone (no I/O).
 *
 * Not part of make check: run build/bench/input-latency [--rounds N]. */
#include "config.h"

#include "common/log.h"
#include "input/router.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <linux/input-event-codes.h>
#include <spice-client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_MS 5000

struct bench {
	GMainContext *ctx;
	SpiceSession *session;
	SpiceInputsChannel *inputs;
	bool inputs_open;
	int fifo;
	GString *pending; /* bytes read from the FIFO not yet consumed */
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_channel_event(SpiceChannel *channel, SpiceChannelEvent event, gpointer data)
{
	struct bench *b = data;

	(void)channel;
	if (event == SPICE_CHANNEL_OPENED)
		b->inputs_open = true;
}

static void on_channel_new(SpiceSession *session, SpiceChannel *channel, gpointer data)
{
	struct bench *b = data;

	(void)session;
	if (SPICE_IS_INPUTS_CHANNEL(channel)) {
		b->inputs = SPICE_INPUTS_CHANNEL(g_object_ref(channel));
		g_signal_connect(channel, "channel-event", G_CALLBACK(on_channel_event), b);
		spice_channel_connect(channel);
	}
}

/* Runs the main context until the FIFO yields a line; false on timeout. */
static bool read_line(struct bench *b, char **line)
{
	int64_t deadline = g_get_monotonic_time() + (int64_t)TIMEOUT_MS * 1000;

	for (;;) {
		char *nl = memchr(b->pending->str, '\n', b->pending->len);
		if (nl) {
			*line = g_strndup(b->pending->str, (gsize)(nl - b->pending->str));
			g_string_erase(b->pending, 0, nl - b->pending->str + 1);
			return true;
		}
		char buf[256];
		ssize_t n = read(b->fifo, buf, sizeof(buf));
		if (n > 0) {
			g_string_append_len(b->pending, buf, n);
			continue;
		}
		if (g_get_monotonic_time() > deadline)
			return false;
		/* Nothing yet: let the SPICE client work, waking on either its sources or the
		 * FIFO (polled together through the context). */
		g_main_context_iteration(b->ctx, true);
	}
}

static gboolean fifo_ready(int fd, GIOCondition cond, gpointer data)
{
	(void)fd;
	(void)cond;
	(void)data;
	return G_SOURCE_CONTINUE; /* only wakes the context; read_line reads */
}

static gboolean wake_timeout(gpointer data)
{
	(void)data;
	return G_SOURCE_CONTINUE;
}

static void send_direct(void *ud, int domain, uint32_t sc, bool down)
{
	struct bench *b = ud;

	(void)domain;
	if (down)
		spice_inputs_channel_key_press(b->inputs, sc);
	else
		spice_inputs_channel_key_release(b->inputs, sc);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static double pct(int64_t *v, size_t n, double p)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return (double)v[i] / 1000.0; /* µs */
}

/* One press or release, timed until its record line is back. */
static bool timed(struct bench *b, struct tsr_input_router *r, bool via_router, bool down,
		  int64_t *out)
{
	g_autofree char *line = NULL;
	const char *want = down ? "key 0x1e down" : "key 0x1e up";
	int64_t t0 = now_ns();

	if (via_router)
		tsr_input_router_key(r, 1, KEY_A, down ? TSR_INPUT_KEY_DOWN : TSR_INPUT_KEY_UP);
	else
		send_direct(b, 0, 0x1e, down);
	if (!read_line(b, &line)) {
		fprintf(stderr, "input-latency: the test domain did not record \"%s\" within %d ms\n",
			want, TIMEOUT_MS);
		return false;
	}
	*out = now_ns() - t0;
	if (strcmp(line, want) != 0) {
		fprintf(stderr, "input-latency: the test domain recorded \"%s\", expected \"%s\"\n",
			line, want);
		return false;
	}
	return true;
}

static void noop_key(void *ud, int domain, uint32_t sc, bool down)
{
	(void)ud;
	(void)domain;
	(void)sc;
	(void)down;
}

/* The router's own work per key, without any I/O. */
static void router_alone(size_t n)
{
	struct tsr_input_sinks sinks = { .domain_key = noop_key };
	struct tsr_input_router *r = tsr_input_router_create(&sinks, NULL, NULL, NULL);
	struct tsr_input_device kbd = { .source = 1, .caps = TSR_INPUT_CAP_KEYBOARD, .name = "b" };
	int64_t *t = g_new(int64_t, n);

	if (!tsr_input_router_device_added(r, &kbd))
		abort();
	tsr_input_router_set_kiosk_grab(r, false);
	tsr_input_router_set_focus(r, 0);
	for (size_t i = 0; i < n; i++) {
		int64_t t0 = now_ns();
		tsr_input_router_key(r, 1, KEY_A, (i & 1) ? TSR_INPUT_KEY_UP : TSR_INPUT_KEY_DOWN);
		t[i] = now_ns() - t0;
	}
	printf("router alone (no I/O, %zu keys):      p50 %8.3f us   p99 %8.3f us\n", n,
	       pct(t, n, 0.5), pct(t, n, 0.99));
	g_free(t);
	tsr_input_router_destroy(r);
}

int main(int argc, char **argv)
{
	gint rounds = 300;
	gchar *testdomain = NULL;
	GOptionEntry entries[] = {
		{ "rounds", 'n', 0, G_OPTION_ARG_INT, &rounds,
		  "Key presses and releases per path (default 300)", "N" },
		{ "testdomain", 0, 0, G_OPTION_ARG_FILENAME, &testdomain,
		  "The tessera-testdomain to start (default: the build tree's)", "PATH" },
		{ NULL },
	};
	g_autoptr(GOptionContext) octx = g_option_context_new("- input router latency benchmark");
	g_autoptr(GError) error = NULL;
	struct bench b = { 0 };
	int status = 1;

	g_option_context_set_summary(octx,
		"Times a key from the input router to a tessera-testdomain, beside a plain\n"
		"spice-client-glib client sending the same key straight to it (p50 and p99).");
	g_option_context_add_main_entries(octx, entries, NULL);
	if (!g_option_context_parse(octx, &argc, &argv, &error)) {
		fprintf(stderr, "input-latency: %s (try --help)\n", error->message);
		return 64;
	}
	if (rounds < 10 || rounds > 100000) {
		fprintf(stderr, "input-latency: --rounds %d is out of range: use 10 to 100000\n", rounds);
		return 64;
	}
	tsr_log_init("input-latency", false);
	tsr_log_set_level(TSR_LOG_WARN);
	if (!testdomain)
		testdomain = g_build_filename(TSR_BUILDDIR, "tests", "testdomain", "tessera-testdomain", NULL);

	g_autofree char *dir = g_dir_make_tmp("tsr-input-latency-XXXXXX", &error);
	if (!dir) {
		fprintf(stderr, "input-latency: %s\n", error->message);
		return 1;
	}
	g_autofree char *sock = g_build_filename(dir, "td.sock", NULL);
	g_autofree char *fifo = g_build_filename(dir, "record", NULL);
	if (mkfifo(fifo, 0600) < 0) {
		fprintf(stderr, "input-latency: mkfifo %s: %s\n", fifo, g_strerror(errno));
		return 1;
	}
	/* Open our end first (non-blocking) so the domain's open for writing does not wait. */
	b.fifo = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	b.pending = g_string_new(NULL);
	b.ctx = g_main_context_default();

	int ready[2];
	if (!g_unix_open_pipe(ready, FD_CLOEXEC, &error)) {
		fprintf(stderr, "input-latency: %s\n", error->message);
		return 1;
	}
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_subprocess_launcher_take_fd(launcher, ready[1], 3);
	g_autoptr(GSubprocess) td = g_subprocess_launcher_spawn(launcher, &error, testdomain,
		"--socket", sock, "--record-input", fifo, "--ready-fd", "3", NULL);
	if (!td) {
		fprintf(stderr, "input-latency: cannot start %s: %s\n", testdomain, error->message);
		return 1;
	}
	char rb[8];
	ssize_t rn = read(ready[0], rb, sizeof(rb));
	close(ready[0]);
	if (rn <= 0) {
		fprintf(stderr, "input-latency: %s did not become ready\n", testdomain);
		goto out;
	}

	b.session = spice_session_new();
	g_object_set(b.session, "unix-path", sock, NULL);
	g_signal_connect(b.session, "channel-new", G_CALLBACK(on_channel_new), &b);
	if (!spice_session_connect(b.session)) {
		fprintf(stderr, "input-latency: cannot connect to %s\n", sock);
		goto out;
	}
	guint fifo_watch = g_unix_fd_add(b.fifo, G_IO_IN, fifo_ready, NULL);
	guint wake = g_timeout_add(100, wake_timeout, NULL); /* bounds each wait in read_line */
	int64_t deadline = g_get_monotonic_time() + (int64_t)TIMEOUT_MS * 1000;
	while (!b.inputs_open && g_get_monotonic_time() < deadline)
		g_main_context_iteration(b.ctx, true);
	if (!b.inputs_open) {
		fprintf(stderr, "input-latency: the inputs channel did not open within %d ms\n",
			TIMEOUT_MS);
		goto out_watch;
	}

	struct tsr_input_sinks sinks = { .user_data = &b, .domain_key = send_direct };
	struct tsr_input_router *r = tsr_input_router_create(&sinks, NULL, NULL, NULL);
	struct tsr_input_device kbd = { .source = 1, .caps = TSR_INPUT_CAP_KEYBOARD, .name = "bench" };
	if (!tsr_input_router_device_added(r, &kbd))
		abort();
	tsr_input_router_set_kiosk_grab(r, false);
	tsr_input_router_set_focus(r, 0);

	size_t n = (size_t)rounds * 2;
	int64_t *base = g_new(int64_t, n), *routed = g_new(int64_t, n), *diff = g_new(int64_t, n);
	bool ok = true;
	/* warm-up: connection buffers, first-use paths */
	for (int i = 0; i < 20 && ok; i++)
		ok = timed(&b, r, i & 2, !(i & 1), &base[0]);
	for (size_t i = 0; i < n && ok; i++) {
		bool down = !(i & 1);
		/* alternate which path goes first, so drift hits both alike */
		if ((i >> 1) & 1)
			ok = timed(&b, r, true, down, &routed[i]) && timed(&b, r, false, down, &base[i]);
		else
			ok = timed(&b, r, false, down, &base[i]) && timed(&b, r, true, down, &routed[i]);
		if (ok)
			diff[i] = routed[i] - base[i];
	}
	if (ok) {
		printf("input-latency: %zu keys per path (press and release of KEY_A), to "
		       "tessera-testdomain's record\n", n);
		double b50 = pct(base, n, 0.5), b99 = pct(base, n, 0.99);
		double r50 = pct(routed, n, 0.5), r99 = pct(routed, n, 0.99);
		printf("baseline: spice-client-glib direct:   p50 %8.1f us   p99 %8.1f us\n", b50, b99);
		printf("router -> spice-client-glib:          p50 %8.1f us   p99 %8.1f us\n", r50, r99);
		printf("router adds (routed - baseline):      p50 %+8.1f us   p99 %+8.1f us  (aim: p99 < 500 us)\n",
		       r50 - b50, r99 - b99);
		/* paired differences are noisier: both sides' scheduling jitter adds up */
		printf("paired difference per key:            p50 %+8.1f us   p99 %+8.1f us\n",
		       pct(diff, n, 0.5), pct(diff, n, 0.99));
		router_alone(100000);
		status = 0;
	}
	g_free(base);
	g_free(routed);
	g_free(diff);
	tsr_input_router_destroy(r);
out_watch:
	g_source_remove(fifo_watch);
	g_source_remove(wake);
out:
	if (b.session) {
		spice_session_disconnect(b.session);
		g_object_unref(b.session);
	}
	if (b.inputs)
		g_object_unref(b.inputs);
	g_subprocess_force_exit(td);
	g_subprocess_wait(td, NULL, NULL);
	close(b.fifo);
	g_string_free(b.pending, true);
	g_unlink(fifo);
	g_unlink(sock);
	g_rmdir(dir);
	g_free(testdomain);
	return status;
}
