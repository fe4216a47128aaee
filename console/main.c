/* console/main.c: tessera-console, the SPICE console of the kiosk.
 *
 * A separate process so that the remote client's SPICE stream is parsed outside the kiosk, in a
 * sandbox: it listens on a unix socket (mode 0600), then enters the box console/sandbox.c
 * describes (every other fd closed, an unprivileged user, no_new_privs, rlimits, its own
 * seccomp allowlist), and only then starts libspice-server's display and takes clients
 * (doc/console.md has the exact order). The kiosk
 * feeds it the composited desktop over an inherited SOCK_SEQPACKET fd (proto/console.h)
 * and gets the remote keys and pointer back; the kiosk alone decides what they may do. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glib-unix.h>
#include <glib.h>
#include <grp.h>
#include <linux/magic.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include <spice.h>

#include "common/fdpass.h"
#include "common/frame.h"
#include "common/log.h"
#include "common/spice-core.h"
#include "common/unix-peer.h"
#include "console/display.h"
#include "console/input.h"
#include "console/sandbox.h"
#include "proto/console.h"

#define DEFAULT_SOCKET "/run/tessera/console.sock"
#define DEFAULT_USER "nobody"

struct console {
	GMainLoop *loop;
	int exit_status;
	int link;
	int listen_fd;
	SpiceServer *server;
	struct tsr_console_display *display;
	struct tsr_console_input *input;
	/* The current surface mapping. */
	void *map;
	size_t map_len;
	uint32_t width, height;
	GHashTable *clients; /* connection ids of initialized main channels */
};

static struct console console = { .link = -1, .listen_fd = -1 };

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tessera-console --fd N [OPTION]...\n"
		"Serve the kiosk's desktop as a SPICE display on a unix socket, sandboxed.\n"
		"The kiosk starts it with one end of a SOCK_SEQPACKET socketpair as fd N and sends\n"
		"the desktop over it; the remote client's keys and pointer go back the same way.\n"
		"\n"
		"  --fd N              the inherited link to the kiosk (required)\n"
		"  --socket PATH       listen here (default " DEFAULT_SOCKET "), mode 0600\n"
		"  --socket-owner NAME owner of the socket (default: the user that starts it)\n"
		"  --user NAME         drop to this user and its group (default " DEFAULT_USER ")\n"
		"  --log-level LEVEL   error, warn, info (default) or debug\n"
		"  --help              show this help and exit\n"
		"\n"
		"Connect with: remote-viewer spice+unix://PATH\n"
		"Exits 0 when the kiosk closes the link, 1 on a bad message or a setup failure.\n"
		"See tessera-console(1) and doc/console.md.\n");
}

static void fail_and_quit(const char *what)
{
	tsr_err("%s", what);
	console.exit_status = 1;
	g_main_loop_quit(console.loop);
}

/* Messages for the kiosk that did not fit into the socket yet. The kiosk reads them from its
 * main loop, which may be busy with a frame while a remote mouse sends hundreds of positions:
 * they wait here, pointer motion merged (positions only, never button or wheel changes, never
 * keys), and go out when the socket has room. A kiosk that stops reading altogether makes the
 * queue hit its cap, and the console gives up. */
#define OUTBOX_MAX 8192
static GQueue outbox = G_QUEUE_INIT;
static guint outbox_watch;

static void outbox_fail(const char *why)
{
	tsr_err("cannot send to the kiosk: %s", why);
	console.exit_status = 1;
	g_main_loop_quit(console.loop);
}

/* Send queued messages until the socket is full. false = give up (already reported). */
static bool outbox_flush(void)
{
	GBytes *msg;

	while ((msg = g_queue_peek_head(&outbox)) != NULL) {
		gsize len;
		const void *data = g_bytes_get_data(msg, &len);

		if (tsr_fd_send(console.link, data, len, NULL, 0) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
				return true;
			if (errno == EPIPE || errno == ECONNRESET) {
				/* The kiosk went away: nothing left to show. */
				g_main_loop_quit(console.loop);
				return false;
			}
			outbox_fail(strerror(errno));
			return false;
		}
		g_bytes_unref(g_queue_pop_head(&outbox));
	}
	return true;
}

