/* domains/qmp.c: the QMP client (see qmp.h). */
#include "config.h"

#include "domains/qmp.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "domains/backend.h"

static bool fail(GError **error, const char *what)
{
	g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED, "QMP: %s", what);
	return false;
}

/* A string member, or NULL when missing or of another type (never a GLib critical: the input
 * is hostile). */
static const char *get_str(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

/* json-glib recurses once per nesting level and has no limit of its own: 100,000 nested
 * brackets from a compromised QEMU would overflow the broker's stack. So the depth is counted
 * (outside strings) before json-glib sees the text. */
bool tsr_json_depth_within(const char *s, size_t len, unsigned max)
{
	unsigned depth = 0;
	bool in_string = false, escaped = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return false;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return true;
}

void tsr_qmp_message_clear(struct tsr_qmp_message *m)
{
	g_clear_pointer(&m->event, g_free);
	g_clear_pointer(&m->error_class, g_free);
	g_clear_pointer(&m->error_desc, g_free);
	g_clear_pointer(&m->data, json_node_unref);
}

bool tsr_qmp_parse_line(const char *line, size_t len, struct tsr_qmp_message *m, GError **error)
{
	memset(m, 0, sizeof *m);
	m->id = -1;
	if (len > TSR_QMP_LINE_MAX)
		return fail(error, "message longer than 1 MiB");
	if (memchr(line, 0, len))
		return fail(error, "NUL byte in message");
	if (!tsr_json_depth_within(line, len, TSR_QMP_DEPTH_MAX))
		return fail(error, "message nested deeper than " G_STRINGIFY(TSR_QMP_DEPTH_MAX)
				   " levels");
	JsonParser *parser = json_parser_new_immutable();
	GError *perr = NULL;
	if (!json_parser_load_from_data(parser, line, (gssize)len, &perr)) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			    "QMP: not JSON: %s", perr->message);
		g_error_free(perr);
		g_object_unref(parser);
		return false;
	}
	JsonNode *root = json_parser_get_root(parser);
	bool ok = false;
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		fail(error, "message is not a JSON object");
		goto out;
	}
	JsonObject *o = json_node_get_object(root);
	if (json_object_has_member(o, "id")) {
		JsonNode *id = json_object_get_member(o, "id");
		if (!JSON_NODE_HOLDS_VALUE(id) || json_node_get_value_type(id) != G_TYPE_INT64) {
			fail(error, "\"id\" is not an integer");
			goto out;
		}
		m->id = json_node_get_int(id);
	}
	if (json_object_has_member(o, "QMP")) {
		if (!JSON_NODE_HOLDS_OBJECT(json_object_get_member(o, "QMP"))) {
			fail(error, "greeting \"QMP\" is not an object");
			goto out;
		}
		m->kind = TSR_QMP_GREETING;
	} else if (json_object_has_member(o, "return")) {
		m->kind = TSR_QMP_RETURN;
		m->data = json_node_copy(json_object_get_member(o, "return"));
	} else if (json_object_has_member(o, "error")) {
		JsonNode *e = json_object_get_member(o, "error");
		JsonObject *eo = JSON_NODE_HOLDS_OBJECT(e) ? json_node_get_object(e) : NULL;
		const char *cls = get_str(eo, "class");
		const char *desc = get_str(eo, "desc");
		if (!cls || !desc) {
			fail(error, "\"error\" lacks a string class or desc");
			goto out;
		}
		m->kind = TSR_QMP_ERROR;
		m->error_class = g_strdup(cls);
		m->error_desc = g_strdup(desc);
	} else if (json_object_has_member(o, "event")) {
		JsonNode *ev = json_object_get_member(o, "event");
		if (!JSON_NODE_HOLDS_VALUE(ev) || json_node_get_value_type(ev) != G_TYPE_STRING) {
			fail(error, "\"event\" is not a string");
			goto out;
		}
		m->kind = TSR_QMP_EVENT;
		m->event = g_strdup(json_node_get_string(ev));
		if (json_object_has_member(o, "data"))
			m->data = json_node_copy(json_object_get_member(o, "data"));
	} else {
		fail(error, "message is none of greeting, return, error or event");
		goto out;
	}
	ok = true;
