/* proto/console-link.c: spawning tessera-console and talking to it (see console-link.h). */
#include "config.h"
#include "proto/console-link.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "common/frame.h"
#include "common/sandbox.h"
#include "proto/console-spawn.h"

struct tsr_console_link {
	int sock;
	pid_t pid;
	bool ready;
	bool closed;
	struct tsr_console_link_callbacks cb;
	void *data;
	GSource *source;
	/* The current surface. */
	void *map;
	size_t map_len;
	uint32_t width, height;
	/* Pointer events may still be in flight for the previous surface after a resize. */
	uint32_t prev_width, prev_height;
	/* What could not be sent yet because the console is not reading fast enough (the kiosk
	 * never blocks on it): the newest surface (its fd), the newest LEDs, and the bounding
	 * box of unsent damage. Sent in that order when the socket has room again. */
	int out_surface_fd;
	struct tsr_console_surface out_surface;
	bool out_leds_pending;
	uint32_t out_leds;
	bool out_damage_pending;
	struct tsr_console_rect out_damage;
	GSource *out_source;
	GMainContext *context;
};

struct tsr_console_link *tsr_console_link_spawn(const struct tsr_console_spawn_options *options,
						const struct tsr_console_link_callbacks *callbacks,
						void *data, GError **error)
{
	static const struct tsr_console_spawn_options defaults = { .stderr_fd = -1 };
	struct tsr_console_link *link;
	pid_t pid;
	int sock;

	sock = tsr_console_spawn(options ? options : &defaults, &pid, error);
	if (sock < 0)
		return NULL;
	link = tsr_console_link_wrap(sock, callbacks, data);
	if (!link) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
			    "cannot make the console link non-blocking: %s", strerror(errno));
		close(sock);
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return NULL;
	}
	link->pid = pid;
	return link;
}

struct tsr_console_link *tsr_console_link_wrap(int sock,
					       const struct tsr_console_link_callbacks *callbacks,
					       void *data)
{
	struct tsr_console_link *link;
	int flags = fcntl(sock, F_GETFL);

	if (flags < 0 || fcntl(sock, F_SETFL, flags | O_NONBLOCK) < 0) {
		int saved = errno;

		close(sock);
		errno = saved;
		return NULL;
	}
	link = g_new0(struct tsr_console_link, 1);
	link->out_surface_fd = -1;
	link->sock = sock;
	link->data = data;
	if (callbacks)
		link->cb = *callbacks;
	return link;
}

int tsr_console_link_fd(const struct tsr_console_link *link)
{
	return link->sock;
}

pid_t tsr_console_link_pid(const struct tsr_console_link *link)
{
	return link->pid;
}

/* Cut the console off: no message of it is looked at again. */
static void link_close(struct tsr_console_link *link, const char *why)
{
	if (link->closed)
		return;
	link->closed = true;
	if (link->cb.closed)
		link->cb.closed(link->data, why);
}

static void refuse_console(struct tsr_console_link *link, const char *why)
{
	char msg[320];

	snprintf(msg, sizeof(msg), "tessera-console sent a bad message and was stopped: %s", why);
	if (link->pid > 0)
		kill(link->pid, SIGKILL);
	link_close(link, msg);
}

static int read_all(struct tsr_console_link *link);
static bool out_pending(const struct tsr_console_link *link);
static int flush_out(struct tsr_console_link *link);
static void update_out_watch(struct tsr_console_link *link);

static void deliver(struct tsr_console_link *link, const void *buf, size_t len)
{
	struct tsr_frame_header hdr;
	char why[256];
	uint32_t w = link->width > link->prev_width ? link->width : link->prev_width;
	uint32_t h = link->height > link->prev_height ? link->height : link->prev_height;

	if (!tsr_console_check_from_console(buf, len, w, h, why, sizeof(why))) {
		refuse_console(link, why);
		return;
	}
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.type == TSR_CONSOLE_MSG_READY) {
		if (link->ready) {
			refuse_console(link, "it said ready twice");
			return;
		}
		link->ready = true;
		if (link->cb.ready)
			link->cb.ready(link->data);
		return;
	}
	if (!link->ready) {
		refuse_console(link, "it sent input before saying ready");
		return;
	}
	switch (hdr.type) {
	case TSR_CONSOLE_MSG_KEY: {
		struct tsr_console_key m;

		memcpy(&m, buf, sizeof(m));
		if (link->cb.key)
			link->cb.key(link->data, m.scancode, m.down != 0);
		break;
	}
	case TSR_CONSOLE_MSG_POINTER: {
		struct tsr_console_pointer m;

		memcpy(&m, buf, sizeof(m));
		/* Inside the previous (larger) surface but outside this one: in flight across a
		 * resize, so keep it in the current surface. */
		if (m.x >= link->width)
			m.x = link->width - 1;
		if (m.y >= link->height)
			m.y = link->height - 1;
		if (link->cb.pointer)
			link->cb.pointer(link->data, m.x, m.y, m.buttons, m.wheel);
		break;
	}
	case TSR_CONSOLE_MSG_CLIENT: {
		struct tsr_console_client m;

		memcpy(&m, buf, sizeof(m));
		if (link->cb.clients)
			link->cb.clients(link->data, m.clients);
		break;
	}
	default:
		break;
	}
}

