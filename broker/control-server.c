/* broker/control-server.c: serving the control socket (see control-server.h). */
#include "config.h"
#include "broker/control-server.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct tsr_ctl_call {
	struct client *client; /* NULL once the client has gone */
	struct tsr_ctl_peer peer;
	struct tsr_ctl_request req;
	bool deferred;
	/* A deferred call may finish before its handler returns (a stop of a domain that is
	 * already stopped answers at once). Its answer is kept here and sent by handle_message,
	 * which still owns the call and the client's watch at that point. */
	bool in_handler;
	bool finished;
	JsonObject *early_result;
	GError *early_error;
};

struct client {
	struct tsr_ctl_server *server;
	struct tsr_ctl_call *pending; /* a deferred call; no other request is read meanwhile */
	int fd;
	struct tsr_ctl_peer peer;
	struct tsr_ctl_reader *reader;
	GByteArray *out; /* response bytes not yet written */
	size_t out_off;
	guint watch;
	guint watch_cond;
	guint idle;
	bool closing; /* close once out is drained */
};

struct tsr_ctl_server {
	char *path;
	int fd;
	guint watch;
	tsr_ctl_handler_fn handler;
	tsr_ctl_refused_fn refused;
	void *data;
	GList *clients;
};

static void client_free(struct client *c)
{
	if (c->pending)
		c->pending->client = NULL;
	c->server->clients = g_list_remove(c->server->clients, c);
	g_clear_handle_id(&c->watch, g_source_remove);
	g_clear_handle_id(&c->idle, g_source_remove);
	close(c->fd);
	tsr_ctl_reader_destroy(c->reader);
	g_byte_array_unref(c->out);
	g_free(c);
}

static gboolean client_io(int fd, GIOCondition cond, gpointer data);

static guint client_wanted(const struct client *c)
{
	guint want = G_IO_HUP | G_IO_ERR;

	if (c->out->len > c->out_off)
		want |= G_IO_OUT;
	else if (!c->closing && !c->pending)
		want |= G_IO_IN;
	return want;
}

/* Start watching for what the client needs next (from outside its own dispatch). */
static void client_watch(struct client *c)
{
	c->watch_cond = client_wanted(c);
	c->watch = g_unix_fd_add(c->fd, c->watch_cond, client_io, c);
}

static void queue_node(struct client *c, JsonNode *node)
{
	g_autoptr(GError) error = NULL;
	GBytes *bytes = tsr_ctl_encode(node, TSR_CTL_MAX_RESPONSE, &error);

	json_node_unref(node);
	if (!bytes) {
		/* Only a result too large to send gets here; say so instead. */
		node = tsr_ctl_response_error_new(0, TSR_CTL_ERROR_TOO_LARGE, error->message);
		bytes = tsr_ctl_encode(node, TSR_CTL_MAX_RESPONSE, NULL);
		json_node_unref(node);
	}
	size_t len;
	const void *p = g_bytes_get_data(bytes, &len);
	g_byte_array_append(c->out, p, (guint)len);
	g_bytes_unref(bytes);
}

static void queue_answer(struct client *c, int64_t id, JsonObject *result, const GError *error)
{
	if (error)
		queue_node(c, tsr_ctl_response_error_new(
				      id,
				      error->domain == TSR_CTL_ERROR
					      ? (enum tsr_ctl_error_code)error->code
					      : TSR_CTL_ERROR_FAILED,
				      error->message));
	else
		queue_node(c, tsr_ctl_response_ok_new(id, result));
	if (error && result)
		json_object_unref(result);
}

const struct tsr_ctl_peer *tsr_ctl_call_peer(const struct tsr_ctl_call *call)
{
	return &call->peer;
}

const struct tsr_ctl_request *tsr_ctl_call_request(const struct tsr_ctl_call *call)
{
	return &call->req;
}

struct tsr_ctl_call *tsr_ctl_call_defer(struct tsr_ctl_call *call)
{
	call->deferred = true;
	return call;
}

static void call_free(struct tsr_ctl_call *call)
{
	tsr_ctl_request_clear(&call->req);
	g_free(call);
}

static void client_watch_update(struct client *c);

void tsr_ctl_call_finish(struct tsr_ctl_call *call, JsonObject *result, const GError *error)
{
	struct client *c = call->client;

	if (call->in_handler) {
		call->finished = true;
		call->early_result = result;
		call->early_error = error ? g_error_copy(error) : NULL;
		return;
	}
	if (c) {
		c->pending = NULL;
		queue_answer(c, call->req.id, result, error);
		client_watch_update(c);
	} else if (result) {
		json_object_unref(result);
	}
	call_free(call);
}