out:
	g_object_unref(parser);
	if (!ok)
		tsr_qmp_message_clear(m);
	return ok;
}

struct pending {
	gint64 id;
	tsr_qmp_reply_fn fn;
	void *user_data;
};

struct tsr_qmp {
	int fd;
	guint io;
	guint out_io;     /* watching for room to send the rest of out */
	GString *in;
	GString *out;     /* commands not yet taken by the socket, at most TSR_QMP_OUT_MAX */
	gint64 next_id;
	GQueue pending;
	bool greeted;
	bool misbehaved;  /* closed because of what QEMU did, not because it went away */
	bool ready;
	tsr_qmp_ready_fn ready_fn;
	tsr_qmp_event_fn event_fn;
	tsr_qmp_closed_fn closed_fn;
	void *user_data;
};

static void fail_pending(struct tsr_qmp *q, const char *reason)
{
	struct pending *p;
	while ((p = g_queue_pop_head(&q->pending))) {
		if (p->fn) {
			GError *e = g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						"QMP connection lost: %s", reason);
			p->fn(q, NULL, e, p->user_data);
			g_error_free(e);
		}
		g_free(p);
	}
}

static void close_conn(struct tsr_qmp *q, const char *reason)
{
	if (q->io) {
		g_source_remove(q->io);
		q->io = 0;
	}
	if (q->out_io) {
		g_source_remove(q->out_io);
		q->out_io = 0;
	}
	g_string_truncate(q->out, 0);
	if (q->fd >= 0) {
		close(q->fd);
		q->fd = -1;
	}
	fail_pending(q, reason);
	if (!q->ready && q->ready_fn) {
		GError *e = g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
					"QMP handshake failed: %s", reason);
		tsr_qmp_ready_fn fn = q->ready_fn;
		q->ready_fn = NULL;
		fn(q, e, q->user_data);
		g_error_free(e);
		return;
	}
	if (q->closed_fn)
		q->closed_fn(q, reason, q->user_data);
}

/* QEMU broke the protocol: it is cut off (and the backend treats it as crashed). */
static void misbehaved(struct tsr_qmp *q, const char *reason)
{
	q->misbehaved = true;
	close_conn(q, reason);
}

static gboolean writable(gint fd, GIOCondition cond, gpointer data);

/* Send what the socket takes now, without ever blocking: a QEMU that stops reading must not
 * stall the caller's main loop. The rest waits in q->out for the socket to drain. Returns false
 * when the connection is broken. */