int tsr_console_link_dispatch(struct tsr_console_link *link)
{
	if (out_pending(link) && flush_out(link) < 0)
		return -1;
	return read_all(link);
}

static int read_all(struct tsr_console_link *link)
{
	union {
		struct tsr_console_pointer pointer;
		unsigned char bytes[TSR_FRAME_MAX];
	} buf;

	while (!link->closed) {
		int fds[TSR_FDPASS_MAX];
		size_t nfds = 0;
		ssize_t n = tsr_frame_recv(link->sock, &buf, sizeof(buf), TSR_CONSOLE_PROTO_VERSION,
					   fds, 0, &nfds);

		if (n == 0) {
			link_close(link, "tessera-console closed the link (it exited)");
			break;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			if (errno == EMSGSIZE || errno == EBADMSG || errno == EPROTO)
				refuse_console(link, errno == EPROTO ? "wrong protocol version"
								     : "malformed frame or fds");
			else
				link_close(link, "reading from tessera-console failed");
			break;
		}
		deliver(link, &buf, (size_t)n);
	}
	return -1;
}

static gboolean link_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct tsr_console_link *link = data;

	if (tsr_console_link_dispatch(link) < 0) {
		/* The source is dropped by GLib; forget it so destroy does not touch it. */
		g_source_unref(link->source);
		link->source = NULL;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

void tsr_console_link_attach(struct tsr_console_link *link, GMainContext *context)
{
	if (link->source)
		return;
	link->context = context;
	link->source = g_unix_fd_source_new(link->sock, G_IO_IN | G_IO_HUP | G_IO_ERR);
	g_source_set_callback(link->source, G_SOURCE_FUNC(link_readable), link, NULL);
	g_source_attach(link->source, context);
	update_out_watch(link);
}

static bool out_pending(const struct tsr_console_link *link)
{
	return link->out_surface_fd >= 0 || link->out_leds_pending || link->out_damage_pending;
}

/* Send one message; 1 sent, 0 no room (try later), -1 error (link cut off). */
static int try_send(struct tsr_console_link *link, void *msg, size_t len, uint16_t type,
		    const int *fds, size_t nfds)
{
	if (tsr_frame_send(link->sock, msg, len, type, TSR_CONSOLE_PROTO_VERSION, fds, nfds) == 0)
		return 1;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
		return 0;
	link_close(link, "cannot write to tessera-console (it is gone)");
	return -1;
}

/* Send what is waiting, in order. 0 = all sent or still waiting, -1 = link cut off. */
static int flush_out(struct tsr_console_link *link)
{
	int r;

	if (link->closed)
		return -1;
	if (link->out_surface_fd >= 0) {
		r = try_send(link, &link->out_surface, sizeof(link->out_surface),
			     TSR_CONSOLE_MSG_SURFACE, &link->out_surface_fd, 1);
		if (r <= 0)
			goto out;
		close(link->out_surface_fd);
		link->out_surface_fd = -1;
	}
	if (link->out_leds_pending) {
		struct tsr_console_leds msg = { .leds = link->out_leds };

		r = try_send(link, &msg, sizeof(msg), TSR_CONSOLE_MSG_LEDS, NULL, 0);
		if (r <= 0)
			goto out;
		link->out_leds_pending = false;
	}
	if (link->out_damage_pending) {
		struct tsr_console_damage msg;

		memset(&msg, 0, sizeof(msg));
		msg.count = 1;
		msg.rects[0] = link->out_damage;
		r = try_send(link, &msg, sizeof(msg), TSR_CONSOLE_MSG_DAMAGE, NULL, 0);
		if (r <= 0)
			goto out;
		link->out_damage_pending = false;
	}
	r = 0;
out:
	update_out_watch(link);
	return r < 0 ? -1 : 0;
}

static gboolean link_writable(gint fd, GIOCondition cond, gpointer data)
{
	struct tsr_console_link *link = data;

	/* flush_out re-arms or drops this source itself. */
	(void)flush_out(link);
	return G_SOURCE_CONTINUE;
}

/* With a GLib context attached, watch for room while something waits to be sent. */
static void update_out_watch(struct tsr_console_link *link)
{
	bool want = !link->closed && out_pending(link) && link->source;

	if (want && !link->out_source) {
		link->out_source = g_unix_fd_source_new(link->sock, G_IO_OUT);
		g_source_set_callback(link->out_source, G_SOURCE_FUNC(link_writable), link, NULL);
		g_source_attach(link->out_source, link->context);
	} else if (!want && link->out_source) {
		g_source_destroy(link->out_source);
		g_source_unref(link->out_source);
		link->out_source = NULL;
	}
}

bool tsr_console_link_wants_write(const struct tsr_console_link *link)
{
	return !link->closed && out_pending(link);
}

static void merge_damage(struct tsr_console_link *link, const struct tsr_console_rect *r)
{
	uint32_t x1, y1, x2, y2;

	if (!link->out_damage_pending) {
		link->out_damage = *r;
		link->out_damage_pending = true;
		return;
	}
	x1 = MIN(link->out_damage.x, r->x);
	y1 = MIN(link->out_damage.y, r->y);
	x2 = MAX(link->out_damage.x + link->out_damage.width, r->x + r->width);
	y2 = MAX(link->out_damage.y + link->out_damage.height, r->y + r->height);
	link->out_damage = (struct tsr_console_rect){ x1, y1, x2 - x1, y2 - y1 };
}

uint32_t *tsr_console_link_set_surface(struct tsr_console_link *link, uint32_t width,
				       uint32_t height, uint32_t *stride)
{
	uint64_t size;
	void *map;
	int fd;

	if (link->closed) {
		errno = EPIPE;
		return NULL;
	}
	if (width == 0 || height == 0 || width > TSR_CONSOLE_MAX_WIDTH ||
	    height > TSR_CONSOLE_MAX_HEIGHT) {
		errno = EINVAL;
		return NULL;
	}
	size = (uint64_t)width * 4 * height;
	fd = memfd_create("tessera-console-desktop", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return NULL;
	}
	map = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		int saved = errno;

		close(fd);
		errno = saved;
		return NULL;
	}
	/* The new surface replaces whatever was waiting: an older surface and its damage. */
	if (link->out_surface_fd >= 0)
		close(link->out_surface_fd);
	link->out_surface_fd = fd;
	memset(&link->out_surface, 0, sizeof(link->out_surface));
	link->out_surface.format = TSR_CONSOLE_FORMAT_XRGB8888;
	link->out_surface.width = width;
	link->out_surface.height = height;
	link->out_surface.stride = width * 4;
	link->out_surface.offset = 0;
	link->out_damage_pending = false;
	if (link->map)
		munmap(link->map, link->map_len);
	link->map = map;
	link->map_len = (size_t)size;
	link->prev_width = link->width;
	link->prev_height = link->height;
	link->width = width;
	link->height = height;
	*stride = width * 4;
	if (flush_out(link) < 0) {
		errno = EPIPE;
		return NULL;
	}
	return map;
}

