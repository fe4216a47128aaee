/* tests/unit/policy-enrol-test.c: the enrolment file's parser and checks (policy/enrol.h).
 *
 * The file comes from a USB stick anyone may plug into a laptop that is not enrolled: each
 * malformed variant of a well-formed file must be refused with a message naming what is
 * wrong, and the checks after parsing must refuse an unsigned bundle, a bundle for another
 * organization or group, and a root the image does not pin. The signed, accepted case is
 * tests/integration/enrol-disk-test.sh (real keys made by tessera-provision). */
#include "policy/enrol.h"

#include <string.h>

#define ROOT_A "0101010101010101010101010101010101010101010101010101010101010101"
#define ROOT_B "0202020202020202020202020202020202020202020202020202020202020202"

/* An unsigned bundle for org/group, as tessera-provision build writes one. */
static char *unsigned_bundle(const char *org, const char *group, size_t *len)
{
	struct tsr_bundle b = {.organization = (char *)org, .group = (char *)group, .serial = 1,
	                       .valid_from = 1, .valid_until = 2, .content = (char *)"x\n",
	                       .content_len = 2};
	return tsr_bundle_serialize(&b, len);
}

static GString *file_with(const char *org, const char *group, const char *roots)
{
	size_t blen = 0;
	g_autofree char *bundle = unsigned_bundle(org, group, &blen);
	GString *s = g_string_new(TSR_ENROL_CONTEXT "\n");
	g_string_append_printf(s, "organization %s\ngroup %s\n%sbundle %zu\n", org, group, roots,
	                       blen);
	g_string_append_len(s, bundle, (gssize)blen);
	return s;
}

static void test_parse_round_trip(void)
{
	g_autoptr(GString) s = file_with("example-org", "office", "root " ROOT_A "\nroot " ROOT_B "\n");
	GError *error = NULL;
	struct tsr_enrol *e = tsr_enrol_parse(s->str, s->len, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(e->organization, ==, "example-org");
	g_assert_cmpstr(e->group, ==, "office");
	g_assert_cmpuint(e->n_roots, ==, 2);
	g_assert_cmpuint(e->roots[1][31], ==, 2);
	size_t n = 0;
	g_autofree char *again = tsr_enrol_serialize(e, &n);
	g_assert_cmpmem(again, n, s->str, s->len);
	g_autofree char *trust = tsr_enrol_trust_text(e, &n);
	g_assert_nonnull(strstr(trust, "organization example-org\ngroup office\nroot " ROOT_A "\n"));
	tsr_enrol_free(e);
}

struct bad {
	const char *what, *from, *to, *message;
};

/* Each case edits the well-formed file once; the parser must refuse it naming the field. */
static const struct bad bad_cases[] = {
	{"wrong context", "tessera-enrol-v1\n", "tessera-enrol-v2\n", "first line must be"},
	{"bundle first", "organization example-org\n", "bundle 3\n", "expected 'organization"},
	{"name with a slash", "group office\n", "group off/ice\n", "not a valid name"},
	{"upper-case hex", "root 01", "root 0A", "lower-case hex"},
	{"short root", "root " ROOT_A, "root 0101", "lower-case hex"},
	{"no root", "root " ROOT_A "\n", "", "names no root key"},
	{"five roots", "root " ROOT_A "\n",
	 "root " ROOT_A "\nroot " ROOT_A "\nroot " ROOT_A "\nroot " ROOT_A "\nroot " ROOT_A "\n",
	 "more than 4 root keys"},
	{"length with a sign", "bundle ", "bundle +", "not a decimal number"},
	{"length with a leading zero", "bundle ", "bundle 0", "not a decimal number"},
	{"space in a value", "organization example-org", "organization example org",
	 "non-printable or space"},
};

static void test_parse_refuses(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
		const struct bad *c = &bad_cases[i];
		g_autoptr(GString) s = file_with("example-org", "office", "root " ROOT_A "\n");
		g_test_message("case: %s", c->what);
		g_assert_cmpuint(g_string_replace(s, c->from, c->to, 1), ==, 1);
		GError *error = NULL;
		g_assert_null(tsr_enrol_parse(s->str, s->len, &error));
		g_assert_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_FORMAT);
		if (!strstr(error->message, c->message))
			g_error("%s: '%s' does not say '%s'", c->what, error->message, c->message);
		g_error_free(error);
	}
}

static void test_parse_bounds(void)
{
	g_autoptr(GString) s = file_with("example-org", "office", "root " ROOT_A "\n");
	GError *error = NULL;
	/* Truncated at every length, and one byte too many. */
	for (size_t n = 0; n < s->len; n++) {
		g_assert_null(tsr_enrol_parse(s->str, n, &error));
		g_assert_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_FORMAT);
		g_clear_error(&error);
	}
	g_string_append_c(s, '\n');
	g_assert_null(tsr_enrol_parse(s->str, s->len, &error));
	g_assert_nonnull(strstr(error->message, "1 unexpected bytes after its end"));
	g_clear_error(&error);
	/* Past the cap before a byte is looked at. */
	g_assert_null(tsr_enrol_parse(s->str, TSR_ENROL_FILE_MAX + 1, &error));
	g_assert_nonnull(strstr(error->message, "too large"));
	g_clear_error(&error);
}

static void check_verify(GString *s, const uint8_t (*pins)[32], size_t n_pins, int code,
                         const char *message)
{
	GError *error = NULL;
	struct tsr_enrol *e = tsr_enrol_parse(s->str, s->len, &error);
	g_assert_no_error(error);
	g_assert_false(tsr_enrol_verify(e, pins, n_pins, &error));
	g_assert_error(error, TSR_BUNDLE_ERROR, code);
	g_assert_nonnull(strstr(error->message, message));
	g_error_free(error);
	tsr_enrol_free(e);
}

static void test_verify_refuses(void)
{
	static const uint8_t pin_b[1][32] = {{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	                                      2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}};
	g_autoptr(GString) ok = file_with("example-org", "office", "root " ROOT_B "\n");
	check_verify(ok, NULL, 0, TSR_BUNDLE_ERROR_UNSIGNED, "not signed");
	check_verify(ok, pin_b, 1, TSR_BUNDLE_ERROR_UNSIGNED, "not signed");
	g_autoptr(GString) a = file_with("example-org", "office", "root " ROOT_A "\n");
	check_verify(a, pin_b, 1, TSR_BUNDLE_ERROR_NOT_PINNED, "not one this laptop's image pins");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/policy/enrol/parse-round-trip", test_parse_round_trip);
	g_test_add_func("/policy/enrol/malformed-refused-naming-the-field", test_parse_refuses);
	g_test_add_func("/policy/enrol/truncated-trailing-and-oversized-refused", test_parse_bounds);
	g_test_add_func("/policy/enrol/unsigned-and-unpinned-refused", test_verify_refuses);
	return g_test_run();
}