static gboolean outbox_writable(gint fd, GIOCondition cond, gpointer data)
{
	if (!outbox_flush() || g_queue_is_empty(&outbox)) {
		outbox_watch = 0;
		if (g_queue_is_empty(&outbox))
			tsr_debug("the kiosk caught up with the console's messages");
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

/* A pointer motion that may replace the queue's last message instead of following it. */
static bool merge_motion(const void *msg, size_t len, uint16_t type)
{
	struct tsr_console_pointer new_p, old_p;
	GBytes *tail = g_queue_peek_tail(&outbox);
	gsize tail_len;
	const void *tail_data;

	if (type != TSR_CONSOLE_MSG_POINTER || !tail)
		return false;
	tail_data = g_bytes_get_data(tail, &tail_len);
	if (tail_len != sizeof(old_p))
		return false;
	memcpy(&old_p, tail_data, sizeof(old_p));
	memcpy(&new_p, msg, sizeof(new_p));
	if (old_p.hdr.type != TSR_CONSOLE_MSG_POINTER || old_p.wheel != 0 || new_p.wheel != 0 ||
	    old_p.buttons != new_p.buttons)
		return false;
	g_bytes_unref(g_queue_pop_tail(&outbox));
	g_queue_push_tail(&outbox, g_bytes_new(msg, len));
	return true;
}

static void send_to_kiosk(void *data, void *msg, size_t len, uint16_t type)
{
	struct tsr_frame_header hdr = { .type = type, .version = TSR_CONSOLE_PROTO_VERSION,
					.length = (uint32_t)len };

	memcpy(msg, &hdr, sizeof(hdr));
	if (g_queue_is_empty(&outbox)) {
		g_queue_push_tail(&outbox, g_bytes_new(msg, len));
		if (!outbox_flush() || g_queue_is_empty(&outbox))
			return;
		tsr_info("the kiosk is slow to read the console's messages; queueing them");
		outbox_watch = g_unix_fd_add(console.link, G_IO_OUT, outbox_writable, NULL);
		return;
	}
	if (merge_motion(msg, len, type))
		return;
	if (g_queue_get_length(&outbox) >= OUTBOX_MAX) {
		outbox_fail("the kiosk has not read the console's last 8192 messages");
		return;
	}
	g_queue_push_tail(&outbox, g_bytes_new(msg, len));
}

static void send_clients(void)
{
	struct tsr_console_client msg;

	memset(&msg, 0, sizeof(msg));
	msg.clients = g_hash_table_size(console.clients);
	send_to_kiosk(NULL, &msg, sizeof(msg), TSR_CONSOLE_MSG_CLIENT);
}

static void channel_event(int event, SpiceChannelEventInfo *info)
{
	gpointer key = GINT_TO_POINTER(info->connection_id);

	if (info->type != SPICE_CHANNEL_MAIN)
		return;
	if (event == SPICE_CHANNEL_EVENT_INITIALIZED) {
		if (g_hash_table_add(console.clients, key)) {
			tsr_info("remote client connected");
			send_clients();
		}
	} else if (event == SPICE_CHANNEL_EVENT_DISCONNECTED) {
		if (g_hash_table_remove(console.clients, key)) {
			tsr_info("remote client disconnected");
			send_clients();
		}
	}
}

/* A surface message with its fd: check everything, then map it read-only. */
static bool take_surface(const struct tsr_console_surface *msg, int fd)
{
	char why[256];
	struct stat st;
	struct statfs sfs;
	int seals;
	size_t map_len;
	void *map;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		tsr_err("bad surface message from the kiosk: the fd is not a regular file (memfd)");
		return false;
	}
	if (fstatfs(fd, &sfs) == 0 && sfs.f_type == HUGETLBFS_MAGIC) {
		tsr_err("bad surface message from the kiosk: hugetlbfs memfds are refused");
		return false;
	}
	seals = fcntl(fd, F_GET_SEALS);
	if (!tsr_console_check_surface(msg, (uint64_t)st.st_size, seals, why, sizeof(why))) {
		tsr_err("bad surface message from the kiosk: %s", why);
		return false;
	}
	/* Only what the surface uses (checked <= the file size, which the seals keep): a larger
	 * file costs nothing here. */
	map_len = (size_t)(msg->offset + (uint64_t)msg->stride * msg->height);
	map = mmap(NULL, map_len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		tsr_err("cannot map the surface memfd (%zu bytes): %s", map_len, strerror(errno));
		return false;
	}
	tsr_console_display_set_surface(console.display, (const uint8_t *)map + msg->offset,
					msg->width, msg->height, msg->stride);
	tsr_console_input_set_size(console.input, msg->width, msg->height);
	if (console.map)
		munmap(console.map, console.map_len);
	console.map = map;
	console.map_len = map_len;
	console.width = msg->width;
	console.height = msg->height;
	tsr_info("surface %ux%u", msg->width, msg->height);
	return true;
}

/* One message from the kiosk. false = refuse it (the console exits). */
static bool handle_message(const void *buf, size_t len, int *fds, size_t nfds)
{
	struct tsr_frame_header hdr;
	char why[256];
	size_t want;

	memcpy(&hdr, buf, sizeof(hdr));
	want = tsr_console_msg_size(hdr.type);
	if (want == 0 || hdr.type >= TSR_CONSOLE_MSG_READY) {
		tsr_err("bad message from the kiosk: type %u is not one the kiosk sends", hdr.type);
		return false;
	}
	if (len != want) {
		tsr_err("bad message from the kiosk: type %u has %zu bytes, expected %zu", hdr.type,
			len, want);
		return false;
	}
	switch (hdr.type) {
	case TSR_CONSOLE_MSG_SURFACE: {
		struct tsr_console_surface msg;

		if (nfds != 1) {
			tsr_err("bad surface message from the kiosk: it carries %zu fds, expected 1",
				nfds);
			return false;
		}
		memcpy(&msg, buf, sizeof(msg));
		return take_surface(&msg, fds[0]);
	}
	case TSR_CONSOLE_MSG_DAMAGE: {
		struct tsr_console_damage msg;

		if (nfds != 0) {
			tsr_err("bad damage message from the kiosk: it carries %zu fds", nfds);
			return false;
		}
		memcpy(&msg, buf, sizeof(msg));
		if (!tsr_console_check_damage(&msg, console.width, console.height, why,
					      sizeof(why))) {
			tsr_err("bad damage message from the kiosk: %s", why);
			return false;
		}
		tsr_console_display_damage(console.display, msg.rects, msg.count);
		return true;
	}
	case TSR_CONSOLE_MSG_LEDS: {
		struct tsr_console_leds msg;

		if (nfds != 0) {
			tsr_err("bad leds message from the kiosk: it carries %zu fds", nfds);
			return false;
		}
		memcpy(&msg, buf, sizeof(msg));
		if (msg.leds & ~TSR_CONSOLE_LEDS_ALL) {
			tsr_err("bad leds message from the kiosk: leds 0x%x name unknown LEDs",
				msg.leds);
			return false;
		}
		tsr_console_input_set_leds(console.input, msg.leds);
		return true;
	}
	default:
		return false;
	}
}

static gboolean link_readable(gint fd, GIOCondition cond, gpointer data)
{
	/* Aligned for the structs it is read as. */
	union {
		struct tsr_console_damage damage;
		unsigned char bytes[TSR_FRAME_MAX];
	} buf;
	int fds[TSR_FDPASS_MAX];
	size_t nfds = 0;
	ssize_t n;
	bool ok;

	n = tsr_frame_recv(fd, &buf, sizeof(buf), TSR_CONSOLE_PROTO_VERSION, fds, TSR_FDPASS_MAX,
			   &nfds);
	if (n == 0) {
		tsr_info("the kiosk closed the link; exiting");
		g_main_loop_quit(console.loop);
		return G_SOURCE_REMOVE;
	}
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return G_SOURCE_CONTINUE;
		if (errno == EPROTO)
			fail_and_quit("bad message from the kiosk: wrong protocol version; the kiosk "
				      "and tessera-console must come from the same build");
		else if (errno == EMSGSIZE || errno == EBADMSG)
			fail_and_quit("bad message from the kiosk: malformed frame or file "
				      "descriptors");
		else
			fail_and_quit("cannot read from the kiosk link");
		return G_SOURCE_REMOVE;
	}
	ok = handle_message(&buf, (size_t)n, fds, nfds);
	tsr_fd_close_all(fds, nfds);
	if (!ok) {
		console.exit_status = 1;
		g_main_loop_quit(console.loop);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean listen_readable(gint fd, GIOCondition cond, gpointer data);

/* Accepting again after a pause (see below). */
static gboolean resume_accepting(gpointer data)
{
	g_unix_fd_add(console.listen_fd, G_IO_IN, listen_readable, NULL);
	return G_SOURCE_REMOVE;
}

static gboolean listen_readable(gint fd, GIOCondition cond, gpointer data)
{
	/* A few per wake-up: a client opens several channels at once. */
	for (int i = 0; i < 8; i++) {
		int client = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (client < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				/* Out of fds (RLIMIT_NOFILE caps clients): the pending connection
				 * stays readable, so stop watching for a second, not spin. */
				tsr_warn("cannot accept a console client (%s); too many "
					 "connections, pausing for a second",
					 strerror(errno));
				g_timeout_add_seconds(1, resume_accepting, NULL);
				return G_SOURCE_REMOVE;
			}
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				tsr_warn("accept on the console socket failed: %s",
					 strerror(errno));
			return G_SOURCE_CONTINUE;
		}
		/* spice-server owns the fd from here (it closes it when the link fails or ends). */
		if (spice_server_add_client(console.server, client, 0) != 0)
			tsr_warn("spice-server refused a connection");
	}
	return G_SOURCE_CONTINUE;
}

static bool check_link(int fd)
{
	struct stat st;
	int type = 0;
	socklen_t len = sizeof(type);

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET) {
		tsr_err("--fd %d is not a SOCK_SEQPACKET socket; the kiosk passes one end of a "
			"socketpair",
			fd);
		return false;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		tsr_err("cannot set flags on --fd %d: %s", fd, strerror(errno));
		return false;
	}
	return true;
}

