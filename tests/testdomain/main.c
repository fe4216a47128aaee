/* tests/testdomain/main.c: tessera-testdomain, a SPICE server with no VM behind it.
 *
 * Tests, benchmarks and the sim backend need a domain whose display and input are known
 * exactly. This program is that domain: libspice-server on a unix socket, drawing one of a few
 * patterns, with a keyboard and a tablet that record what they receive. It can change its
 * "guest mode" (surface size) at runtime, on SIGUSR1 or after a number of frames, and with
 * --agent play a guest whose agent follows the client's monitors config (connecting with
 * --agent-after some time after the first picture, as a booting guest's agent does). */
#include "config.h"
#include "common/log.h"
#include "tests/testdomain/frame-code.h"
#include "common/spice-core.h"
#include "tests/testdomain/agent.h"
#include "tests/testdomain/display.h"
#include "tests/testdomain/input.h"
#include "tests/testdomain/pattern.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib.h>
#include <signal.h>
#include <spice.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

enum pattern { PAT_BARS, PAT_COUNTER, PAT_NOISE, PAT_ECHO };

struct td {
	GMainLoop *loop;
	SpiceServer *server;
	struct tsr_td_display *display;
	struct tsr_td_input *input;
	enum pattern pattern;
	int size[2], alt_size[2], damage[2];
	bool using_alt;
	struct tsr_td_canvas fb;
	uint32_t frame, seed;
	int fps;
	long resize_after;
	long ticks;
	int echo_col, echo_row;
	unsigned frames_dropped;
	const char *title; /* echo: who this is, drawn with a band of bars (tools/demo --sim) */
	FILE *record;
	int follow[2];       /* --agent: the mode the client asked for last */
	guint follow_idle;
	struct tsr_td_agent *agent; /* --agent, once connected */
	const char *copied;         /* --clipboard-copy */
	bool clipboard, steal;
};

/* The agent connects: spice-server tells the client (agent-connected). */
static bool agent_attach(struct td *td)
{
	td->agent = tsr_td_agent_create(td->server);
	if (!td->agent) {
		tsr_err("spice-server refused the agent's device");
		return false;
	}
	if (td->clipboard)
		tsr_td_agent_clipboard(td->agent, td->copied, td->record, td->steal);
	return true;
}

static gboolean agent_later(gpointer data)
{
	struct td *td = data;

	if (!agent_attach(td))
		g_main_loop_quit(td->loop);
	return G_SOURCE_REMOVE;
}

static void draw_title(struct td *td);

/* Updates spice-server may hold before animated patterns start dropping frames. */
#define MAX_IN_FLIGHT_ANIMATED 4
/* Static and echo updates must never be dropped. */
#define MAX_IN_FLIGHT_ALWAYS 100000

static bool parse_size(const char *s, int out[2])
{
	char *end;
	long w, h;

	errno = 0;
	w = strtol(s, &end, 10);
	if (errno || *end != 'x' || end == s)
		return false;
	h = strtol(end + 1, &end, 10);
	if (errno || *end)
		return false;
	if (w < 16 || h < 16 || w > 8192 || h > 8192)
		return false;
	out[0] = (int)w;
	out[1] = (int)h;
	return true;
}

static void fb_alloc(struct td *td, int w, int h)
{
	g_free(td->fb.px);
	td->fb.w = w;
	td->fb.h = h;
	td->fb.stride = (size_t)w * 4;
	td->fb.px = g_malloc0(td->fb.stride * (size_t)h);
}

static void damage_area(struct td *td, int *w, int *h)
{
	*w = td->damage[0] && td->damage[0] < td->fb.w ? td->damage[0] : td->fb.w;
	*h = td->damage[1] && td->damage[1] < td->fb.h ? td->damage[1] : td->fb.h;
}

