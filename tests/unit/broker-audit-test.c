/* Audit log: one JSON object per line with time, seq and event; secret-looking fields are
 * refused and leave the file untouched; rotation by size keeps KEEP old files and drops the
 * oldest; a reopened log continues the sequence; reading filters by time. */
#include "config.h"
#include "broker/audit.h"

#include <glib/gstdio.h>
#include <string.h>

struct fixture {
	char *dir;
	struct tsr_fake_clock *clock;
};

static void setup(struct fixture *f, gconstpointer unused)
{
	f->dir = g_dir_make_tmp("tsr-audit-XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	f->clock = tsr_fake_clock_create(1700000000LL * G_USEC_PER_SEC);
}

static void teardown(struct fixture *f, gconstpointer unused)
{
	g_autoptr(GDir) d = g_dir_open(f->dir, 0, NULL);
	const char *name;
	while ((name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(f->dir, name, NULL);
		g_unlink(p);
	}
	g_rmdir(f->dir);
	g_free(f->dir);
	tsr_fake_clock_destroy(f->clock);
}

static char *read_log(struct fixture *f, const char *name)
{
	g_autofree char *p = g_build_filename(f->dir, name, NULL);
	char *text = NULL;
	if (!g_file_get_contents(p, &text, NULL, NULL))
		return NULL;
	return text;
}

static void test_lines(struct fixture *f, gconstpointer unused)
{
	g_autoptr(GError) error = NULL;
	struct tsr_audit *a = tsr_audit_open(f->dir, 0, 0, tsr_fake_clock_get(f->clock), &error);

	g_assert_no_error(error);
	g_assert_true(tsr_audit_log(a, "login", "user", "alice", "result", "ok", NULL));
	g_assert_true(tsr_audit_log(a, "note", "text", "line\nbreak \"quoted\"", NULL));
	g_autofree char *text = read_log(f, "audit.log");
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 3); /* two lines and the empty rest */
	g_assert_cmpstr(lines[2], ==, "");
	g_autoptr(JsonParser) p = json_parser_new();
	g_assert_true(json_parser_load_from_data(p, lines[0], -1, NULL));
	JsonObject *o = json_node_get_object(json_parser_get_root(p));
	g_assert_cmpstr(json_object_get_string_member(o, "event"), ==, "login");
	g_assert_cmpstr(json_object_get_string_member(o, "user"), ==, "alice");
	g_assert_cmpstr(json_object_get_string_member(o, "time"), ==, "2023-11-14T22:13:20Z");
	g_assert_cmpint(json_object_get_int_member(o, "seq"), ==, 1);
	g_assert_true(json_parser_load_from_data(p, lines[1], -1, NULL));
	o = json_node_get_object(json_parser_get_root(p));
	g_assert_cmpstr(json_object_get_string_member(o, "text"), ==, "line\nbreak \"quoted\"");
	tsr_audit_close(a);

	/* The mode is 0600. */
	GStatBuf st;
	g_autofree char *path = g_build_filename(f->dir, "audit.log", NULL);
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
}

static void test_secret_refused(struct fixture *f, gconstpointer unused)
{
	g_autoptr(GError) error = NULL;
	struct tsr_audit *a = tsr_audit_open(f->dir, 0, 0, tsr_fake_clock_get(f->clock), &error);
	static const char *const names[] = { "password", "Passphrase", "pin", "secret_key",
					     "password_hash", "token" };

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		g_assert_true(tsr_audit_field_forbidden(names[i]));
		g_assert_false(tsr_audit_log(a, "login", "user", "bob", names[i], "hunter2", NULL));
	}
	/* Reserved names cannot be overwritten either. */
	g_assert_false(tsr_audit_log(a, "login", "event", "other", NULL));
	g_assert_cmpuint(tsr_audit_current_size(a), ==, 0);
	g_autofree char *text = read_log(f, "audit.log");
	g_assert_cmpstr(text, ==, "");
	g_assert_false(tsr_audit_field_forbidden("user"));
	tsr_audit_close(a);
}

static void test_rotation(struct fixture *f, gconstpointer unused)
{
	g_autoptr(GError) error = NULL;
	struct tsr_audit *a = tsr_audit_open(f->dir, 1000, 2, tsr_fake_clock_get(f->clock), &error);
	bool truncated;

	for (int i = 0; i < 60; i++) {
		g_autofree char *n = g_strdup_printf("%d", i);
		tsr_fake_clock_advance(f->clock, G_USEC_PER_SEC);
		g_assert_true(tsr_audit_log(a, "tick", "n", n, NULL));
		g_assert_cmpuint(tsr_audit_current_size(a), <=, 1000);
	}
	g_autofree char *l1 = read_log(f, "audit.log.1");
	g_autofree char *l2 = read_log(f, "audit.log.2");
	g_autofree char *l3 = read_log(f, "audit.log.3");
	g_assert_nonnull(l1);
	g_assert_nonnull(l2);
	g_assert_null(l3);

	/* What is left is contiguous, oldest first, and ends with the last event. */
	JsonArray *all = tsr_audit_read(a, 0, 1000, &truncated);
	guint n = json_array_get_length(all);
	g_assert_cmpuint(n, >, 10);
	g_assert_cmpuint(n, <, 60);
	g_assert_false(truncated);
	for (guint i = 1; i < n; i++)
		g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(all, i), "seq"),
				==,
				json_object_get_int_member(json_array_get_object_element(all, i - 1),
							   "seq") + 1);
	g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(all, n - 1), "seq"),
			==, 60);
	json_array_unref(all);

	/* since: only the last 5 seconds' events. */
	int64_t now = tsr_clock_now_us(tsr_fake_clock_get(f->clock));
	all = tsr_audit_read(a, now - 4 * G_USEC_PER_SEC, 1000, &truncated);
	g_assert_cmpuint(json_array_get_length(all), ==, 5);
	json_array_unref(all);
	/* max: the newest kept. */
	all = tsr_audit_read(a, 0, 3, &truncated);
	g_assert_true(truncated);
	g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(all, 2), "seq"), ==,
			60);
	json_array_unref(all);
	tsr_audit_close(a);

	/* Reopened: the sequence continues. */
	a = tsr_audit_open(f->dir, 1000, 2, tsr_fake_clock_get(f->clock), &error);
	g_assert_true(tsr_audit_log(a, "tick", NULL));
	all = tsr_audit_read(a, 0, 1, &truncated);
	g_assert_cmpint(json_object_get_int_member(json_array_get_object_element(all, 0), "seq"), ==,
			61);
	json_array_unref(all);
	tsr_audit_close(a);
}

static void test_open_refused(struct fixture *f, gconstpointer unused)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *file = g_build_filename(f->dir, "plain", NULL);
	g_assert_true(g_file_set_contents(file, "x", 1, NULL));
	g_autofree char *under = g_build_filename(file, "audit", NULL);
	g_assert_null(tsr_audit_open(under, 0, 0, tsr_fake_clock_get(f->clock), &error));
	g_assert_nonnull(error);
	g_assert_nonnull(strstr(error->message, under));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/broker/audit/json-lines", struct fixture, NULL, setup, test_lines, teardown);
	g_test_add("/broker/audit/secret-fields-refused", struct fixture, NULL, setup,
		   test_secret_refused, teardown);
	g_test_add("/broker/audit/rotation-and-read", struct fixture, NULL, setup, test_rotation,
		   teardown);
	g_test_add("/broker/audit/open-refused", struct fixture, NULL, setup, test_open_refused,
		   teardown);
	return g_test_run();
}