static bool flush_out(struct tsr_qmp *q)
{
	while (q->out->len > 0) {
		ssize_t n = send(q->fd, q->out->str, q->out->len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return false;
		g_string_erase(q->out, 0, n);
	}
	if (q->out->len > 0 && !q->out_io)
		q->out_io = g_unix_fd_add(q->fd, G_IO_OUT, writable, q);
	else if (q->out->len == 0 && q->out_io) {
		g_source_remove(q->out_io);
		q->out_io = 0;
	}
	return true;
}

static gboolean writable(gint fd, GIOCondition cond, gpointer data)
{
	struct tsr_qmp *q = data;

	q->out_io = 0; /* flush_out adds a new watch if anything is left */
	if (!flush_out(q))
		close_conn(q, "QEMU closed the connection");
	return G_SOURCE_REMOVE;
}

static void capabilities_done(struct tsr_qmp *q, JsonNode *result, const GError *error,
			      void *data)
{
	if (!q->ready_fn)
		return;
	tsr_qmp_ready_fn fn = q->ready_fn;
	q->ready_fn = NULL;
	q->ready = error == NULL;
	fn(q, error, q->user_data);
}

/* Returns false when the connection was closed (q must not be touched by the caller's loop
 * beyond returning). */
static bool dispatch(struct tsr_qmp *q, const char *line, size_t len)
{
	struct tsr_qmp_message m;
	GError *error = NULL;
	if (!tsr_qmp_parse_line(line, len, &m, &error)) {
		misbehaved(q, error->message);
		g_error_free(error);
		return false;
	}
	switch (m.kind) {
	case TSR_QMP_GREETING:
		/* One greeting per connection: each would cost a command and a reply slot. */
		if (q->greeted) {
			tsr_qmp_message_clear(&m);
			misbehaved(q, "a second greeting");
			return false;
		}
		q->greeted = true;
		tsr_qmp_command(q, "qmp_capabilities", NULL, capabilities_done, NULL);
		break;
	case TSR_QMP_RETURN:
	case TSR_QMP_ERROR: {
		struct pending *p = g_queue_peek_head(&q->pending);
		if (!p || p->id != m.id) {
			tsr_qmp_message_clear(&m);
			misbehaved(q, "reply to a command that was not sent");
			return false;
		}
		g_queue_pop_head(&q->pending);
		if (p->fn) {
			GError *e = NULL;
			if (m.kind == TSR_QMP_ERROR)
				e = g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						"%s: %s", m.error_class, m.error_desc);
			p->fn(q, m.kind == TSR_QMP_RETURN ? m.data : NULL, e, p->user_data);
			g_clear_error(&e);
		}
		g_free(p);
		break;
	}
	case TSR_QMP_EVENT:
		if (q->event_fn)
			q->event_fn(q, m.event, m.data, q->user_data);
		break;
	}
	tsr_qmp_message_clear(&m);
	return true;
}

static gboolean readable(gint fd, GIOCondition cond, gpointer data)
{
	struct tsr_qmp *q = data;
	char buf[8192];
	ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		q->io = 0;
		close_conn(q, n == 0 ? "QEMU closed the connection" : g_strerror(errno));
		return G_SOURCE_REMOVE;
	}
	g_string_append_len(q->in, buf, n);
	char *nl;
	while ((nl = memchr(q->in->str, '\n', q->in->len))) {
		size_t len = (size_t)(nl - q->in->str);
		char *line = g_strndup(q->in->str, len);
		g_string_erase(q->in, 0, (gssize)len + 1);
		size_t l = len;
		while (l > 0 && (line[l - 1] == '\r' || line[l - 1] == ' '))
			l--;
		bool alive = l == 0 || dispatch(q, line, l);
		g_free(line);
		if (!alive || q->fd < 0) {
			q->io = 0;
			return G_SOURCE_REMOVE;
		}
	}
	if (q->in->len > TSR_QMP_LINE_MAX) {
		q->io = 0;
		misbehaved(q, "message longer than 1 MiB");
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

struct tsr_qmp *tsr_qmp_connect(const char *path, const struct tsr_unix_peer *server,
				tsr_qmp_ready_fn ready, tsr_qmp_event_fn event,
				tsr_qmp_closed_fn closed, void *user_data, GError **error)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = -1;

	if (strlen(path) >= sizeof addr.sun_path) {
		fail(error, "socket path too long");
		return NULL;
	}
	strcpy(addr.sun_path, path);
	/* Non-blocking from the start: even a connect to a full backlog must not wait. */
	if (server) {
		fd = tsr_unix_connect_peer(path, server, SOCK_NONBLOCK);
	} else {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
			int saved = errno;
			close(fd);
			fd = -1;
			errno = saved;
		}
	}
	if (fd < 0) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			    "QMP: connecting to %s: %s", path,
			    errno == ELOOP || errno == EPERM || errno == ENOTSOCK
				    ? "not the device model's own socket"
				    : g_strerror(errno));
		return NULL;
	}
	struct tsr_qmp *q = g_new0(struct tsr_qmp, 1);
	q->fd = fd;
	q->in = g_string_new(NULL);
	q->out = g_string_new(NULL);
	q->ready_fn = ready;
	q->event_fn = event;
	q->closed_fn = closed;
	q->user_data = user_data;
	g_queue_init(&q->pending);
	q->io = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, readable, q);
	return q;
}

