/* proto/control.c: parsing and encoding control-socket messages (see control.h); the client
 * that sends them is control-client.c.
 *
 * The parsers trust nothing: a body is pre-scanned byte by byte (UTF-8, NUL, depth, string
 * length) before json-glib sees it, the tree is counted after, and then every member of the
 * top-level object must be one this version knows, with the right type. */
#include "config.h"
#include "proto/control.h"

#include <gio/gio.h>
#include <string.h>

G_DEFINE_QUARK(tsr-ctl-error-quark, tsr_ctl_error)

static const char *const code_names[] = {
	[TSR_CTL_ERROR_MALFORMED] = "malformed",
	[TSR_CTL_ERROR_TOO_LARGE] = "too-large",
	[TSR_CTL_ERROR_VERSION] = "version",
	[TSR_CTL_ERROR_PERMISSION_DENIED] = "permission-denied",
	[TSR_CTL_ERROR_UNKNOWN_COMMAND] = "unknown-command",
	[TSR_CTL_ERROR_BAD_ARGUMENT] = "bad-argument",
	[TSR_CTL_ERROR_NOT_FOUND] = "not-found",
	[TSR_CTL_ERROR_FAILED] = "failed",
	[TSR_CTL_ERROR_BUSY] = "busy",
};

const char *tsr_ctl_error_code_name(enum tsr_ctl_error_code code)
{
	if ((size_t)code < G_N_ELEMENTS(code_names) && code_names[code])
		return code_names[code];
	return "failed";
}

bool tsr_ctl_error_code_parse(const char *name, enum tsr_ctl_error_code *code)
{
	for (size_t i = 0; i < G_N_ELEMENTS(code_names); i++) {
		if (code_names[i] && strcmp(code_names[i], name) == 0) {
			*code = (enum tsr_ctl_error_code)i;
			return true;
		}
	}
	return false;
}

bool tsr_ctl_prescan(const char *text, size_t len, unsigned max_depth, unsigned max_nodes,
		     size_t max_string, GError **error)
{
	unsigned depth = 0, containers = 0;
	bool in_string = false, escaped = false;
	size_t string_len = 0;

	if (len == 0) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED, "empty message body");
		return false;
	}
	if (memchr(text, '\0', len)) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "message contains a NUL byte");
		return false;
	}
	if (!g_utf8_validate_len(text, len, NULL)) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "message is not valid UTF-8");
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_string) {
			if (escaped) {
				escaped = false;
			} else if (c == '\\') {
				escaped = true;
			} else if (c == '"') {
				in_string = false;
				continue;
			}
			if (max_string && ++string_len > max_string) {
				g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_TOO_LARGE,
					    "a string is longer than %zu bytes", max_string);
				return false;
			}
			continue;
		}
		switch (c) {
		case '"':
			in_string = true;
			string_len = 0;
			break;
		case '{':
		case '[':
			if (++depth > max_depth) {
				g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_TOO_LARGE,
					    "nested deeper than %u levels", max_depth);
				return false;
			}
			if (++containers > max_nodes) {
				g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_TOO_LARGE,
					    "more than %u values", max_nodes);
				return false;
			}
			break;
		case '}':
		case ']':
			if (depth == 0) {
				g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
					    "unbalanced '%c' at byte %zu", c, i);
				return false;
			}
			depth--;
			break;
		default:
			break;
		}
	}
	if (in_string || depth != 0) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "message ends inside a %s", in_string ? "string" : "container");
		return false;
	}
	return true;
}

/* Depth is bounded by the pre-scan, so this recursion is too. */
static unsigned count_nodes(JsonNode *node, unsigned limit)
{
	unsigned n = 1;

	if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObjectIter it;
		JsonNode *member;
		const char *name;

		json_object_iter_init(&it, json_node_get_object(node));
		while (n <= limit && json_object_iter_next(&it, &name, &member))
			n += count_nodes(member, limit);
	} else if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *a = json_node_get_array(node);
		guint len = json_array_get_length(a);

		for (guint i = 0; i < len && n <= limit; i++)
			n += count_nodes(json_array_get_element(a, i), limit);
	}
	return n;
}