/* Draw everything for the current size and send it as one full update. */
static void draw_full(struct td *td)
{
	switch (td->pattern) {
	case PAT_BARS:
		tsr_td_draw_bars(&td->fb);
		break;
	case PAT_COUNTER:
		tsr_td_draw_counter(&td->fb, 0, 0, td->fb.w, td->fb.h, td->frame,
				    tsr_frame_code_now_us());
		td->frame++;
		break;
	case PAT_NOISE:
		tsr_td_draw_noise(&td->fb, 0, 0, td->fb.w, td->fb.h, &td->seed);
		break;
	case PAT_ECHO:
		tsr_td_fill(&td->fb, 0, 0, td->fb.w, td->fb.h, TSR_TD_ECHO_BG);
		td->echo_col = td->echo_row = 0;
		if (td->title)
			draw_title(td);
		break;
	}
	if (!tsr_td_display_push(td->display, td->fb.px, td->fb.stride, 0, 0, td->fb.w, td->fb.h,
				 MAX_IN_FLIGHT_ALWAYS))
		tsr_err("could not queue the first frame");
}

/* The title in the middle row (letters as the echo font has them) and a band of the bars at
 * the bottom: a person can tell the domains apart, typed text still starts at the top left. */
static void draw_title(struct td *td)
{
	int cols = td->fb.w / TSR_TD_CELL_W, rows = td->fb.h / TSR_TD_CELL_H;
	int len = (int)strlen(td->title), col0 = (cols - len) / 2;
	int band = td->fb.h / 8;

	for (int i = 0; i < len && col0 + i < cols; i++)
		if (col0 + i >= 0)
			tsr_td_draw_glyph(&td->fb, col0 + i, rows / 2, g_ascii_toupper(td->title[i]));
	for (int i = 0; i < TSR_TD_BARS; i++)
		tsr_td_fill(&td->fb, i * td->fb.w / TSR_TD_BARS, td->fb.h - band,
			    (i + 1) * td->fb.w / TSR_TD_BARS - i * td->fb.w / TSR_TD_BARS, band,
			    tsr_td_bar_color(i));
}

static void set_mode(struct td *td, int w, int h)
{
	tsr_info("mode change to %dx%d", w, h);
	fb_alloc(td, w, h);
	tsr_td_display_resize(td->display, w, h);
	draw_full(td);
}

static void toggle_mode(struct td *td)
{
	const int *sz;

	td->using_alt = !td->using_alt;
	sz = td->using_alt ? td->alt_size : td->size;
	set_mode(td, sz[0], sz[1]);
}

/* Out of spice-server's message handling before the surface is replaced, as a guest's agent
 * changes the mode some time after the request. */
static gboolean follow_now(gpointer data)
{
	struct td *td = data;

	td->follow_idle = 0;
	if (td->follow[0] != td->fb.w || td->follow[1] != td->fb.h)
		set_mode(td, td->follow[0], td->follow[1]);
	return G_SOURCE_REMOVE;
}

static void on_monitors(void *opaque, int w, int h)
{
	struct td *td = opaque;

	if (td->record) {
		fprintf(td->record, "monitors %dx%d\n", w, h);
		fflush(td->record);
	}
	if (w < 16 || h < 16 || w > 8192 || h > 8192) {
		tsr_warn("monitors config %dx%d ignored: each side must be 16..8192", w, h);
		return;
	}
	td->follow[0] = w;
	td->follow[1] = h;
	if (!td->follow_idle)
		td->follow_idle = g_idle_add(follow_now, td);
}

static gboolean on_tick(gint fd, GIOCondition cond, gpointer data)
{
	struct td *td = data;
	uint64_t expirations;
	int w, h;

	(void)cond;
	if (read(fd, &expirations, sizeof(expirations)) != sizeof(expirations))
		return G_SOURCE_CONTINUE;
	td->ticks++;
	if (td->resize_after > 0 && td->ticks == td->resize_after) {
		toggle_mode(td);
		return G_SOURCE_CONTINUE;
	}
	damage_area(td, &w, &h);
	if (td->pattern == PAT_COUNTER)
		tsr_td_draw_counter(&td->fb, 0, 0, w, h, td->frame, tsr_frame_code_now_us());
	else if (td->pattern == PAT_NOISE)
		tsr_td_draw_noise(&td->fb, 0, 0, w, h, &td->seed);
	else
		return G_SOURCE_CONTINUE;
	if (tsr_td_display_push(td->display, td->fb.px, td->fb.stride, 0, 0, w, h,
				MAX_IN_FLIGHT_ANIMATED))
		td->frame++;
	else
		td->frames_dropped++;
	return G_SOURCE_CONTINUE;
}