static void handle_message(struct client *c, const void *body, size_t len)
{
	struct tsr_ctl_call *call = g_new0(struct tsr_ctl_call, 1);
	g_autoptr(GError) error = NULL;
	JsonObject *result;

	if (!tsr_ctl_request_parse(body, len, &call->req, &error)) {
		tsr_warn("control: refused a request from pid %d: %s", (int)c->peer.pid,
			 error->message);
		if (c->server->refused)
			c->server->refused(c->server->data, &c->peer, error->message);
		queue_node(c, tsr_ctl_response_error_new(0, (enum tsr_ctl_error_code)error->code,
							 error->message));
		/* After a malformed message the stream may be out of step: end it. */
		c->closing = true;
		g_free(call);
		return;
	}
	call->client = c;
	call->peer = c->peer;
	call->in_handler = true;
	result = c->server->handler(c->server->data, call, &error);
	call->in_handler = false;
	if (call->finished) {
		queue_answer(c, call->req.id, call->early_result, call->early_error);
		g_clear_error(&call->early_error);
		call_free(call);
		return;
	}
	if (call->deferred && !error && !result) {
		c->pending = call;
		return;
	}
	queue_answer(c, call->req.id, result, error);
	call_free(call);
}

static bool client_read(struct client *c)
{
	uint8_t buf[4096];
	ssize_t n = read(c->fd, buf, sizeof(buf));
	size_t off = 0;

	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0) {
		if (tsr_ctl_reader_partial(c->reader))
			tsr_warn("control: pid %d closed in the middle of a message",
				 (int)c->peer.pid);
		return false;
	}
	/* Requests are answered one at a time; a pipelined rest stays in buf for the next round. */
	while (off < (size_t)n && !c->closing && !c->pending && c->out->len == c->out_off) {
		g_autoptr(GError) error = NULL;
		size_t used = 0;
		enum tsr_ctl_read_result rr =
			tsr_ctl_reader_feed(c->reader, buf + off, (size_t)n - off, &used, &error);

		off += used;
		if (rr == TSR_CTL_READ_ERROR) {
			tsr_warn("control: refused a message from pid %d: %s", (int)c->peer.pid,
				 error->message);
			if (c->server->refused)
				c->server->refused(c->server->data, &c->peer, error->message);
			queue_node(c, tsr_ctl_response_error_new(
					      0, (enum tsr_ctl_error_code)error->code, error->message));
			c->closing = true;
		} else if (rr == TSR_CTL_READ_MESSAGE) {
			size_t len;
			const void *body = tsr_ctl_reader_body(c->reader, &len);

			handle_message(c, body, len);
			tsr_ctl_reader_reset(c->reader);
		}
	}
	if (off < (size_t)n && !c->closing) {
		/* A client that pipelines requests without reading answers is not one we serve. */
		queue_node(c, tsr_ctl_response_error_new(0, TSR_CTL_ERROR_MALFORMED,
							 "send one request at a time and wait for its answer"));
		c->closing = true;
	}
	return true;
}

static bool client_write(struct client *c)
{
	while (c->out_off < c->out->len) {
		ssize_t n = send(c->fd, c->out->data + c->out_off, c->out->len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN;
		c->out_off += (size_t)n;
	}
	g_byte_array_set_size(c->out, 0);
	c->out_off = 0;
	return !c->closing;
}

/* From outside the client's own dispatch (a deferred answer): rewatch if needed, and try to
 * write at once. */
static void client_watch_update(struct client *c)
{
	if (client_wanted(c) == c->watch_cond)
		return;
	g_clear_handle_id(&c->watch, g_source_remove);
	client_watch(c);
}

static gboolean client_idle(gpointer data)
{
	struct client *c = data;

	if (c->pending)
		return G_SOURCE_CONTINUE; /* waiting for us, not idle */
	tsr_warn("control: closing idle connection of pid %d", (int)c->peer.pid);
	c->idle = 0;
	client_free(c);
	return G_SOURCE_REMOVE;
}

static gboolean client_io(int fd, GIOCondition cond, gpointer data)
{
	struct client *c = data;
	bool keep = true;

	if (cond & G_IO_OUT)
		keep = client_write(c);
	else if (cond & G_IO_IN)
		keep = client_read(c);
	else
		keep = false;
	if (keep && c->out->len > c->out_off)
		keep = client_write(c) || c->out->len > c->out_off;
	if (!keep) {
		c->watch = 0; /* removed by returning G_SOURCE_REMOVE */
		client_free(c);
		return G_SOURCE_REMOVE;
	}
	g_source_remove(c->idle);
	c->idle = g_timeout_add_seconds(TSR_CTL_IDLE_TIMEOUT_S, client_idle, c);
	if (client_wanted(c) == c->watch_cond)
		return G_SOURCE_CONTINUE;
	/* This source ends by returning REMOVE; a new one watches for the new condition. */
	client_watch(c);
	return G_SOURCE_REMOVE;
}

/* Send a single refusal on a fresh connection and close it, reading nothing. */
static void refuse(int fd, enum tsr_ctl_error_code code, const char *message)
{
	JsonNode *node = tsr_ctl_response_error_new(0, code, message);
	GBytes *bytes = tsr_ctl_encode(node, TSR_CTL_MAX_RESPONSE, NULL);
	size_t len;
	const void *p = g_bytes_get_data(bytes, &len);

	/* A fresh socket's buffer holds a small message: this does not block or split. */
	if (send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)len)
		tsr_debug("control: could not deliver a refusal: %s", g_strerror(errno));
	g_bytes_unref(bytes);
	json_node_unref(node);
	close(fd);
}