/* Pre-scan, parse, count: returns the top-level object (a new reference) or NULL. */
static JsonObject *parse_object(const void *body, size_t len, unsigned max_depth,
				unsigned max_nodes, size_t max_string, GError **error)
{
	g_autoptr(JsonParser) parser = NULL;
	g_autoptr(GError) perr = NULL;
	JsonNode *root;

	if (!tsr_ctl_prescan(body, len, max_depth, max_nodes, max_string, error))
		return NULL;
	parser = json_parser_new_immutable();
	if (!json_parser_load_from_data(parser, body, (gssize)len, &perr)) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED, "not valid JSON: %s",
			    perr->message);
		return NULL;
	}
	root = json_parser_get_root(parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "the message is not a JSON object");
		return NULL;
	}
	if (count_nodes(root, max_nodes) > max_nodes) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_TOO_LARGE,
			    "more than %u values", max_nodes);
		return NULL;
	}
	return json_object_ref(json_node_get_object(root));
}

static bool get_int(JsonObject *o, const char *name, bool required, int64_t *out,
		    GError **error)
{
	JsonNode *n = json_object_get_member(o, name);

	if (!n) {
		if (required)
			g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
				    "member \"%s\" is missing", name);
		return !required;
	}
	if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "member \"%s\" must be an integer", name);
		return false;
	}
	*out = json_node_get_int(n);
	return true;
}

static bool check_version(JsonObject *o, GError **error)
{
	int64_t version = -1;

	if (!get_int(o, "version", true, &version, error))
		return false;
	if (version != TSR_CTL_VERSION) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_VERSION,
			    "protocol version %" G_GINT64_FORMAT " is not supported (this side speaks %d)",
			    version, TSR_CTL_VERSION);
		return false;
	}
	return true;
}

static bool check_members(JsonObject *o, const char *const *allowed, GError **error)
{
	JsonObjectIter it;
	JsonNode *member;
	const char *name;

	json_object_iter_init(&it, o);
	while (json_object_iter_next(&it, &name, &member)) {
		if (!g_strv_contains(allowed, name)) {
			g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
				    "unknown member \"%.64s\"", name);
			return false;
		}
	}
	return true;
}

static bool command_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > TSR_CTL_MAX_COMMAND || !g_ascii_islower(s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_islower(s[i]) && s[i] != '-')
			return false;
	return true;
}

/* The envelope both directions share: within max_len bytes, one JSON object within the
 * limits, no member but the allowed ones, our version, a non-negative integer "id". */
struct envelope {
	const char *what; /* "request", "response": for the messages */
	size_t max_len;
	unsigned max_depth, max_nodes;
	size_t max_string;
	const char *const *allowed;
};

static JsonObject *parse_envelope(const void *body, size_t len, const struct envelope *env,
				  int64_t *id, GError **error)
{
	JsonObject *o;

	if (len > env->max_len) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_TOO_LARGE,
			    "%s of %zu bytes is over the limit of %zu", env->what, len,
			    env->max_len);
		return NULL;
	}
	o = parse_object(body, len, env->max_depth, env->max_nodes, env->max_string, error);
	if (!o)
		return NULL;
	if (!check_members(o, env->allowed, error) || !check_version(o, error) ||
	    !get_int(o, "id", true, id, error)) {
		json_object_unref(o);
		return NULL;
	}
	return o;
}

bool tsr_ctl_request_parse(const void *body, size_t len, struct tsr_ctl_request *req,
			   GError **error)
{
	static const char *const allowed[] = { "version", "id", "command", "args", NULL };
	static const struct envelope env = {
		"request", TSR_CTL_MAX_REQUEST, TSR_CTL_MAX_DEPTH, TSR_CTL_MAX_NODES,
		TSR_CTL_MAX_STRING, allowed,
	};
	int64_t id = 0;
	g_autoptr(JsonObject) o = parse_envelope(body, len, &env, &id, error);
	JsonNode *cmd, *args;

	if (!o)
		return false;
	if (id < 0) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "member \"id\" must not be negative");
		return false;
	}
	cmd = json_object_get_member(o, "command");
	if (!cmd || !JSON_NODE_HOLDS_VALUE(cmd) || json_node_get_value_type(cmd) != G_TYPE_STRING) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "member \"command\" must be a string");
		return false;
	}
	if (!command_name_valid(json_node_get_string(cmd))) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "\"command\" must be 1 to %d characters of a-z and '-'",
			    TSR_CTL_MAX_COMMAND);
		return false;
	}
	args = json_object_get_member(o, "args");
	if (args && !JSON_NODE_HOLDS_OBJECT(args)) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "member \"args\" must be an object");
		return false;
	}
	req->id = id;
	g_strlcpy(req->command, json_node_get_string(cmd), sizeof(req->command));
	req->args = args ? json_object_ref(json_node_get_object(args)) : json_object_new();
	return true;
}

