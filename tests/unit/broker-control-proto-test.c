/* Control protocol parser: good requests parse; every kind of bad message (malformed, wrong
 * version, oversized, too deep, too many values, truncated) is refused with a message naming
 * what was wrong, and nothing of it is kept. */
#include "config.h"
#include "proto/control.h"

#include <string.h>

static bool parse(const char *text, struct tsr_ctl_request *req, GError **error)
{
	return tsr_ctl_request_parse(text, strlen(text), req, error);
}

static void expect_refused(const char *text, int code, const char *needle)
{
	struct tsr_ctl_request req = { .id = -7 };
	g_autoptr(GError) error = NULL;

	g_assert_false(parse(text, &req, &error));
	g_assert_error(error, TSR_CTL_ERROR, code);
	if (needle && !strstr(error->message, needle))
		g_error("message \"%s\" does not mention \"%s\"", error->message, needle);
	/* Nothing was filled in. */
	g_assert_cmpint(req.id, ==, -7);
	g_assert_null(req.args);
}

static void test_request_good(void)
{
	struct tsr_ctl_request req = { 0 };
	g_autoptr(GError) error = NULL;

	g_assert_true(parse("{\"version\":1,\"id\":42,\"command\":\"start\",\"args\":{\"name\":\"work\"}}",
			    &req, &error));
	g_assert_no_error(error);
	g_assert_cmpint(req.id, ==, 42);
	g_assert_cmpstr(req.command, ==, "start");
	g_assert_cmpstr(json_object_get_string_member(req.args, "name"), ==, "work");
	tsr_ctl_request_clear(&req);
	g_assert_null(req.args);

	/* args is optional and then an empty object. */
	g_assert_true(parse("{\"version\":1,\"id\":0,\"command\":\"status\"}", &req, &error));
	g_assert_cmpuint(json_object_get_size(req.args), ==, 0);
	tsr_ctl_request_clear(&req);
}

static void test_request_malformed(void)
{
	expect_refused("", TSR_CTL_ERROR_MALFORMED, "empty");
	expect_refused("{\"version\":1,", TSR_CTL_ERROR_MALFORMED, "ends inside");
	expect_refused("[1,2]", TSR_CTL_ERROR_MALFORMED, "not a JSON object");
	expect_refused("{\"version\":1,\"id\":1,\"command\":\"x\"} trailing", TSR_CTL_ERROR_MALFORMED,
		       "JSON");
	expect_refused("{\"version\":1,\"id\":1}", TSR_CTL_ERROR_MALFORMED, "command");
	expect_refused("{\"version\":1,\"command\":\"status\"}", TSR_CTL_ERROR_MALFORMED, "id");
	expect_refused("{\"version\":1,\"id\":\"1\",\"command\":\"status\"}", TSR_CTL_ERROR_MALFORMED,
		       "integer");
	expect_refused("{\"version\":1,\"id\":-1,\"command\":\"status\"}", TSR_CTL_ERROR_MALFORMED,
		       "negative");
	expect_refused("{\"version\":1,\"id\":1,\"command\":\"Status\"}", TSR_CTL_ERROR_MALFORMED,
		       "a-z");
	expect_refused("{\"version\":1,\"id\":1,\"command\":\"status\",\"args\":[]}",
		       TSR_CTL_ERROR_MALFORMED, "args");
	expect_refused("{\"version\":1,\"id\":1,\"command\":\"status\",\"extra\":1}",
		       TSR_CTL_ERROR_MALFORMED, "unknown member");
	expect_refused("{\"version\":1,\"id\":1,\"command\":\"st\xff\"}", TSR_CTL_ERROR_MALFORMED,
		       "UTF-8");
	expect_refused("]{", TSR_CTL_ERROR_MALFORMED, "unbalanced");
	/* A NUL inside the body. */
	{
		static const char body[] = "{\"version\":1,\"id\":1,\"command\":\"a\0b\"}";
		struct tsr_ctl_request req = { 0 };
		g_autoptr(GError) error = NULL;
		g_assert_false(tsr_ctl_request_parse(body, sizeof(body) - 1, &req, &error));
		g_assert_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED);
	}
}