int tsr_console_link_damage(struct tsr_console_link *link, const struct tsr_console_rect *rects,
			    size_t count)
{
	struct tsr_console_damage msg;
	size_t i = 0;

	if (link->closed || !link->map) {
		errno = link->closed ? EPIPE : EINVAL;
		return -1;
	}
	if (flush_out(link) < 0) {
		errno = EPIPE;
		return -1;
	}
	while (i < count) {
		memset(&msg, 0, sizeof(msg));
		for (; i < count && msg.count < TSR_CONSOLE_DAMAGE_MAX; i++) {
			struct tsr_console_rect r = rects[i];

			if (r.x >= link->width || r.y >= link->height || !r.width || !r.height)
				continue;
			if (r.width > link->width - r.x)
				r.width = link->width - r.x;
			if (r.height > link->height - r.y)
				r.height = link->height - r.y;
			msg.rects[msg.count++] = r;
		}
		if (msg.count == 0)
			continue;
		/* Behind anything still waiting, or when there is no room: merge and wait. */
		if (!out_pending(link)) {
			int r = try_send(link, &msg, sizeof(msg), TSR_CONSOLE_MSG_DAMAGE, NULL, 0);

			if (r < 0) {
				errno = EPIPE;
				return -1;
			}
			if (r > 0)
				continue;
		}
		for (uint32_t k = 0; k < msg.count; k++)
			merge_damage(link, &msg.rects[k]);
	}
	update_out_watch(link);
	return 0;
}