static void on_key(void *opaque, uint32_t scancode, bool down)
{
	struct td *td = opaque;
	int cols = td->fb.w / TSR_TD_CELL_W, rows = td->fb.h / TSR_TD_CELL_H;
	char ch;

	if (td->pattern != PAT_ECHO || !down || cols < 1 || rows < 1)
		return;
	if (scancode == 0x1c) { /* Enter */
		td->echo_col = 0;
		td->echo_row = (td->echo_row + 1) % rows;
		return;
	}
	ch = tsr_td_scancode_char(scancode);
	tsr_td_draw_glyph(&td->fb, td->echo_col, td->echo_row, ch ? ch : '?');
	if (!tsr_td_display_push(td->display, td->fb.px, td->fb.stride, td->echo_col * TSR_TD_CELL_W,
				 td->echo_row * TSR_TD_CELL_H, TSR_TD_CELL_W, TSR_TD_CELL_H,
				 MAX_IN_FLIGHT_ALWAYS))
		tsr_warn("could not queue an echo update");
	if (++td->echo_col >= cols) {
		td->echo_col = 0;
		td->echo_row = (td->echo_row + 1) % rows;
	}
}

static gboolean on_quit(gpointer data)
{
	g_main_loop_quit(((struct td *)data)->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean on_usr1(gpointer data)
{
	toggle_mode(data);
	return G_SOURCE_CONTINUE;
}

static int start_timer(int fps)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec its;
	long period_ns = 1000000000L / fps;

	if (fd < 0)
		return -1;
	its.it_interval.tv_sec = period_ns / 1000000000L;
	its.it_interval.tv_nsec = period_ns % 1000000000L;
	its.it_value = its.it_interval;
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A stale socket from an earlier run may be replaced; anything else at that path is kept. */
static bool clear_socket_path(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return false;
	}
	return unlink(path) == 0;
}

int main(int argc, char **argv)
{
	g_autofree gchar *socket_path = NULL, *size = NULL, *alt_size = NULL, *pattern = NULL;
	g_autofree gchar *record_path = NULL, *damage = NULL, *title = NULL;
	gint fps = 30, ready_fd = -1, resize_after = 0, agent_after = 0;
	gboolean cursor = FALSE, agent = FALSE, clipboard = FALSE, steal = FALSE;
	g_autofree gchar *copied = NULL;
	GOptionEntry entries[] = {
		{ "socket", 's', 0, G_OPTION_ARG_FILENAME, &socket_path,
		  "Listen for SPICE clients on this unix socket (required)", "PATH" },
		{ "size", 0, 0, G_OPTION_ARG_STRING, &size, "Surface size (default 1024x768)", "WxH" },
		{ "alt-size", 0, 0, G_OPTION_ARG_STRING, &alt_size,
		  "Size after a mode change (default 800x600, or 640x480 if --size is 800x600)", "WxH" },
		{ "pattern", 'p', 0, G_OPTION_ARG_STRING, &pattern,
		  "bars, counter, noise or echo (default bars)", "NAME" },
		{ "title", 0, 0, G_OPTION_ARG_STRING, &title,
		  "echo: draw this name in the middle and a band of bars at the bottom", "TEXT" },
		{ "fps", 0, 0, G_OPTION_ARG_INT, &fps,
		  "Frames per second for counter and noise (1-1000, default 30)", "N" },
		{ "damage", 0, 0, G_OPTION_ARG_STRING, &damage,
		  "Area changed per frame by counter and noise, at the top left (default: all)", "WxH" },
		{ "record-input", 'r', 0, G_OPTION_ARG_FILENAME, &record_path,
		  "Append one line per received input event to FILE", "FILE" },
		{ "resize-after", 0, 0, G_OPTION_ARG_INT, &resize_after,
		  "Change mode to --alt-size after N frame ticks (SIGUSR1 toggles at any time)", "N" },
		{ "agent", 0, 0, G_OPTION_ARG_NONE, &agent,
		  "Play a guest running a SPICE agent: the mode follows the client's monitors config "
		  "(each recorded as 'monitors WxH' with --record-input)", NULL },
		{ "agent-after", 0, 0, G_OPTION_ARG_INT, &agent_after,
		  "With --agent: the agent connects MS milliseconds after the first picture "
		  "(default 0: at once)", "MS" },
		{ "clipboard", 0, 0, G_OPTION_ARG_NONE, &clipboard,
		  "With --agent: copy and paste through the agent; what the guest pastes is "
		  "recorded as 'clipboard TEXT' (escaped) with --record-input", NULL },
		/* Bytes as given, whatever the locale: a test's text is UTF-8 or deliberately not. */
		{ "clipboard-copy", 0, 0, G_OPTION_ARG_FILENAME, &copied,
		  "With --clipboard: the guest has copied TEXT", "TEXT" },
		{ "clipboard-steal", 0, 0, G_OPTION_ARG_NONE, &steal,
		  "With --clipboard: the guest asks for the client's clipboard on its own", NULL },
		{ "cursor", 0, 0, G_OPTION_ARG_NONE, &cursor,
		  "Set a 16x16 cursor shape (tsr_td_cursor_pixel, hotspot 2,3)", NULL },
		{ "ready-fd", 0, 0, G_OPTION_ARG_INT, &ready_fd,
		  "Write \"ready\\n\" to this fd once the socket listens, then close it", "FD" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(GError) error = NULL;
	struct td td = { .seed = 0x12345678u };
	FILE *record = NULL;
	int timer_fd = -1;

	tsr_log_init("tessera-testdomain", false);
	ctx = g_option_context_new("- a SPICE test domain without a VM");
	g_option_context_set_summary(ctx,
		"Serves a known pattern over SPICE on a unix socket and records the keyboard and\n"
		"tablet events it receives. See tessera-testdomain(1).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		tsr_err("%s (try --help)", error->message);
		return 2;
	}
	if (!socket_path) {
		tsr_err("--socket PATH is required: where to listen for SPICE clients");
		return 2;
	}
	td.size[0] = 1024;
	td.size[1] = 768;
	if (size && !parse_size(size, td.size)) {
		tsr_err("--size '%s' is not WxH with each side 16..8192", size);
		return 2;
	}
	td.alt_size[0] = td.size[0] == 800 && td.size[1] == 600 ? 640 : 800;
	td.alt_size[1] = td.size[0] == 800 && td.size[1] == 600 ? 480 : 600;
	if (alt_size && !parse_size(alt_size, td.alt_size)) {
		tsr_err("--alt-size '%s' is not WxH with each side 16..8192", alt_size);
		return 2;
	}
	if (damage && !parse_size(damage, td.damage)) {
		tsr_err("--damage '%s' is not WxH with each side 16..8192", damage);
		return 2;
	}
	if (!pattern || strcmp(pattern, "bars") == 0)
		td.pattern = PAT_BARS;
	else if (strcmp(pattern, "counter") == 0)
		td.pattern = PAT_COUNTER;
	else if (strcmp(pattern, "noise") == 0)
		td.pattern = PAT_NOISE;
	else if (strcmp(pattern, "echo") == 0)
		td.pattern = PAT_ECHO;
	else {
		tsr_err("--pattern '%s' is unknown: use bars, counter, noise or echo", pattern);
		return 2;
	}
	td.title = title;
	if (fps < 1 || fps > 1000) {
		tsr_err("--fps %d is out of range: use 1 to 1000", fps);
		return 2;
	}
	if (agent_after < 0) {
		tsr_err("--agent-after %d must not be negative", agent_after);
		return 2;
	}
	if (resize_after < 0) {
		tsr_err("--resize-after %d must not be negative", resize_after);
		return 2;
	}
	td.fps = fps;
	td.resize_after = resize_after;
	if (record_path) {
		record = fopen(record_path, "ae");
		if (!record) {
			tsr_err("cannot open --record-input file %s: %s", record_path, g_strerror(errno));
			return 1;
		}
	}
	if (!clear_socket_path(socket_path)) {
		tsr_err("cannot use --socket %s: %s (remove it or choose another path)", socket_path,
			g_strerror(errno));
		return 1;
	}

	td.loop = g_main_loop_new(NULL, FALSE);
	/* Before the socket exists: whoever waits for the socket may stop us at once, and a
	 * SIGTERM that found no handler yet would end us without removing the socket. */
	g_unix_signal_add(SIGTERM, on_quit, &td);
	g_unix_signal_add(SIGINT, on_quit, &td);
	g_unix_signal_add(SIGUSR1, on_usr1, &td);
	signal(SIGPIPE, SIG_IGN);
	td.server = spice_server_new();
	spice_server_set_addr(td.server, socket_path, SPICE_ADDR_FLAG_UNIX_ONLY);
	spice_server_set_noauth(td.server);
	/* Exact pixels for tests: no lossy or stateful image compression, no video streams. */
	spice_server_set_image_compression(td.server, SPICE_IMAGE_COMPRESSION_OFF);
	spice_server_set_streaming_video(td.server, SPICE_STREAM_VIDEO_OFF);
	if (spice_server_init(td.server, tsr_spice_core_get(NULL, NULL)) != 0) {
		tsr_err("spice-server could not listen on %s", socket_path);
		return 1;
	}
	fb_alloc(&td, td.size[0], td.size[1]);
	td.display = tsr_td_display_create(td.server, td.size[0], td.size[1]);
	td.input = tsr_td_input_create(td.server, record, on_key, &td);
	if (!td.display || !td.input) {
		tsr_err("spice-server refused the display or input interfaces");
		return 1;
	}
	td.record = record;
	td.copied = copied;
	td.clipboard = clipboard;
	td.steal = steal;
	if (agent) {
		tsr_td_display_follow_monitors(td.display, on_monitors, &td);
		if (agent_after > 0)
			g_timeout_add(agent_after, agent_later, &td);
		else if (!agent_attach(&td))
			return 1;
	}
	spice_server_vm_start(td.server);
	draw_full(&td);
	if (cursor) {
		uint32_t shape[TSR_TD_CURSOR_SIZE * TSR_TD_CURSOR_SIZE];
		for (int y = 0; y < TSR_TD_CURSOR_SIZE; y++)
			for (int x = 0; x < TSR_TD_CURSOR_SIZE; x++)
				shape[y * TSR_TD_CURSOR_SIZE + x] = tsr_td_cursor_pixel(x, y);
		tsr_td_display_set_cursor(td.display, shape, TSR_TD_CURSOR_SIZE, TSR_TD_CURSOR_SIZE,
					  2, 3);
	}

	if (td.pattern == PAT_COUNTER || td.pattern == PAT_NOISE || td.resize_after > 0) {
		timer_fd = start_timer(fps);
		if (timer_fd < 0) {
			tsr_err("timerfd: %s", g_strerror(errno));
			return 1;
		}
		g_unix_fd_add(timer_fd, G_IO_IN, on_tick, &td);
	}

	if (ready_fd >= 0) {
		if (write(ready_fd, "ready\n", 6) != 6)
			tsr_warn("--ready-fd %d: %s", ready_fd, g_strerror(errno));
		close(ready_fd);
	}
	tsr_info("serving %s %dx%d on %s", pattern ? pattern : "bars", td.size[0], td.size[1],
		 socket_path);
	g_main_loop_run(td.loop);

	if (td.frames_dropped)
		tsr_info("%u frames dropped while spice-server was behind", td.frames_dropped);
	spice_server_destroy(td.server);
	tsr_td_agent_destroy(td.agent);
	g_clear_handle_id(&td.follow_idle, g_source_remove);
	tsr_td_display_destroy(td.display);
	tsr_td_input_destroy(td.input);
	if (timer_fd >= 0)
		close(timer_fd);
	unlink(socket_path);
	if (record)
		fclose(record);
	g_free(td.fb.px);
	g_main_loop_unref(td.loop);
	return 0;
}