static gboolean server_accept(int fd, GIOCondition cond, gpointer data)
{
	struct tsr_ctl_server *s = data;
	struct ucred cred;
	socklen_t credlen = sizeof(cred);
	struct tsr_ctl_peer peer;
	struct client *c;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			tsr_warn("control: accept: %s", g_strerror(errno));
		return G_SOURCE_CONTINUE;
	}
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &credlen) < 0 ||
	    credlen != sizeof(cred)) {
		tsr_warn("control: no peer credentials: %s", g_strerror(errno));
		close(cfd);
		return G_SOURCE_CONTINUE;
	}
	peer.pid = cred.pid;
	peer.uid = cred.uid;
	peer.gid = cred.gid;
	if (cred.uid != 0) {
		tsr_warn("control: refused uid %u (pid %d): only root may use the control socket",
			 (unsigned)cred.uid, (int)cred.pid);
		if (s->refused)
			s->refused(s->data, &peer, "not root");
		refuse(cfd, TSR_CTL_ERROR_PERMISSION_DENIED,
		       "only root may use the broker's control socket");
		return G_SOURCE_CONTINUE;
	}
	if (g_list_length(s->clients) >= TSR_CTL_MAX_CLIENTS) {
		refuse(cfd, TSR_CTL_ERROR_BUSY, "too many control connections; try again");
		return G_SOURCE_CONTINUE;
	}
	c = g_new0(struct client, 1);
	c->server = s;
	c->fd = cfd;
	c->peer = peer;
	c->reader = tsr_ctl_reader_create(TSR_CTL_MAX_REQUEST);
	c->out = g_byte_array_new();
	c->idle = g_timeout_add_seconds(TSR_CTL_IDLE_TIMEOUT_S, client_idle, c);
	s->clients = g_list_prepend(s->clients, c);
	client_watch(c);
	return G_SOURCE_CONTINUE;
}

struct tsr_ctl_server *tsr_ctl_server_create(const char *path, tsr_ctl_handler_fn handler,
					     tsr_ctl_refused_fn refused, void *data,
					     GError **error)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct tsr_ctl_server *s;
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "control socket path %s is too long", path);
		return NULL;
	}
	strcpy(addr.sun_path, path);
	/* Replace a stale socket, never anything else. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
				    "%s exists and is not a socket; remove it", path);
			return NULL;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		int saved = errno;
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), "socket: %s",
			    g_strerror(saved));
		return NULL;
	}
	/* The socket is born 0600: no window in which someone else could connect. */
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (rc < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		int saved = errno;
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
			    "cannot listen on %s: %s", path, g_strerror(saved));
		close(fd);
		return NULL;
	}
	s = g_new0(struct tsr_ctl_server, 1);
	s->path = g_strdup(path);
	s->fd = fd;
	s->handler = handler;
	s->refused = refused;
	s->data = data;
	s->watch = g_unix_fd_add(fd, G_IO_IN, server_accept, s);
	return s;
}

void tsr_ctl_server_destroy(struct tsr_ctl_server *server)
{
	if (!server)
		return;
	while (server->clients)
		client_free(server->clients->data);
	g_source_remove(server->watch);
	close(server->fd);
	unlink(server->path);
	g_free(server->path);
	g_free(server);
}

unsigned tsr_ctl_server_client_count(const struct tsr_ctl_server *server)
{
	return g_list_length(server->clients);
}