int tsr_console_link_present(struct tsr_console_link *link, const struct tsr_image *shadow,
			     const struct tsr_rect *rects, int n)
{
	struct tsr_console_rect batch[TSR_CONSOLE_DAMAGE_MAX];
	struct tsr_rect whole;
	uint32_t stride;
	size_t nb = 0;

	if (!shadow || !shadow->pixels || shadow->width <= 0 || shadow->height <= 0 ||
	    shadow->stride < shadow->width * 4 || n < 0 || (n > 0 && !rects)) {
		errno = EINVAL;
		return -1;
	}
	if (!link->map || link->width != (uint32_t)shadow->width ||
	    link->height != (uint32_t)shadow->height) {
		if (!tsr_console_link_set_surface(link, (uint32_t)shadow->width,
						  (uint32_t)shadow->height, &stride))
			return -1;
		whole = (struct tsr_rect){ 0, 0, shadow->width, shadow->height };
		rects = &whole;
		n = 1;
	}
	stride = link->width * 4;
	for (int i = 0; i < n; i++) {
		/* Clip in 64 bits: the rectangle may hang over any edge. */
		int64_t x1 = MAX(rects[i].x, 0), y1 = MAX(rects[i].y, 0);
		int64_t x2 = MIN((int64_t)rects[i].x + rects[i].width, (int64_t)shadow->width);
		int64_t y2 = MIN((int64_t)rects[i].y + rects[i].height, (int64_t)shadow->height);

		if (x1 >= x2 || y1 >= y2)
			continue;
		for (int64_t y = y1; y < y2; y++)
			memcpy((uint8_t *)link->map + (size_t)y * stride + (size_t)x1 * 4,
			       (const uint8_t *)shadow->pixels + (size_t)y * (size_t)shadow->stride +
				       (size_t)x1 * 4,
			       (size_t)(x2 - x1) * 4);
		batch[nb++] = (struct tsr_console_rect){ (uint32_t)x1, (uint32_t)y1,
							 (uint32_t)(x2 - x1), (uint32_t)(y2 - y1) };
		if (nb == TSR_CONSOLE_DAMAGE_MAX) {
			if (tsr_console_link_damage(link, batch, nb) < 0)
				return -1;
			nb = 0;
		}
	}
	if (nb && tsr_console_link_damage(link, batch, nb) < 0)
		return -1;
	return 0;
}

int tsr_console_link_set_leds(struct tsr_console_link *link, uint32_t leds)
{
	if (link->closed) {
		errno = EPIPE;
		return -1;
	}
	if (leds & ~TSR_CONSOLE_LEDS_ALL) {
		errno = EINVAL;
		return -1;
	}
	link->out_leds = leds;
	link->out_leds_pending = true;
	if (flush_out(link) < 0) {
		errno = EPIPE;
		return -1;
	}
	return 0;
}

int tsr_console_link_wait(struct tsr_console_link *link, int timeout_ms, int *status)
{
	int pidfd;
	pid_t r;

	if (link->pid <= 0) {
		errno = ECHILD;
		return -1;
	}
	/* A pidfd turns "the child exited" into an fd event, so there is no sleeping loop. */
	pidfd = (int)syscall(SYS_pidfd_open, link->pid, 0);
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		while (poll(&p, 1, timeout_ms) < 0 && errno == EINTR)
			;
		close(pidfd);
	}
	r = waitpid(link->pid, status, WNOHANG);
	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	link->pid = 0;
	return 1;
}

void tsr_console_link_destroy(struct tsr_console_link *link)
{
	int status;

	if (!link)
		return;
	if (link->source) {
		g_source_destroy(link->source);
		g_source_unref(link->source);
	}
	if (link->out_source) {
		g_source_destroy(link->out_source);
		g_source_unref(link->out_source);
	}
	if (link->out_surface_fd >= 0)
		close(link->out_surface_fd);
	if (link->sock >= 0)
		close(link->sock);
	if (link->pid > 0 && tsr_console_link_wait(link, 1000, &status) != 1) {
		kill(link->pid, SIGKILL);
		while (waitpid(link->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (link->map)
		munmap(link->map, link->map_len);
	g_free(link);
}
