/* audit-verify against logs the broker's own writer (broker/audit.c) made: an intact chain
 * across rotation and restarts passes and ends at the last line's hash; a line changed,
 * removed or reordered is refused with the kind and the line named; a line a crash tore passes
 * only with the broker's audit-torn record after it, never with a forged one; --head must be a
 * line of the log and --from what its first line continues. */
#include "config.h"
#include "broker/audit.h"
#include "provisioning/audit-verify.h"
#include "tests/harness/in-child.h"
#include "tests/harness/tree.h"

#include <signal.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <string.h>

struct fixture {
	char *dir;
	struct tsr_fake_clock *clock;
	char *text; /* audit.log as read back */
};

static void setup(struct fixture *f, gconstpointer unused)
{
	f->dir = g_dir_make_tmp("tsr-auditv-XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	f->clock = tsr_fake_clock_create(1700000000LL * G_USEC_PER_SEC);
}

static void teardown(struct fixture *f, gconstpointer unused)
{
	g_assert_true(tsr_test_remove_tree(f->dir));
	g_free(f->dir);
	g_free(f->text);
	tsr_fake_clock_destroy(f->clock);
}

/* n events through a freshly opened writer (which resumes the chain), max_bytes per file. */
static void write_events(struct fixture *f, unsigned n, uint64_t max_bytes)
{
	g_autoptr(GError) error = NULL;
	struct tsr_audit *a = tsr_audit_open(f->dir, max_bytes, 8,
					     tsr_fake_clock_get(f->clock), &error);

	g_assert_no_error(error);
	for (unsigned i = 0; i < n; i++) {
		g_autofree char *user = g_strdup_printf("user%u", i);
		g_assert_true(tsr_audit_log(a, "login", "user", user, "result", "ok", NULL));
		tsr_fake_clock_advance(f->clock, G_USEC_PER_SEC);
	}
	tsr_audit_close(a);
}

static char *path_of(struct fixture *f, const char *name)
{
	return g_build_filename(f->dir, name, NULL);
}

/* audit.log read back into f->text. */
static GStrv lines_of_log(struct fixture *f)
{
	g_autofree char *p = path_of(f, "audit.log");

	g_clear_pointer(&f->text, g_free);
	g_assert_true(g_file_get_contents(p, &f->text, NULL, NULL));
	return g_strsplit(f->text, "\n", -1);
}

/* Verify text as one file named audit.log. */
static bool verify_text(const char *text, const char *head, const char *from,
			struct tsr_audit_verify_result *r, GError **error)
{
	struct tsr_audit_file file = { "audit.log", text, strlen(text) };

	return tsr_audit_verify(&file, 1, head, from, r, error);
}

/* The lines joined again without line k (0-based). */
static char *without_line(GStrv l, unsigned k)
{
	g_autoptr(GString) s = g_string_new(NULL);

	for (unsigned i = 0; l[i]; i++)
		if (i != k && l[i][0])
			g_string_append_printf(s, "%s\n", l[i]);
	return g_string_free(g_steal_pointer(&s), FALSE);
}

static void refused(const char *text, int code, const char *names)
{
	g_autoptr(GError) error = NULL;
	struct tsr_audit_verify_result r = { .lines = 12345 };

	g_assert_false(verify_text(text, NULL, NULL, &r, &error));
	g_assert_error(error, TSR_AUDIT_VERIFY_ERROR, code);
	g_test_message("%s", error->message);
	g_assert_nonnull(strstr(error->message, names));
	g_assert_cmpuint(r.lines, ==, 12345); /* untouched */
}

static void test_intact(struct fixture *f, gconstpointer unused)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
	struct tsr_audit_file files[9];
	struct tsr_audit_verify_result r;
	size_t n = 0, lines = 0;
	char last[TSR_AUDIT_CHAIN_HEX + 1];

	write_events(f, 20, 1200); /* rotates every few lines */
	write_events(f, 7, 1200);  /* a restart: the chain resumes */
	for (int i = 8; i >= 0; i--) {
		g_autofree char *name = i ? g_strdup_printf("audit.log.%d", i) : g_strdup("audit.log");
		g_autofree char *p = path_of(f, name);
		char *text;
		gsize len;

		if (!g_file_get_contents(p, &text, &len, NULL))
			continue;
		g_ptr_array_add(texts, text);
		files[n++] = (struct tsr_audit_file){ g_intern_string(name), text, len };
		for (gsize k = 0; k < len; k++)
			lines += text[k] == '\n';
	}
	g_assert_cmpuint(n, >, 3);
	g_assert_cmpuint(lines, ==, 27);
	g_assert_true(tsr_audit_verify(files, n, NULL, NULL, &r, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(r.lines, ==, 27);
	g_assert_cmpuint(r.torn, ==, 0);
	g_assert_cmpstr(r.from, ==, TSR_AUDIT_CHAIN_START);
	const char *t = files[n - 1].data;
	size_t tl = files[n - 1].len - 1, s = tl;
	while (s > 0 && t[s - 1] != '\n')
		s--;
	tsr_audit_chain_hash(t + s, tl - s, last);
	g_assert_cmpstr(r.head, ==, last);

	/* The newest file alone continues what the older ones ended at. */
	struct tsr_audit_verify_result older;
	g_assert_true(tsr_audit_verify(files, n - 1, NULL, NULL, &older, &error));
	g_assert_true(tsr_audit_verify(files + n - 1, 1, NULL, older.head, &r, &error));
	g_assert_false(tsr_audit_verify(files + n - 1, 1, NULL, TSR_AUDIT_CHAIN_START, &r, &error));
	g_assert_error(error, TSR_AUDIT_VERIFY_ERROR, TSR_AUDIT_VERIFY_FROM);
}

static void test_changed(struct fixture *f, gconstpointer unused)
{
	write_events(f, 8, 0);
	g_auto(GStrv) l = lines_of_log(f);
	g_autofree char *five = l[4];
	l[4] = g_strdup(five);
	memcpy(strstr(l[4], "user4"), "userX", 5);
	g_autofree char *text = g_strjoinv("\n", l);
	refused(text, TSR_AUDIT_VERIFY_CHANGED, "audit.log:5 changed");

	/* Its seq alone. */
	g_free(l[4]);
	l[4] = g_strdup(five);
	memcpy(strstr(l[4], "\"seq\":5"), "\"seq\":6", 7);
	g_autofree char *text2 = g_strjoinv("\n", l);
	refused(text2, TSR_AUDIT_VERIFY_CHANGED, "audit.log:5 changed");
}

static void test_removed(struct fixture *f, gconstpointer unused)
{
	write_events(f, 8, 0);
	g_auto(GStrv) l = lines_of_log(f);
	g_autofree char *text = without_line(l, 4);
	refused(text, TSR_AUDIT_VERIFY_REMOVED, "1 line(s) removed between audit.log:4 and audit.log:5");
}

static void test_reordered(struct fixture *f, gconstpointer unused)
{
	write_events(f, 8, 0);
	g_auto(GStrv) l = lines_of_log(f);
	char *t = l[4];
	l[4] = l[5];
	l[5] = t;
	g_autofree char *text = g_strjoinv("\n", l);
	refused(text, TSR_AUDIT_VERIFY_REORDERED, "audit.log:5 is out of order");
}

/* A crash tore the last line: the next broker finishes it, records audit-torn, and the check
 * passes; the same line without that record (or with a record someone wrote) does not. */
static void test_torn(struct fixture *f, gconstpointer unused)
{
	g_autoptr(GError) error = NULL;
	struct tsr_audit_verify_result r;
	g_autofree char *p = path_of(f, "audit.log");

	write_events(f, 4, 0);
	FILE *out = fopen(p, "a");
	g_assert_nonnull(out);
	fputs("{\"time\":\"2023-11-14T22:13:24Z\",\"ts\":17000", out); /* 41 bytes, then the crash */
	fclose(out);
	write_events(f, 2, 0);
	g_auto(GStrv) l = lines_of_log(f);
	g_assert_cmpuint(g_strv_length(l), ==, 9);
	g_assert_nonnull(strstr(l[5], "\"event\":\"audit-torn\",\"torn\":41"));
	g_assert_nonnull(strstr(l[5], "\"seq\":5"));
	g_assert_true(verify_text(f->text, NULL, NULL, &r, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(r.torn, ==, 1);
	g_assert_cmpuint(r.lines, ==, 8);

	/* Without the broker's record, the torn line is refused. */
	g_autofree char *text = without_line(l, 5);
	refused(text, TSR_AUDIT_VERIFY_MALFORMED, "audit.log:5 is not a chained audit line");
}

/* A write cut short while the broker runs (here a file size limit; a full disk alike): the
 * event is refused, and the next one first finishes the piece and records audit-torn. In a
 * child: the limit is the process's. */
static char *short_write_dir;

static int short_write_child(void)
{
	struct tsr_fake_clock *clock = tsr_fake_clock_create(1700000000LL * G_USEC_PER_SEC);
	struct tsr_audit *a = tsr_audit_open(short_write_dir, 0, 2, tsr_fake_clock_get(clock),
					     NULL);
	struct rlimit old, lim;
	struct stat st;
	bool ok;

	if (!a || !tsr_audit_log(a, "login", "user", "alice", NULL) ||
	    !tsr_audit_log(a, "pick", "domain", "work", NULL))
		return 1;
	g_autofree char *p = g_build_filename(short_write_dir, "audit.log", NULL);
	if (stat(p, &st) < 0 || getrlimit(RLIMIT_FSIZE, &old) < 0)
		return 2;
	signal(SIGXFSZ, SIG_IGN);
	lim = (struct rlimit){ (rlim_t)st.st_size + 30, old.rlim_max };
	if (setrlimit(RLIMIT_FSIZE, &lim) < 0)
		return 3;
	ok = tsr_audit_log(a, "logout", "user", "alice", NULL); /* 30 bytes of it land */
	if (setrlimit(RLIMIT_FSIZE, &old) < 0)
		return 4;
	if (ok || !tsr_audit_log(a, "login", "user", "bob", NULL))
		return 5;
	tsr_audit_close(a);
	tsr_fake_clock_destroy(clock);
	return 0;
}

static void test_short_write(struct fixture *f, gconstpointer unused)
{
	g_autoptr(GError) error = NULL;
	struct tsr_audit_verify_result r;

	short_write_dir = f->dir;
	g_assert_cmpint(tsr_test_in_child(short_write_child), ==, 0);
	g_auto(GStrv) l = lines_of_log(f);
	g_assert_cmpuint(g_strv_length(l), ==, 6);
	g_assert_cmpuint(strlen(l[2]), ==, 30);
	g_assert_nonnull(strstr(l[3], "\"event\":\"audit-torn\",\"torn\":30"));
	g_assert_nonnull(strstr(l[4], "\"user\":\"bob\""));
	g_assert_true(verify_text(f->text, NULL, NULL, &r, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(r.torn, ==, 1);
}

/* Someone replaces line 3 with a torn-looking piece and a record of their own that says so:
 * the record does not hash to what line 4 holds. */
static void test_forged_torn(struct fixture *f, gconstpointer unused)
{
	write_events(f, 6, 0);
	g_auto(GStrv) l = lines_of_log(f);
	g_autofree char *forged = NULL;
	g_autoptr(GString) s = g_string_new(NULL);
	char prev[TSR_AUDIT_CHAIN_HEX + 1];

	tsr_audit_chain_hash(l[1], strlen(l[1]), prev);
	forged = g_strdup_printf("{\"time\":\"x\",\"ts\":1,\"seq\":3,\"prev\":\"%s\","
				 "\"event\":\"audit-torn\",\"torn\":4}", prev);
	for (unsigned i = 0; l[i]; i++) {
		if (i == 2)
			g_string_append_printf(s, "{\"ti\n%s\n", forged);
		else if (l[i][0])
			g_string_append_printf(s, "%s\n", l[i]);
	}
	refused(s->str, TSR_AUDIT_VERIFY_CHANGED, "audit.log:4 changed");
}

static void test_head(struct fixture *f, gconstpointer unused)
{
	g_autoptr(GError) error = NULL;
	struct tsr_audit_verify_result r;

	write_events(f, 6, 0);
	g_auto(GStrv) l = lines_of_log(f);
	g_assert_true(verify_text(f->text, NULL, NULL, &r, &error));
	char reported[TSR_AUDIT_CHAIN_HEX + 1];
	memcpy(reported, r.head, sizeof(reported));
	g_assert_true(verify_text(f->text, reported, NULL, &r, &error));

	/* The last two lines cut: the chain alone cannot tell, the reported head can. */
	g_free(l[4]);
	l[4] = g_strdup("");
	for (guint i = 5; l[i]; i++)
		g_free(l[i]);
	l[5] = NULL;
	g_autofree char *cut = g_strjoinv("\n", l);
	g_assert_true(verify_text(cut, NULL, NULL, &r, &error));
	g_assert_false(verify_text(cut, reported, NULL, &r, &error));
	g_assert_error(error, TSR_AUDIT_VERIFY_ERROR, TSR_AUDIT_VERIFY_HEAD);
}

static void test_malformed(struct fixture *f, gconstpointer unused)
{
	static const char *const bad[] = {
		"not json\n", "[1,2]\n", "{\"seq\":1,\"prev\":\"short\"}\n",
		"{\"seq\":\"1\",\"prev\":\"" TSR_AUDIT_CHAIN_START "\"}\n", "\n",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		refused(bad[i], TSR_AUDIT_VERIFY_MALFORMED, "audit.log:1 is not a chained");
}

#define CASE(name, fn) \
	g_test_add("/provisioning/audit-verify/" name, struct fixture, NULL, setup, fn, teardown)

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	CASE("intact-across-rotation-and-restart", test_intact);
	CASE("changed-line-refused", test_changed);
	CASE("removed-line-refused", test_removed);
	CASE("reordered-lines-refused", test_reordered);
	CASE("torn-line-the-broker-recorded-passes", test_torn);
	CASE("short-write-recorded-passes", test_short_write);
	CASE("forged-torn-record-refused", test_forged_torn);
	CASE("reported-head-must-be-in-the-log", test_head);
	CASE("malformed-line-refused", test_malformed);
	return g_test_run();
}