/* Remove a socket left behind by a console that is gone; refuse anything else at path. */
static bool clear_stale_socket(const char *path, const struct sockaddr_un *addr)
{
	struct stat st;
	int probe;

	if (lstat(path, &st) < 0)
		return errno == ENOENT || (tsr_err("cannot stat %s: %s", path, strerror(errno)), false);
	if (!S_ISSOCK(st.st_mode)) {
		tsr_err("%s exists and is not a socket; remove it or choose another --socket", path);
		return false;
	}
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0 && connect(probe, (const struct sockaddr *)addr, sizeof(*addr)) == 0) {
		close(probe);
		tsr_err("%s is in use by a running console; stop it or choose another --socket",
			path);
		return false;
	}
	if (probe >= 0)
		close(probe);
	if (unlink(path) < 0) {
		tsr_err("cannot remove the stale socket %s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

static int listen_on(const char *path, uid_t owner, gid_t owner_gid)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char *dir;
	mode_t old_mask;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		tsr_err("--socket path is longer than %zu bytes: %s", sizeof(addr.sun_path) - 1,
			path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	dir = g_path_get_dirname(path);
	if (g_mkdir_with_parents(dir, 0755) < 0) {
		tsr_err("cannot create the socket directory %s: %s", dir, strerror(errno));
		g_free(dir);
		return -1;
	}
	/* The socket is made as root and given away by path: in a directory another uid can
	 * write, that uid could swap it for a link to any file between the two steps. */
	if (tsr_unix_dir_private(dir) < 0) {
		tsr_err("the socket directory %s %s; choose one only root can write", dir,
			errno == EPERM ? "can be written by another user" : strerror(errno));
		g_free(dir);
		return -1;
	}
	g_free(dir);
	if (!clear_stale_socket(path, &addr))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		tsr_err("cannot create a unix socket: %s", strerror(errno));
		return -1;
	}
	/* The umask makes the socket 0600 from its first moment, before chmod says so again. */
	old_mask = umask(0177);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		umask(old_mask);
		tsr_err("cannot bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old_mask);
	if (tsr_unix_socket_give(path, owner, owner_gid, 0600) < 0 || listen(fd, 8) < 0) {
		/* addr.sun_path holds path; naming it here also keeps gcc -O1 with the sanitizers
		 * from believing path could be NULL (a -Wformat-overflow false positive). */
		tsr_err("cannot set up %s: %s", addr.sun_path, strerror(errno));
		unlink(path);
		close(fd);
		return -1;
	}
	return fd;
}

static bool lookup_user(const char *name, const char *what, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		tsr_err("%s '%s' does not exist on this system", what, name);
		return false;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return true;
}

/* The server and its settings; no thread, no client yet. */
static bool init_spice(void)
{
	SpiceCoreInterface *core = tsr_spice_core_get(NULL, channel_event);

	console.server = spice_server_new();
	if (!console.server) {
		tsr_err("spice_server_new failed");
		return false;
	}
	spice_server_set_noauth(console.server);
	spice_server_set_name(console.server, "Tessera kiosk");
	/* Lossless images only: the console shows trusted text, and video codecs would blur it. */
	spice_server_set_image_compression(console.server, SPICE_IMAGE_COMPRESSION_AUTO_GLZ);
	spice_server_set_jpeg_compression(console.server, SPICE_WAN_COMPRESSION_NEVER);
	spice_server_set_zlib_glz_compression(console.server, SPICE_WAN_COMPRESSION_NEVER);
	spice_server_set_streaming_video(console.server, SPICE_STREAM_VIDEO_OFF);
	spice_server_set_agent_mouse(console.server, 0);
	spice_server_set_agent_copypaste(console.server, 0);
	spice_server_set_agent_file_xfer(console.server, 0);
	if (spice_server_init(console.server, core) != 0) {
		tsr_err("spice_server_init failed");
		return false;
	}
	return true;
}

/* The display (its worker thread starts here), keyboard and tablet: only in the sandbox. */
static bool start_spice(void)
{
	console.display = tsr_console_display_create(console.server);
	console.input = tsr_console_input_create(console.server, send_to_kiosk, NULL);
	if (!console.display || !console.input) {
		tsr_err("cannot register the display, keyboard or tablet with spice-server");
		return false;
	}
	spice_server_vm_start(console.server);
	return true;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "fd", required_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 's' },
		{ "socket-owner", required_argument, NULL, 'o' },
		{ "user", required_argument, NULL, 'u' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *socket_path = DEFAULT_SOCKET, *user = DEFAULT_USER, *owner_name = NULL;
	uid_t uid, owner = getuid();
	gid_t gid, owner_gid = getgid();
	struct tsr_console_ready ready;
	enum tsr_log_level level;
	char *end;
	long fd = -1;
	int c;

	tsr_log_init("tessera-console", false);
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			errno = 0;
			fd = strtol(optarg, &end, 10);
			if (errno || *end || fd < 3 || fd > 1023) {
				tsr_err("--fd wants a descriptor number from 3 to 1023, not '%s'",
					optarg);
				return 1;
			}
			break;
		case 's':
			socket_path = optarg;
			break;
		case 'o':
			owner_name = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'l':
			if (!tsr_log_level_parse(optarg, &level)) {
				tsr_err("--log-level wants error, warn, info or debug, not '%s'",
					optarg);
				return 1;
			}
			tsr_log_set_level(level);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		tsr_err("unexpected argument '%s' (see --help)", argv[optind]);
		return 1;
	}
	if (fd < 0) {
		tsr_err("--fd is required: tessera-console is started by the kiosk (see --help)");
		return 1;
	}
	if (socket_path[0] != '/') {
		tsr_err("--socket wants an absolute path, not '%s'", socket_path);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	console.link = (int)fd;
	if (!check_link(console.link))
		return 1;
	if (!lookup_user(user, "--user", &uid, &gid))
		return 1;
	if (owner_name && !lookup_user(owner_name, "--socket-owner", &owner, &owner_gid))
		return 1;
	console.listen_fd = listen_on(socket_path, owner, owner_gid);
	if (console.listen_fd < 0)
		return 1;
	if (!tsr_console_sandbox_close_fds(console.link, console.listen_fd))
		return 1;
	console.loop = g_main_loop_new(NULL, FALSE);
	console.clients = g_hash_table_new(NULL, NULL);
	if (!init_spice() || !tsr_console_sandbox_enter(uid, gid) || !start_spice())
		return 1;
	g_unix_fd_add(console.link, G_IO_IN | G_IO_HUP | G_IO_ERR, link_readable, NULL);
	g_unix_fd_add(console.listen_fd, G_IO_IN, listen_readable, NULL);

	memset(&ready, 0, sizeof(ready));
	send_to_kiosk(NULL, &ready, sizeof(ready), TSR_CONSOLE_MSG_READY);
	tsr_info("listening on %s as uid %u", socket_path, (unsigned)uid);
	g_main_loop_run(console.loop);

	/* Orderly teardown, so the sanitizer build sees every allocation go. */
	tsr_console_display_destroy(console.display);
	spice_server_destroy(console.server);
	tsr_console_input_destroy(console.input);
	if (console.map)
		munmap(console.map, console.map_len);
	g_hash_table_destroy(console.clients);
	g_clear_handle_id(&outbox_watch, g_source_remove);
	g_queue_clear_full(&outbox, (GDestroyNotify)g_bytes_unref);
	g_main_loop_unref(console.loop);
	close(console.listen_fd);
	close(console.link);
	return console.exit_status;
}