void tsr_ctl_request_clear(struct tsr_ctl_request *req)
{
	if (req->args)
		json_object_unref(req->args);
	req->args = NULL;
}

bool tsr_ctl_response_parse(const void *body, size_t len, struct tsr_ctl_response *resp,
			    GError **error)
{
	static const char *const allowed[] = { "version", "id", "ok", "result", "error", NULL };
	static const struct envelope env = {
		"response", TSR_CTL_MAX_RESPONSE, TSR_CTL_MAX_RESPONSE_DEPTH,
		TSR_CTL_MAX_RESPONSE_NODES, 0, allowed,
	};
	int64_t id = 0;
	g_autoptr(JsonObject) o = parse_envelope(body, len, &env, &id, error);
	JsonNode *ok, *n;

	if (!o)
		return false;
	ok = json_object_get_member(o, "ok");
	if (!ok || !JSON_NODE_HOLDS_VALUE(ok) || json_node_get_value_type(ok) != G_TYPE_BOOLEAN) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "member \"ok\" must be true or false");
		return false;
	}
	if (json_node_get_boolean(ok)) {
		n = json_object_get_member(o, "result");
		if (json_object_has_member(o, "error") || (n && !JSON_NODE_HOLDS_OBJECT(n))) {
			g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
				    "a successful response has only an object \"result\"");
			return false;
		}
		resp->id = id;
		resp->ok = true;
		resp->result = n ? json_object_ref(json_node_get_object(n)) : json_object_new();
		resp->message = NULL;
		resp->code = TSR_CTL_ERROR_FAILED;
		return true;
	}
	n = json_object_get_member(o, "error");
	if (json_object_has_member(o, "result") || !n || !JSON_NODE_HOLDS_OBJECT(n)) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "a failed response has only an object \"error\"");
		return false;
	}
	JsonObject *e = json_node_get_object(n);
	const char *code = json_object_get_string_member_with_default(e, "code", NULL);
	const char *message = json_object_get_string_member_with_default(e, "message", NULL);
	if (!code || !message) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
			    "\"error\" needs string members \"code\" and \"message\"");
		return false;
	}
	resp->id = id;
	resp->ok = false;
	resp->result = NULL;
	if (!tsr_ctl_error_code_parse(code, &resp->code))
		resp->code = TSR_CTL_ERROR_FAILED;
	resp->message = g_strdup(message);
	return true;
}

void tsr_ctl_response_clear(struct tsr_ctl_response *resp)
{
	if (resp->result)
		json_object_unref(resp->result);
	resp->result = NULL;
	g_clear_pointer(&resp->message, g_free);
}

GBytes *tsr_ctl_encode(JsonNode *root, size_t max_body, GError **error)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	gsize len = 0;
	g_autofree char *text = NULL;
	uint8_t *buf;

	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, &len);
	if (len == 0 || len > max_body || len > UINT32_MAX) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_TOO_LARGE,
			    "message of %zu bytes is over the limit of %zu", (size_t)len, max_body);
		return NULL;
	}
	buf = g_malloc(TSR_CTL_HEADER_SIZE + len);
	buf[0] = (uint8_t)(len >> 24);
	buf[1] = (uint8_t)(len >> 16);
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	memcpy(buf + TSR_CTL_HEADER_SIZE, text, len);
	return g_bytes_new_take(buf, TSR_CTL_HEADER_SIZE + len);
}