static const char not_yet[] = "QEMU has not taken the earlier commands yet";

/* Send a command line that carries fd (SCM_RIGHTS rides on its first byte). Only with nothing
 * queued before it, so the fd cannot end up on an earlier command; the rest of the line, if the
 * socket took only part, is queued as usual. */
static bool send_with_fd(struct tsr_qmp *q, const char *text, int fd, const char **why)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	if (q->out->len > 0) {
		*why = not_yet;
		return false;
	}
	memset(u.buf, 0, sizeof(u.buf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(q->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		*why = not_yet;
		return false;
	}
	if (n <= 0)
		return false;
	g_string_append(q->out, text + n);
	return flush_out(q);
}

static void command(struct tsr_qmp *q, const char *execute, JsonObject *args, int fd,
		    tsr_qmp_reply_fn reply, void *user_data);

void tsr_qmp_command(struct tsr_qmp *q, const char *execute, JsonObject *args,
		     tsr_qmp_reply_fn reply, void *user_data)
{
	command(q, execute, args, -1, reply, user_data);
}

void tsr_qmp_command_fd(struct tsr_qmp *q, const char *execute, JsonObject *args, int fd,
			tsr_qmp_reply_fn reply, void *user_data)
{
	command(q, execute, args, fd, reply, user_data);
}

static void command(struct tsr_qmp *q, const char *execute, JsonObject *args, int fd,
		    tsr_qmp_reply_fn reply, void *user_data)
{
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, "execute", execute);
	if (args)
		json_object_set_object_member(o, "arguments", args);
	struct pending *p = g_new0(struct pending, 1);
	p->id = q->next_id++;
	p->fn = reply;
	p->user_data = user_data;
	json_object_set_int_member(o, "id", p->id);
	JsonNode *node = json_node_init_object(json_node_alloc(), o);
	char *text = json_to_string(node, FALSE);
	json_node_unref(node);
	json_object_unref(o);
	const char *why = "connection lost";
	bool sent = q->fd >= 0, overfull = false;
	if (sent && (q->out->len + strlen(text) + 1 > TSR_QMP_OUT_MAX ||
		     g_queue_get_length(&q->pending) >= TSR_QMP_PENDING_MAX)) {
		why = "QEMU does not read its commands or answer them";
		sent = false;
		overfull = true;
	} else if (sent && fd >= 0) {
		char *line = g_strconcat(text, "\n", NULL);
		sent = send_with_fd(q, line, fd, &why);
		g_free(line);
	} else if (sent) {
		g_string_append(q->out, text);
		g_string_append_c(q->out, '\n');
		sent = flush_out(q);
	}
	g_free(text);
	if (!sent) {
		if (reply) {
			GError *e = g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						"QMP: cannot send %s: %s", execute, why);
			reply(q, NULL, e, user_data);
			g_error_free(e);
		}
		g_free(p);
		/* A QEMU that lets commands pile up is cut off like one that breaks the
		 * protocol; the caller's reply above already had its answer. */
		if (overfull)
			misbehaved(q, why);
		else if (q->fd >= 0 && why != not_yet)
			close_conn(q, why);
		return;
	}
	g_queue_push_tail(&q->pending, p);
}

bool tsr_qmp_misbehaved(const struct tsr_qmp *q)
{
	return q && q->misbehaved;
}

void tsr_qmp_free(struct tsr_qmp *q)
{
	if (!q)
		return;
	g_clear_handle_id(&q->io, g_source_remove);
	g_clear_handle_id(&q->out_io, g_source_remove);
	if (q->fd >= 0)
		close(q->fd);
	g_queue_clear_full(&q->pending, g_free);
	g_string_free(q->in, TRUE);
	g_string_free(q->out, TRUE);
	g_free(q);
}
