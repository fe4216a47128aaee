/* proto/control-client.c: connect, send one request, read one answer (see control-client.h).
 *
 * Kept apart from control.c so the parser and its fuzz target carry no socket code, and so both
 * root tools share one client instead of each framing the length header its own way. */
#include "config.h"
#include "proto/control-client.h"

#include <errno.h>
#include <gio/gio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/* A deadline in g_get_monotonic_time() microseconds, or -1 for none. */
static gint64 deadline_after(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : g_get_monotonic_time() + (gint64)timeout_ms * 1000;
}

/* Milliseconds left until deadline for poll(), rounded up so a wait never ends early. */
static int ms_left(gint64 deadline)
{
	if (deadline < 0)
		return -1;
	gint64 left = deadline - g_get_monotonic_time();
	return left <= 0 ? 0 : (int)MIN((left + 999) / 1000, (gint64)G_MAXINT);
}

/* Wait until fd is ready for events or the deadline passes. 1 ready, 0 timed out, -1 errno. */
static int wait_for(int fd, short events, gint64 deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		int pr = poll(&pfd, 1, ms_left(deadline));

		if (pr < 0 && errno == EINTR)
			continue;
		return pr < 0 ? -1 : pr;
	}
}

static const char *connect_hint(int err)
{
	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
		return " (is tessera-brokerd running?)";
	case EACCES:
		return " (only root may use it)";
	case EAGAIN:
		return " (the broker has too many connections waiting)";
	default:
		return "";
	}
}

int tsr_ctl_connect(const char *path, GError **error)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	/* A unix socket's connect() waits for room in a full listen queue up to SO_SNDTIMEO. */
	struct timeval tv = { .tv_sec = TSR_CTL_CONNECT_TIMEOUT_MS / 1000,
			      .tv_usec = (TSR_CTL_CONNECT_TIMEOUT_MS % 1000) * 1000 };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "control socket path %s is too long", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int saved = errno;
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
			    "cannot connect to the broker at %s: %s%s", path, g_strerror(saved),
			    connect_hint(saved));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static bool write_until(int fd, GBytes *msg, gint64 deadline, GError **error)
{
	size_t len;
	const uint8_t *p = g_bytes_get_data(msg, &len);

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			int ready = errno == EINTR ? 1 : wait_for(fd, POLLOUT, deadline);
			if (ready == 0) {
				g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
					    "the broker did not take the request in time");
				return false;
			}
			if (ready > 0)
				continue;
		}
		if (n < 0) {
			int saved = errno;
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
				    "writing to the control socket: %s", g_strerror(saved));
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

bool tsr_ctl_write_all(int fd, GBytes *msg, int timeout_ms, GError **error)
{
	return write_until(fd, msg, deadline_after(timeout_ms), error);
}

/* Feed what arrives into a reader until one message is complete; its body, or NULL with error. */
static void *read_until(int fd, size_t max_body, gint64 deadline, int timeout_ms, size_t *len,
			GError **error)
{
	g_autoptr(GError) local = NULL;
	struct tsr_ctl_reader *r = tsr_ctl_reader_create(max_body);
	uint8_t buf[8192];
	void *result = NULL;

	while (!result && !local) {
		int ready = wait_for(fd, POLLIN, deadline);
		ssize_t n = ready > 0 ? read(fd, buf, sizeof(buf)) : -1;
		size_t used = 0;

		if (ready == 0) {
			g_set_error(&local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
				    "no answer on the control socket within %d ms", timeout_ms);
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0) {
			int saved = errno;
			g_set_error(&local, G_IO_ERROR, g_io_error_from_errno(saved),
				    "reading from the control socket: %s", g_strerror(saved));
		} else if (n == 0) {
			g_set_error_literal(&local, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
					    tsr_ctl_reader_partial(r)
						    ? "the connection closed in the middle of a message"
						    : "the connection closed without an answer");
		} else if (tsr_ctl_reader_feed(r, buf, (size_t)n, &used, &local) ==
			   TSR_CTL_READ_MESSAGE) {
			/* One message is all a client waits for: bytes after it are ignored. */
			const void *body = tsr_ctl_reader_body(r, len);
			result = g_memdup2(body, *len);
		}
	}
	tsr_ctl_reader_destroy(r);
	if (!result)
		g_propagate_error(error, g_steal_pointer(&local));
	return result;
}

void *tsr_ctl_read_message(int fd, size_t max_body, int timeout_ms, size_t *len, GError **error)
{
	return read_until(fd, max_body, deadline_after(timeout_ms), timeout_ms, len, error);
}

bool tsr_ctl_call(int fd, const char *command, JsonObject *args, int timeout_ms,
		  struct tsr_ctl_response *resp, GError **error)
{
	static int64_t next_id = 1;
	int64_t id = next_id++;
	gint64 deadline = deadline_after(timeout_ms);
	JsonNode *req = tsr_ctl_request_new(id, command, args);
	GBytes *bytes = tsr_ctl_encode(req, TSR_CTL_MAX_REQUEST, error);
	g_autoptr(GError) werr = NULL;
	g_autofree void *body = NULL;
	struct tsr_ctl_response r = { 0 };
	size_t len = 0;

	json_node_unref(req);
	if (!bytes)
		return false;
	bool written = write_until(fd, bytes, deadline, &werr);
	g_bytes_unref(bytes);
	/* Even if the write failed, an answer (a refusal sent before reading) may be waiting. */
	body = read_until(fd, TSR_CTL_MAX_RESPONSE, deadline, timeout_ms, &len,
			  written ? error : NULL);
	if (!body) {
		if (!written)
			g_propagate_error(error, g_steal_pointer(&werr));
		return false;
	}
	if (!tsr_ctl_response_parse(body, len, &r, error))
		return false;
	/* Id 0 is an answer sent before the request was read (a refusal of the connection). */
	if (r.id != id && r.id != 0) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "answer to request %" G_GINT64_FORMAT " arrived for %" G_GINT64_FORMAT,
			    r.id, id);
		tsr_ctl_response_clear(&r);
		return false;
	}
	*resp = r;
	return true;
}

bool tsr_ctl_call_once(const char *path, const char *command, JsonObject *args, int timeout_ms,
		       struct tsr_ctl_response *resp, GError **error)
{
	int fd = tsr_ctl_connect(path, error);

	if (fd < 0) {
		if (args)
			json_object_unref(args);
		return false;
	}
	bool ok = tsr_ctl_call(fd, command, args, timeout_ms, resp, error);
	close(fd);
	return ok;
}