static JsonNode *message_new(int64_t id, JsonObject *o)
{
	JsonNode *node = json_node_new(JSON_NODE_OBJECT);

	json_object_set_int_member(o, "version", TSR_CTL_VERSION);
	json_object_set_int_member(o, "id", id);
	json_node_take_object(node, o);
	return node;
}

JsonNode *tsr_ctl_request_new(int64_t id, const char *command, JsonObject *args)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "command", command);
	json_object_set_object_member(o, "args", args ? args : json_object_new());
	return message_new(id, o);
}

JsonNode *tsr_ctl_response_ok_new(int64_t id, JsonObject *result)
{
	JsonObject *o = json_object_new();

	json_object_set_boolean_member(o, "ok", true);
	json_object_set_object_member(o, "result", result ? result : json_object_new());
	return message_new(id, o);
}

JsonNode *tsr_ctl_response_error_new(int64_t id, enum tsr_ctl_error_code code,
				     const char *message)
{
	JsonObject *o = json_object_new();
	JsonObject *e = json_object_new();

	json_object_set_string_member(e, "code", tsr_ctl_error_code_name(code));
	json_object_set_string_member(e, "message", message);
	json_object_set_boolean_member(o, "ok", false);
	json_object_set_object_member(o, "error", e);
	return message_new(id, o);
}

struct tsr_ctl_reader {
	size_t max_body;
	uint8_t header[TSR_CTL_HEADER_SIZE];
	size_t header_got;
	uint8_t *body;
	size_t body_len;
	size_t body_got;
	bool complete;
};

struct tsr_ctl_reader *tsr_ctl_reader_create(size_t max_body)
{
	struct tsr_ctl_reader *r = g_new0(struct tsr_ctl_reader, 1);

	r->max_body = max_body;
	return r;
}

void tsr_ctl_reader_destroy(struct tsr_ctl_reader *reader)
{
	if (!reader)
		return;
	g_free(reader->body);
	g_free(reader);
}

void tsr_ctl_reader_reset(struct tsr_ctl_reader *reader)
{
	g_clear_pointer(&reader->body, g_free);
	reader->header_got = 0;
	reader->body_len = 0;
	reader->body_got = 0;
	reader->complete = false;
}

bool tsr_ctl_reader_partial(const struct tsr_ctl_reader *reader)
{
	return !reader->complete && reader->header_got > 0;
}

enum tsr_ctl_read_result tsr_ctl_reader_feed(struct tsr_ctl_reader *reader, const void *data,
					     size_t len, size_t *consumed, GError **error)
{
	const uint8_t *p = data;
	size_t used = 0;

	if (reader->complete)
		tsr_ctl_reader_reset(reader);
	while (reader->header_got < TSR_CTL_HEADER_SIZE && used < len)
		reader->header[reader->header_got++] = p[used++];
	if (reader->header_got < TSR_CTL_HEADER_SIZE) {
		*consumed = used;
		return TSR_CTL_READ_MORE;
	}
	if (!reader->body) {
		uint32_t n = (uint32_t)reader->header[0] << 24 | (uint32_t)reader->header[1] << 16 |
			     (uint32_t)reader->header[2] << 8 | reader->header[3];

		if (n == 0) {
			g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED,
				    "message with an empty body");
			*consumed = used;
			return TSR_CTL_READ_ERROR;
		}
		if (n > reader->max_body) {
			g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_TOO_LARGE,
				    "message of %u bytes is over the limit of %zu", n,
				    reader->max_body);
			*consumed = used;
			return TSR_CTL_READ_ERROR;
		}
		reader->body_len = n;
		reader->body = g_malloc(n);
	}
	size_t take = MIN(len - used, reader->body_len - reader->body_got);
	memcpy(reader->body + reader->body_got, p + used, take);
	reader->body_got += take;
	used += take;
	*consumed = used;
	if (reader->body_got < reader->body_len)
		return TSR_CTL_READ_MORE;
	reader->complete = true;
	return TSR_CTL_READ_MESSAGE;
}

const void *tsr_ctl_reader_body(const struct tsr_ctl_reader *reader, size_t *len)
{
	*len = reader->complete ? reader->body_len : 0;
	return reader->complete ? reader->body : NULL;
}