static void test_request_version(void)
{
	expect_refused("{\"version\":2,\"id\":1,\"command\":\"status\"}", TSR_CTL_ERROR_VERSION,
		       "version 2");
	expect_refused("{\"id\":1,\"command\":\"status\"}", TSR_CTL_ERROR_MALFORMED, "version");
}

static void test_request_limits(void)
{
	GString *s = g_string_new("{\"version\":1,\"id\":1,\"command\":\"status\",\"args\":{\"a\":");
	for (int i = 0; i < 10; i++)
		g_string_append_c(s, '[');
	for (int i = 0; i < 10; i++)
		g_string_append_c(s, ']');
	g_string_append(s, "}}");
	expect_refused(s->str, TSR_CTL_ERROR_TOO_LARGE, "nested");
	/* Very deep nesting: refused by the pre-scan, json-glib never recurses into it. */
	g_string_assign(s, "");
	for (int i = 0; i < 60000; i++)
		g_string_append_c(s, '[');
	expect_refused(s->str, TSR_CTL_ERROR_TOO_LARGE, "nested");

	/* Too many values. */
	g_string_assign(s, "{\"version\":1,\"id\":1,\"command\":\"status\",\"args\":{\"a\":[");
	for (int i = 0; i < TSR_CTL_MAX_NODES; i++)
		g_string_append_printf(s, "%s%d", i ? "," : "", i);
	g_string_append(s, "]}}");
	expect_refused(s->str, TSR_CTL_ERROR_TOO_LARGE, "values");

	/* Overlong string. */
	g_string_assign(s, "{\"version\":1,\"id\":1,\"command\":\"status\",\"args\":{\"a\":\"");
	for (int i = 0; i <= TSR_CTL_MAX_STRING; i++)
		g_string_append_c(s, 'x');
	g_string_append(s, "\"}}");
	expect_refused(s->str, TSR_CTL_ERROR_TOO_LARGE, "longer");

	/* Oversized body. */
	{
		struct tsr_ctl_request req = { 0 };
		g_autoptr(GError) error = NULL;
		char *big = g_malloc0(TSR_CTL_MAX_REQUEST + 1);
		memset(big, ' ', TSR_CTL_MAX_REQUEST + 1);
		g_assert_false(tsr_ctl_request_parse(big, TSR_CTL_MAX_REQUEST + 1, &req, &error));
		g_assert_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_TOO_LARGE);
		g_free(big);
	}
	g_string_free(s, TRUE);
}

static void test_encode_roundtrip(void)
{
	JsonObject *args = json_object_new();
	json_object_set_string_member(args, "name", "work \"quoted\"");
	JsonNode *n = tsr_ctl_request_new(9, "stop", args);
	g_autoptr(GError) error = NULL;
	GBytes *b = tsr_ctl_encode(n, TSR_CTL_MAX_REQUEST, &error);
	size_t len;
	const uint8_t *p = g_bytes_get_data(b, &len);
	uint32_t body = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	struct tsr_ctl_request req = { 0 };

	g_assert_cmpuint(body + 4, ==, len);
	g_assert_true(tsr_ctl_request_parse(p + 4, body, &req, &error));
	g_assert_cmpint(req.id, ==, 9);
	g_assert_cmpstr(req.command, ==, "stop");
	g_assert_cmpstr(json_object_get_string_member(req.args, "name"), ==, "work \"quoted\"");
	tsr_ctl_request_clear(&req);
	json_node_unref(n);

	/* Over the limit: refused at encoding. */
	n = tsr_ctl_request_new(1, "status", NULL);
	g_assert_null(tsr_ctl_encode(n, 8, &error));
	g_assert_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_TOO_LARGE);
	json_node_unref(n);
	g_bytes_unref(b);
}

static void test_response(void)
{
	struct tsr_ctl_response r = { 0 };
	g_autoptr(GError) error = NULL;
	JsonNode *n = tsr_ctl_response_error_new(3, TSR_CTL_ERROR_NOT_FOUND, "no domain \"x\"");
	GBytes *b = tsr_ctl_encode(n, TSR_CTL_MAX_RESPONSE, &error);
	size_t len;
	const uint8_t *p = g_bytes_get_data(b, &len);

	g_assert_true(tsr_ctl_response_parse(p + 4, len - 4, &r, &error));
	g_assert_false(r.ok);
	g_assert_cmpint(r.code, ==, TSR_CTL_ERROR_NOT_FOUND);
	g_assert_cmpstr(r.message, ==, "no domain \"x\"");
	tsr_ctl_response_clear(&r);
	g_bytes_unref(b);
	json_node_unref(n);

	static const char *bad[] = {
		"{\"version\":1,\"id\":1}",
		"{\"version\":1,\"id\":1,\"ok\":true,\"error\":{}}",
		"{\"version\":1,\"id\":1,\"ok\":false}",
		"{\"version\":1,\"id\":1,\"ok\":false,\"error\":{\"code\":\"x\"}}",
		"{\"version\":1,\"id\":1,\"ok\":true,\"result\":[]}",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_clear_error(&error);
		g_assert_false(tsr_ctl_response_parse(bad[i], strlen(bad[i]), &r, &error));
		g_assert_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED);
	}
}

static void test_reader(void)
{
	struct tsr_ctl_reader *r = tsr_ctl_reader_create(16);
	g_autoptr(GError) error = NULL;
	const uint8_t msg[] = { 0, 0, 0, 3, 'a', 'b', 'c', 0, 0 };
	size_t used, len;

	/* Byte by byte: partial until the last body byte. */
	for (size_t i = 0; i < 6; i++) {
		g_assert_cmpint(tsr_ctl_reader_feed(r, msg + i, 1, &used, &error), ==,
				TSR_CTL_READ_MORE);
		g_assert_true(tsr_ctl_reader_partial(r));
	}
	g_assert_cmpint(tsr_ctl_reader_feed(r, msg + 6, 3, &used, &error), ==,
			TSR_CTL_READ_MESSAGE);
	g_assert_cmpuint(used, ==, 1);
	g_assert_true(memcmp(tsr_ctl_reader_body(r, &len), "abc", 3) == 0);
	g_assert_cmpuint(len, ==, 3);
	tsr_ctl_reader_reset(r);
	g_assert_false(tsr_ctl_reader_partial(r));

	/* Zero length: an error. */
	g_assert_cmpint(tsr_ctl_reader_feed(r, msg + 7, 2, &used, &error), ==, TSR_CTL_READ_MORE);
	g_assert_cmpint(tsr_ctl_reader_feed(r, msg + 7, 2, &used, &error), ==, TSR_CTL_READ_ERROR);
	g_assert_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED);
	g_clear_error(&error);
	tsr_ctl_reader_reset(r);

	/* Oversized: refused from the header alone (4 GiB - 1 announced, nothing allocated). */
	const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff };
	g_assert_cmpint(tsr_ctl_reader_feed(r, huge, 4, &used, &error), ==, TSR_CTL_READ_ERROR);
	g_assert_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_TOO_LARGE);
	tsr_ctl_reader_destroy(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/broker/control-proto/request-good", test_request_good);
	g_test_add_func("/broker/control-proto/request-malformed-refused", test_request_malformed);
	g_test_add_func("/broker/control-proto/request-version-refused", test_request_version);
	g_test_add_func("/broker/control-proto/request-limits-refused", test_request_limits);
	g_test_add_func("/broker/control-proto/encode-roundtrip", test_encode_roundtrip);
	g_test_add_func("/broker/control-proto/response", test_response);
	g_test_add_func("/broker/control-proto/reader-truncated-oversized", test_reader);
	return g_test_run();
}
