/* tests/unit/provisioning-install-test.c: trust boundary 6, the laptop's installer.
 *
 * Every refusal the installer knows is provoked with a bundle that is otherwise valid, and
 * each must fail with its own error code while the state directory stays byte for byte as it
 * was. Then the install is killed at every step and the laptop must hold the old or the new
 * version, never a mix, and install again afterwards. Time is injected (opts.now), never
 * waited for. */
#include "policy/bundle.h"
#include "policy/policy.h"
#include "policy/state.h"
#include "provisioning/install.h"
#include "provisioning/keys.h"
#include "proto/control.h"
#include "tests/harness/tree.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define DAY 86400
#define T0 ((int64_t)1800000000) /* a fixed "now" for the tests */

static struct tsr_secret_key *root_key, *root2_key, *pol_a, *pol_b, *pol_c;
static char *office_content;
static size_t office_len;

/* ---- building signed material in-process ------------------------------------------------ */

static char *make_keyset(const struct tsr_secret_key *root, const char *org, uint64_t serial,
                         const struct tsr_secret_key **keys, size_t n,
                         const struct tsr_secret_key **revoked, size_t nr, size_t *len)
{
	struct tsr_keyset ks = {0};
	ks.organization = (char *)org;
	ks.serial = serial;
	memcpy(ks.root, root->pk, 32);
	ks.keys = g_malloc0(32 * (n + 1));
	ks.revoked = g_malloc0(32 * (nr + 1));
	for (size_t i = 0; i < n; i++)
		memcpy(ks.keys[i], keys[i]->pk, 32);
	for (size_t i = 0; i < nr; i++)
		memcpy(ks.revoked[i], revoked[i]->pk, 32);
	ks.n_keys = n;
	ks.n_revoked = nr;
	size_t sl = 0;
	char *text = tsr_keyset_signed_text(&ks, &sl);
	crypto_sign_detached(ks.signature, NULL, (unsigned char *)text, sl, root->sk);
	ks.is_signed = true;
	g_free(text);
	char *out = tsr_keyset_serialize(&ks, len);
	g_free(ks.keys);
	g_free(ks.revoked);
	return out;
}

struct spec {
	const struct tsr_secret_key *signer;
	const char *keyset;
	size_t keyset_len;
	const char *org, *group;
	uint64_t serial;
	int64_t from, until;
	const char *content; /* NULL: the office content (org/group rewritten to match) */
};

static char *content_for(const char *org, const char *group, size_t *len)
{
	char *s = g_strdup(office_content);
	char *t = NULL;
	char *o = g_strdup_printf("organization=%s\n", org);
	char *g = g_strdup_printf("laptop-group=%s\n", group);
	GString *str = g_string_new(s);
	g_string_replace(str, "organization=example-org\n", o, 1);
	g_string_replace(str, "laptop-group=office\n", g, 1);
	t = g_string_free(str, FALSE);
	*len = strlen(t);
	g_free(s);
	g_free(o);
	g_free(g);
	return t;
}

static char *make_bundle(const struct spec *s, size_t *len)
{
	struct tsr_bundle b = {0};
	b.organization = (char *)s->org;
	b.group = (char *)s->group;
	b.serial = s->serial;
	b.valid_from = s->from;
	b.valid_until = s->until;
	char *content = NULL;
	if (s->content) {
		content = g_strdup(s->content);
		b.content_len = strlen(content);
	} else {
		content = content_for(s->org, s->group, &b.content_len);
	}
	b.content = content;
	GError *error = NULL;
	b.keyset = tsr_keyset_parse(s->keyset, s->keyset_len, &error);
	g_assert_no_error(error);
	memcpy(b.signer, s->signer->pk, 32);
	size_t sl = 0;
	char *text = tsr_bundle_signed_text(&b, &sl);
	crypto_sign_detached(b.signature, NULL, (unsigned char *)text, sl, s->signer->sk);
	g_free(text);
	b.is_signed = true;
	char *out = tsr_bundle_serialize(&b, len);
	tsr_keyset_free(b.keyset);
	g_free(content);
	return out;
}

/* ---- a laptop ---------------------------------------------------------------------------- */

struct laptop {
	char *tmp;
	char *state;
	char *keyset1; /* A and B trusted, serial 1 */
	size_t keyset1_len;
};

static void write_trust(const char *state, const char *org, const char *group)
{
	char hex[65];
	tsr_key_hex(root_key->pk, hex);
	char *text = g_strdup_printf("organization %s\ngroup %s\nroot %s\n", org, group, hex);
	char *path = g_build_filename(state, "trusted.keys", NULL);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	g_free(path);
	g_free(text);
}

static void laptop_init(struct laptop *l, const char *state_parent)
{
	l->tmp = g_dir_make_tmp("tsr-install-XXXXXX", NULL);
	g_assert_nonnull(l->tmp);
	l->state = g_build_filename(state_parent ? state_parent : l->tmp, "state", NULL);
	g_assert_cmpint(g_mkdir_with_parents(l->state, 0755), ==, 0);
	write_trust(l->state, "example-org", "office");
	const struct tsr_secret_key *keys[] = {pol_a, pol_b};
	l->keyset1 = make_keyset(root_key, "example-org", 1, keys, 2, NULL, 0, &l->keyset1_len);
}

static void laptop_clear(struct laptop *l)
{
	tsr_test_remove_tree(l->tmp);
	g_free(l->tmp);
	g_free(l->state);
	g_free(l->keyset1);
}

/* Every path, type, symlink target and file content under dir, sorted. */
static void snapshot_into(const char *root, const char *rel, GPtrArray *out)
{
	char *dir = rel[0] ? g_build_filename(root, rel, NULL) : g_strdup(root);
	GDir *d = g_dir_open(dir, 0, NULL);
	g_assert_nonnull(d);
	for (const char *e; (e = g_dir_read_name(d));) {
		char *r = rel[0] ? g_build_filename(rel, e, NULL) : g_strdup(e);
		char *p = g_build_filename(root, r, NULL);
		struct stat st;
		g_assert_cmpint(lstat(p, &st), ==, 0);
		if (S_ISLNK(st.st_mode)) {
			char *t = g_file_read_link(p, NULL);
			g_ptr_array_add(out, g_strdup_printf("%s -> %s", r, t));
			g_free(t);
		} else if (S_ISDIR(st.st_mode)) {
			g_ptr_array_add(out, g_strdup_printf("%s/ %o", r, st.st_mode & 07777));
			snapshot_into(root, r, out);
		} else {
			char *data = NULL;
			gsize len = 0;
			g_assert_true(g_file_get_contents(p, &data, &len, NULL));
			char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data, len);
			g_ptr_array_add(out, g_strdup_printf("%s %o %zu %s", r, st.st_mode & 07777, len, sum));
			g_free(sum);
			g_free(data);
		}
		g_free(p);
		g_free(r);
	}
	g_dir_close(d);
	g_free(dir);
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *snapshot(const char *dir)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	snapshot_into(dir, "", a);
	g_ptr_array_sort(a, cmp_str);
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < a->len; i++)
		g_string_append_printf(s, "%s\n", (char *)a->pdata[i]);
	g_ptr_array_free(a, TRUE);
	return g_string_free(s, FALSE);
}

static struct tsr_install_options opts_at(const struct laptop *l, int64_t now)
{
	return (struct tsr_install_options){l->state, now, ""};
}

static void install_ok(const struct laptop *l, const char *data, size_t len, int64_t now,
                       enum tsr_install_outcome expect)
{
	struct tsr_install_options o = opts_at(l, now);
	struct tsr_install_result r;
	GError *error = NULL;
	g_assert_true(tsr_install_bundle(data, len, &o, &r, &error));
	g_assert_no_error(error);
	g_assert_cmpint(r.outcome, ==, expect);
	tsr_install_result_clear(&r);
}

/* The refusal must have this code and leave the state as it was. */
static void install_refused(const struct laptop *l, const char *data, size_t len, int64_t now,
                            int code, const char *mention)
{
	char *before = snapshot(l->state);
	struct tsr_install_options o = opts_at(l, now);
	struct tsr_install_result r;
	GError *error = NULL;
	g_assert_false(tsr_install_bundle(data, len, &o, &r, &error));
	g_assert_nonnull(error);
	g_test_message("refused: %s", error->message);
	if (code >= 0)
		g_assert_error(error, TSR_BUNDLE_ERROR, code);
	if (mention && !strstr(error->message, mention))
		g_error("'%s' does not mention '%s'", error->message, mention);
	g_error_free(error);
	char *after = snapshot(l->state);
	g_assert_cmpstr(before, ==, after);
	g_free(before);
	g_free(after);
}

static char *bundle_ab(const struct laptop *l, const struct tsr_secret_key *signer,
                       uint64_t serial, int64_t from, int64_t until, size_t *len)
{
	struct spec s = {signer, l->keyset1, l->keyset1_len, "example-org", "office", serial, from,
	                 until, NULL};
	return make_bundle(&s, len);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_round_trip(void)
{
	struct laptop l;
	laptop_init(&l, NULL);
	size_t len = 0;
	char *b = bundle_ab(&l, pol_a, 1, T0, T0 + 30 * DAY, &len);

	/* verify against the root: good; against another root: refused. */
	struct tsr_bundle *parsed = tsr_bundle_parse(b, len, NULL);
	g_assert_nonnull(parsed);
	GError *error = NULL;
	g_assert_true(tsr_bundle_verify(parsed, (const uint8_t(*)[32])root_key->pk, 1, &error));
	g_assert_no_error(error);
	g_assert_false(tsr_bundle_verify(parsed, (const uint8_t(*)[32])root2_key->pk, 1, &error));
	g_assert_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_ROOT);
	g_clear_error(&error);
	tsr_bundle_free(parsed);

	install_ok(&l, b, len, T0 + DAY, TSR_INSTALL_INSTALLED);
	struct tsr_policy *p = tsr_policy_load_installed(l.state, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(p->serial, ==, 1);
	g_assert_cmpint(p->valid_until, ==, T0 + 30 * DAY);
	g_assert_nonnull(tsr_policy_find_domain(p, "work"));
	g_assert_null(tsr_policy_find_domain(p, "lab"));
	int64_t days = 0;
	g_assert_cmpint(tsr_policy_lease_state(p, tsr_policy_state_effective_time(l.state, T0), &days),
	                ==, TSR_POLICY_LEASE_VALID);
	g_assert_cmpint(tsr_policy_state_latest_time(l.state), ==, T0 + DAY);
	tsr_policy_free(p);

	/* The same serial with the same content: success, and nothing is written. */
	char *before = snapshot(l.state);
	install_ok(&l, b, len, T0 + 2 * DAY, TSR_INSTALL_UNCHANGED);
	char *after = snapshot(l.state);
	g_assert_cmpstr(before, ==, after);

	/* A newer one: installed, the old one kept as previous. */
	size_t len2 = 0;
	char *b2 = bundle_ab(&l, pol_b, 2, T0, T0 + 30 * DAY, &len2);
	install_ok(&l, b2, len2, T0 + 2 * DAY, TSR_INSTALL_INSTALLED);
	char *cur = g_build_filename(l.state, "current", NULL);
	char *prev = g_build_filename(l.state, "previous", NULL);
	char *ct = g_file_read_link(cur, NULL), *pt = g_file_read_link(prev, NULL);
	g_assert_cmpstr(ct, ==, "versions/2");
	g_assert_cmpstr(pt, ==, "versions/1");
	g_free(ct);
	g_free(pt);
	g_free(cur);
	g_free(prev);
	g_free(before);
	g_free(after);
	g_free(b);
	g_free(b2);
	laptop_clear(&l);
}

/* A laptop with serial 5 installed at T0 + DAY, for the refusal cases. */
static void laptop_with_5(struct laptop *l)
{
	laptop_init(l, NULL);
	size_t len = 0;
	char *b = bundle_ab(l, pol_a, 5, T0, T0 + 30 * DAY, &len);
	install_ok(l, b, len, T0 + DAY, TSR_INSTALL_INSTALLED);
	g_free(b);
}

/* A laptop upgraded from a version that wrote tessera-bundle-v1: the installed v1 bundle is
 * never loaded as policy, but its serial still bounds what replaces it. */
static void test_upgrade_from_v1(void)
{
	struct laptop l;
	laptop_with_5(&l);
	/* Turn the installed bundle into what the old version wrote: the v1 context and no key
	 * set binding lines. */
	char *path = g_build_filename(l.state, "versions", "5", "bundle", NULL);
	char *data = NULL;
	gsize len = 0;
	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	GString *v1 = g_string_new_len(data, (gssize)len);
	g_string_replace(v1, "tessera-bundle-v2\n", "tessera-bundle-v1\n", 1);
	char *from = strstr(v1->str, "\nkeyset-serial ");
	char *to = from ? strstr(from, "\nsigner ") : NULL;
	g_assert_nonnull(to);
	g_string_erase(v1, from - v1->str + 1, to - from);
	g_assert_true(g_file_set_contents(path, v1->str, (gssize)v1->len, NULL));
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_installed(l.state, &error);
	g_assert_null(p);
	g_assert_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_OLD_FORMAT);
	g_clear_error(&error);
	/* An older serial is still a rollback; the next one installs. */
	size_t n = 0;
	char *b = bundle_ab(&l, pol_a, 4, T0, T0 + 30 * DAY, &n);
	install_refused(&l, b, n, T0 + 2 * DAY, TSR_BUNDLE_ERROR_SERIAL_OLD, "no rollback");
	g_free(b);
	b = bundle_ab(&l, pol_a, 6, T0, T0 + 30 * DAY, &n);
	install_ok(&l, b, n, T0 + 2 * DAY, TSR_INSTALL_INSTALLED);
	g_free(b);
	p = tsr_policy_load_installed(l.state, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(p->serial, ==, 6);
	tsr_policy_free(p);
	g_string_free(v1, TRUE);
	g_free(data);
	g_free(path);
	laptop_clear(&l);
}

static void test_flipped_bits_and_truncation(void)
{
	struct laptop l;
	laptop_with_5(&l);
	size_t len = 0;
	char *b = bundle_ab(&l, pol_a, 6, T0, T0 + 30 * DAY, &len);
	char *copy = g_memdup2(b, len);
	/* Every byte of the header, signer, signature and key set region, and a spread of the
	 * content; each of several bit positions. */
	struct tsr_bundle *parsed = tsr_bundle_parse(b, len, NULL);
	const char *binding = g_strstr_len(b, (gssize)len, "\nkeyset-serial ");
	g_assert_nonnull(binding);
	size_t content_start = (size_t)(binding + 1 - b) - parsed->content_len;
	size_t tried = 0;
	for (size_t i = 0; i < len; i += (i >= content_start + 16 && i < parsed->signed_len) ? 37 : 1) {
		for (int bit = 0; bit < 8; bit += 3) {
			copy[i] ^= (char)(1 << bit);
			install_refused(&l, copy, len, T0 + 2 * DAY, -1, NULL);
			copy[i] ^= (char)(1 << bit);
			tried++;
		}
	}
	g_test_message("%zu flipped bits refused", tried);
	g_assert_cmpuint(tried, >, 1000);
	/* Truncated anywhere. */
	for (size_t n = 0; n < len; n += (n < 200 || n > len - 300) ? 1 : 53)
		install_refused(&l, b, n, T0 + 2 * DAY, -1, NULL);
	/* Unchanged copy still installs (the loop above did not damage the laptop). */
	install_ok(&l, b, len, T0 + 2 * DAY, TSR_INSTALL_INSTALLED);
	tsr_bundle_free(parsed);
	g_free(copy);
	g_free(b);
	laptop_clear(&l);
}

/* A bundle for org's office group, signed by signer and carrying key set ks, is refused with
 * code and a message that mentions mention, and changes nothing. */
static void refused_with_keyset(const struct laptop *l, const struct tsr_secret_key *signer,
                                const char *ks, size_t kl, const char *org, int64_t now,
                                int code, const char *mention)
{
	struct spec s = {signer, ks, kl, org, "office", 6, T0, T0 + 30 * DAY, NULL};
	size_t len = 0;
	char *b = make_bundle(&s, &len);

	install_refused(l, b, len, now, code, mention);
	g_free(b);
}

static void test_refusals(void)
{
	struct laptop l;
	laptop_with_5(&l);
	size_t len = 0;
	char *b;
	int64_t now = T0 + 2 * DAY;

	/* A key the key set does not list. */
	b = bundle_ab(&l, pol_c, 6, T0, T0 + 30 * DAY, &len);
	install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_UNKNOWN_KEY, "not a policy key");
	g_free(b);

	/* A key set signed by a root this laptop does not pin. */
	{
		const struct tsr_secret_key *keys[] = {pol_a};
		size_t kl = 0;
		char *ks = make_keyset(root2_key, "example-org", 9, keys, 1, NULL, 0, &kl);
		refused_with_keyset(&l, pol_a, ks, kl, "example-org", now, TSR_BUNDLE_ERROR_ROOT,
		                    "does not trust");
		g_free(ks);
	}
	/* A revoked key: key set 2 revokes B, and B signs. */
	{
		const struct tsr_secret_key *keys[] = {pol_a, pol_b};
		const struct tsr_secret_key *rev[] = {pol_b};
		size_t kl = 0;
		char *ks = make_keyset(root_key, "example-org", 2, keys, 2, rev, 1, &kl);
		refused_with_keyset(&l, pol_b, ks, kl, "example-org", now,
		                    TSR_BUNDLE_ERROR_REVOKED_KEY, "revokes");
		g_free(ks);
	}
	/* Validly signed, but for another organization (its own key set, same root). */
	{
		const struct tsr_secret_key *keys[] = {pol_a};
		size_t kl = 0;
		char *ks = make_keyset(root_key, "other-org", 1, keys, 1, NULL, 0, &kl);
		refused_with_keyset(&l, pol_a, ks, kl, "other-org", now,
		                    TSR_BUNDLE_ERROR_ORGANIZATION, "other-org");
		g_free(ks);
	}
	/* ... another laptop group. */
	{
		struct spec s = {pol_a, l.keyset1, l.keyset1_len, "example-org", "lab", 6, T0,
		                 T0 + 30 * DAY, NULL};
		b = make_bundle(&s, &len);
		install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_GROUP, "laptop group 'lab'");
		g_free(b);
	}
	/* A signed header that disagrees with the signed content. */
	{
		size_t cl = 0;
		char *c = content_for("example-org", "lab", &cl);
		struct spec s = {pol_a, l.keyset1, l.keyset1_len, "example-org", "office", 6, T0,
		                 T0 + 30 * DAY, c};
		b = make_bundle(&s, &len);
		install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_POLICY, "signed header");
		g_free(b);
		g_free(c);
	}
	/* Signed content that is not policy. */
	{
		struct spec s = {pol_a, l.keyset1, l.keyset1_len, "example-org", "office", 6, T0,
		                 T0 + 30 * DAY, "[policy]\norganization=example-org\nlaptop-group=office\nbogus=1\n"};
		b = make_bundle(&s, &len);
		install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_POLICY, "bogus");
		g_free(b);
	}
	/* Serials: older, too far ahead, same with other content. */
	b = bundle_ab(&l, pol_a, 4, T0, T0 + 30 * DAY, &len);
	install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_SERIAL_OLD, "older than the installed");
	g_free(b);
	b = bundle_ab(&l, pol_a, 5 + 1001, T0, T0 + 30 * DAY, &len);
	install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_SERIAL_JUMP, "max-serial-jump");
	g_free(b);
	b = bundle_ab(&l, pol_a, 5, T0, T0 + 31 * DAY, &len);
	install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_SERIAL_CONFLICT, "different content");
	g_free(b);
	/* Time: expired, not yet valid (beyond the skew allowance). */
	b = bundle_ab(&l, pol_a, 6, T0 - 30 * DAY, T0 + DAY, &len);
	install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_EXPIRED, "expired");
	g_free(b);
	b = bundle_ab(&l, pol_a, 6, now + TSR_INSTALL_CLOCK_SKEW_S + 60, now + 30 * DAY, &len);
	install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_NOT_YET_VALID, "valid only from");
	g_free(b);
	/* Unsigned. */
	{
		struct tsr_bundle ub = {0};
		ub.organization = "example-org";
		ub.group = "office";
		ub.serial = 6;
		ub.content = office_content;
		ub.content_len = office_len;
		b = tsr_bundle_serialize(&ub, &len);
		install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_UNSIGNED, "not signed");
		g_free(b);
	}
	/* Wrong context. */
	b = bundle_ab(&l, pol_a, 6, T0, T0 + 30 * DAY, &len);
	b[16] = '3'; /* tessera-bundle-v3 */
	install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_FORMAT, "tessera-bundle-v2");
	/* The previous format, whose signature left the key set out, says so. */
	b[16] = '1';
	install_refused(&l, b, len, now, TSR_BUNDLE_ERROR_OLD_FORMAT, "no longer accepted");
	g_free(b);
	/* The one that is right installs. */
	b = bundle_ab(&l, pol_a, 6, T0, T0 + 30 * DAY, &len);
	install_ok(&l, b, len, now, TSR_INSTALL_INSTALLED);
	g_free(b);
	laptop_clear(&l);
}

static void test_clock_set_back(void)
{
	struct laptop l;
	laptop_init(&l, NULL);
	size_t len = 0;
	/* Installed when the clock said T0 + 20 days. */
	char *b = bundle_ab(&l, pol_a, 1, T0, T0 + 60 * DAY, &len);
	install_ok(&l, b, len, T0 + 20 * DAY, TSR_INSTALL_INSTALLED);
	g_free(b);
	/* A bundle that expired at T0 + 10 days: with the clock set back to T0 + 5 days it
	 * would look valid; the latest time seen says otherwise. */
	b = bundle_ab(&l, pol_a, 2, T0, T0 + 10 * DAY, &len);
	install_refused(&l, b, len, T0 + 5 * DAY, TSR_BUNDLE_ERROR_EXPIRED, "clock was set back");
	g_free(b);
	/* The lease too is judged at the latest time seen. */
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_installed(l.state, &error);
	g_assert_no_error(error);
	p->valid_until = T0 + 10 * DAY;
	g_assert_cmpint(tsr_policy_lease_state(p, tsr_policy_state_effective_time(l.state, T0 + 5 * DAY),
	                                       NULL),
	                ==, TSR_POLICY_LEASE_EXPIRED);
	tsr_policy_free(p);
	laptop_clear(&l);
}

static void test_key_rotation(void)
{
	struct laptop l;
	laptop_with_5(&l);
	size_t len = 0, kl = 0;
	/* Key set 2 drops A and trusts C. */
	const struct tsr_secret_key *keys[] = {pol_c};
	char *ks2 = make_keyset(root_key, "example-org", 2, keys, 1, NULL, 0, &kl);
	struct spec s = {pol_c, ks2, kl, "example-org", "office", 6, T0, T0 + 30 * DAY, NULL};
	char *b = make_bundle(&s, &len);
	install_ok(&l, b, len, T0 + 2 * DAY, TSR_INSTALL_INSTALLED);
	g_free(b);
	/* A with the old key set: the key set is older than the installed one. */
	b = bundle_ab(&l, pol_a, 7, T0, T0 + 30 * DAY, &len);
	install_refused(&l, b, len, T0 + 2 * DAY, TSR_BUNDLE_ERROR_KEYSET_OLDER, "older than");
	g_free(b);
	/* A with the new key set: rotated out. */
	struct spec s2 = {pol_a, ks2, kl, "example-org", "office", 7, T0, T0 + 30 * DAY, NULL};
	b = make_bundle(&s2, &len);
	install_refused(&l, b, len, T0 + 2 * DAY, TSR_BUNDLE_ERROR_UNKNOWN_KEY, "not a policy key");
	g_free(b);
	/* A different key set under the same serial 2. */
	const struct tsr_secret_key *keys3[] = {pol_c, pol_a};
	size_t kl3 = 0;
	char *ks3 = make_keyset(root_key, "example-org", 2, keys3, 2, NULL, 0, &kl3);
	struct spec s3 = {pol_a, ks3, kl3, "example-org", "office", 7, T0, T0 + 30 * DAY, NULL};
	b = make_bundle(&s3, &len);
	install_refused(&l, b, len, T0 + 2 * DAY, TSR_BUNDLE_ERROR_KEYSET_CONFLICT, "same serial");
	g_free(b);
	g_free(ks3);
	g_free(ks2);
	laptop_clear(&l);
}

static void test_full_disk(void)
{
	char *tmp = g_dir_make_tmp("tsr-fulldisk-XXXXXX", NULL);
	if (mount("tmpfs", tmp, "tmpfs", 0, "size=64k,mode=0755") != 0) {
		int e = errno;
		g_rmdir(tmp);
		g_free(tmp);
		g_test_skip_printf("cannot mount a tmpfs (%s): the full-disk case needs root", g_strerror(e));
		return;
	}
	struct laptop l;
	laptop_init(&l, tmp);
	size_t len = 0;
	char *b = bundle_ab(&l, pol_a, 1, T0, T0 + 30 * DAY, &len);
	install_ok(&l, b, len, T0 + DAY, TSR_INSTALL_INSTALLED);
	g_free(b);
	/* Fill the disk. */
	char *filler = g_build_filename(tmp, "filler", NULL);
	FILE *f = fopen(filler, "w");
	g_assert_nonnull(f);
	char block[4096] = {0};
	while (fwrite(block, 1, sizeof block, f) == sizeof block && fflush(f) == 0)
		;
	fclose(f);
	b = bundle_ab(&l, pol_a, 2, T0, T0 + 30 * DAY, &len);
	install_refused(&l, b, len, T0 + 2 * DAY, TSR_BUNDLE_ERROR_IO, "No space left");
	/* Space again: it installs. */
	g_unlink(filler);
	install_ok(&l, b, len, T0 + 2 * DAY, TSR_INSTALL_INSTALLED);
	g_free(b);
	g_free(filler);
	g_assert_cmpint(umount(tmp), ==, 0);
	laptop_clear(&l);
	g_rmdir(tmp);
	g_free(tmp);
}

static void test_crash_at_every_step(void)
{
	for (size_t step = 0; tsr_install_steps[step]; step++) {
		struct laptop l;
		laptop_with_5(&l);
		size_t len = 0;
		char *old = bundle_ab(&l, pol_a, 5, T0, T0 + 30 * DAY, &len);
		g_free(old);
		char *cur_path = g_build_filename(l.state, "current", "bundle", NULL);
		char *old_data = NULL;
		gsize old_len = 0;
		g_assert_true(g_file_get_contents(cur_path, &old_data, &old_len, NULL));
		char *b = bundle_ab(&l, pol_a, 6, T0, T0 + 30 * DAY, &len);

		pid_t pid = fork();
		g_assert_cmpint(pid, >=, 0);
		if (pid == 0) {
			g_setenv("TSR_PROVISION_CRASH_AT", tsr_install_steps[step], TRUE);
			struct tsr_install_options o = opts_at(&l, T0 + 2 * DAY);
			struct tsr_install_result r;
			bool ok = tsr_install_bundle(b, len, &o, &r, NULL);
			_exit(ok ? 0 : 1);
		}
		int status = 0;
		g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
		g_assert_true(WIFSIGNALED(status));
		g_assert_cmpint(WTERMSIG(status), ==, SIGKILL);

		/* Old or new, whole. */
		char *now_data = NULL;
		gsize now_len = 0;
		g_assert_true(g_file_get_contents(cur_path, &now_data, &now_len, NULL));
		bool is_old = now_len == old_len && memcmp(now_data, old_data, old_len) == 0;
		bool is_new = now_len == len && memcmp(now_data, b, len) == 0;
		g_test_message("killed at %s: laptop has the %s version", tsr_install_steps[step],
		               is_new ? "new" : "old");
		g_assert_true(is_old || is_new);
		GError *error = NULL;
		struct tsr_policy *p = tsr_policy_load_installed(l.state, &error);
		g_assert_no_error(error);
		g_assert_cmpuint(p->serial, ==, is_new ? 6 : 5);
		tsr_policy_free(p);
		/* Before the swap the old one; from the swap on the new one. */
		bool after_swap = step >= 6;
		g_assert_true(is_new == after_swap);

		/* The next install works and leaves a clean state. */
		install_ok(&l, b, len, T0 + 2 * DAY, is_new ? TSR_INSTALL_UNCHANGED : TSR_INSTALL_INSTALLED);
		size_t len7 = 0;
		char *b7 = bundle_ab(&l, pol_a, 7, T0, T0 + 30 * DAY, &len7);
		install_ok(&l, b7, len7, T0 + 2 * DAY, TSR_INSTALL_INSTALLED);
		char *snap = snapshot(l.state);
		g_assert_null(strstr(snap, ".new"));
		g_assert_nonnull(strstr(snap, "current -> versions/7"));
		g_assert_nonnull(strstr(snap, "previous -> versions/6"));
		g_assert_null(strstr(snap, "versions/5/"));
		g_free(snap);
		g_free(b7);
		g_free(now_data);
		g_free(old_data);
		g_free(cur_path);
		g_free(b);
		laptop_clear(&l);
	}
}

static void test_sealed_keys(void)
{
	char *tmp = g_dir_make_tmp("tsr-keys-XXXXXX", NULL);
	char *path = g_build_filename(tmp, "policy.secret", NULL);
	GError *error = NULL;
	g_assert_true(tsr_secret_key_save(pol_a, path, "right passphrase", &error));
	g_assert_no_error(error);
	char *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	/* The secret half is not in the file in the clear. */
	char hex[2 * 64 + 1];
	sodium_bin2hex(hex, sizeof hex, pol_a->sk, 64);
	g_assert_null(strstr(text, hex));
	struct tsr_secret_key *k = tsr_secret_key_load(path, "wrong passphrase", &error);
	g_assert_null(k);
	g_assert_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_PASSPHRASE);
	g_clear_error(&error);
	k = tsr_secret_key_load(path, "right passphrase", &error);
	g_assert_no_error(error);
	g_assert_cmpmem(k->sk, 64, pol_a->sk, 64);
	tsr_secret_key_free(k);
	g_unlink(path);
	g_free(path);
	g_free(text);
	g_rmdir(tmp);
	g_free(tmp);
}

/* A kiosk check that refuses one layout, as input/settings.c would refuse a keymap that does
 * not compile. */
static bool refuse_layout_zz(GKeyFile *file, GError **error)
{
	char *layout = g_key_file_get_string(file, "keymap", "layout", NULL);
	bool ok = !layout || strcmp(layout, "zz") != 0;
	if (!ok)
		g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_VALUE,
		            "[keymap] layout: zz does not compile");
	g_free(layout);
	return ok;
}

static void test_kiosk_check(void)
{
	struct laptop l;
	laptop_with_5(&l);
	size_t len = 0;
	size_t cl = 0;
	char *c = content_for("example-org", "office", &cl);
	GString *str = g_string_new(c);
	g_assert_cmpuint(g_string_replace(str, "layout=us,de", "layout=zz", 1), ==, 1);
	struct spec s = {pol_a, l.keyset1, l.keyset1_len, "example-org", "office", 6, T0,
	                 T0 + 30 * DAY, str->str};
	char *b = make_bundle(&s, &len);
	char *before = snapshot(l.state);
	struct tsr_install_options o = {l.state, T0 + 2 * DAY, "", refuse_layout_zz};
	struct tsr_install_result r;
	GError *error = NULL;
	g_assert_false(tsr_install_bundle(b, len, &o, &r, &error));
	g_assert_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_POLICY);
	g_assert_nonnull(strstr(error->message, "kiosk cannot use"));
	g_clear_error(&error);
	char *after = snapshot(l.state);
	g_assert_cmpstr(before, ==, after);
	/* Without the check the same bundle would have gone in. */
	install_ok(&l, b, len, T0 + 2 * DAY, TSR_INSTALL_INSTALLED);
	g_free(before);
	g_free(after);
	g_free(b);
	g_string_free(str, TRUE);
	g_free(c);
	laptop_clear(&l);
}

/* A stand-in broker: accepts one connection, checks the request with the broker's own parser,
 * answers ok. Proves the reload hook speaks the control protocol the broker serves. */
struct fake_broker {
	int listener;
	char command[64];
	bool parsed;
};

static gpointer fake_broker_run(gpointer data)
{
	struct fake_broker *fb = data;
	int fd = accept4(fb->listener, NULL, NULL, SOCK_CLOEXEC);
	g_assert_cmpint(fd, >=, 0);
	uint8_t hdr[4];
	g_assert_cmpint(recv(fd, hdr, 4, MSG_WAITALL), ==, 4);
	size_t len = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
	g_assert_cmpuint(len, <, 4096);
	char body[4096];
	g_assert_cmpint(recv(fd, body, len, MSG_WAITALL), ==, (ssize_t)len);
	struct tsr_ctl_request req;
	GError *error = NULL;
	fb->parsed = tsr_ctl_request_parse(body, len, &req, &error);
	g_assert_no_error(error);
	g_strlcpy(fb->command, req.command, sizeof fb->command);
	tsr_ctl_request_clear(&req);
	static const char reply[] = "{\"version\":1,\"id\":1,\"ok\":true,\"result\":{}}";
	uint8_t rh[4] = {0, 0, 0, sizeof reply - 1};
	g_assert_cmpint(send(fd, rh, 4, MSG_NOSIGNAL), ==, 4);
	g_assert_cmpint(send(fd, reply, sizeof reply - 1, MSG_NOSIGNAL), ==, (ssize_t)sizeof reply - 1);
	close(fd);
	return NULL;
}

static void test_broker_notified(void)
{
	struct laptop l;
	laptop_init(&l, NULL);
	size_t len = 0;
	char *b = bundle_ab(&l, pol_a, 1, T0, T0 + 30 * DAY, &len);
	char *sock = g_build_filename(l.tmp, "control.sock", NULL);

	/* No broker: installed all the same, and the result says nobody listened. */
	struct tsr_install_options o = {l.state, T0 + DAY, sock};
	struct tsr_install_result r;
	GError *error = NULL;
	g_assert_true(tsr_install_bundle(b, len, &o, &r, &error));
	g_assert_false(r.broker_notified);
	g_assert_nonnull(strstr(r.broker_message, "no broker listens"));
	tsr_install_result_clear(&r);

	struct fake_broker fb = {0};
	fb.listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	g_strlcpy(addr.sun_path, sock, sizeof addr.sun_path);
	g_assert_cmpint(bind(fb.listener, (struct sockaddr *)&addr, sizeof addr), ==, 0);
	g_assert_cmpint(listen(fb.listener, 1), ==, 0);
	GThread *t = g_thread_new("fake-broker", fake_broker_run, &fb);
	size_t len2 = 0;
	char *b2 = bundle_ab(&l, pol_a, 2, T0, T0 + 30 * DAY, &len2);
	g_assert_true(tsr_install_bundle(b2, len2, &o, &r, &error));
	g_thread_join(t);
	g_assert_true(fb.parsed);
	g_assert_cmpstr(fb.command, ==, "reload-policy");
	g_assert_true(r.broker_notified);
	tsr_install_result_clear(&r);
	close(fb.listener);
	g_unlink(sock);
	g_free(sock);
	g_free(b);
	g_free(b2);
	laptop_clear(&l);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(sodium_init(), >=, 0);
	root_key = tsr_secret_key_generate(TSR_KEY_ROLE_ROOT);
	root2_key = tsr_secret_key_generate(TSR_KEY_ROLE_ROOT);
	pol_a = tsr_secret_key_generate(TSR_KEY_ROLE_POLICY);
	pol_b = tsr_secret_key_generate(TSR_KEY_ROLE_POLICY);
	pol_c = tsr_secret_key_generate(TSR_KEY_ROLE_POLICY);
	char *dir = g_build_filename(g_getenv("TSR_SRCDIR") ? g_getenv("TSR_SRCDIR") : TSR_SRCDIR,
	                             "doc", "examples", "policy", NULL);
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir(dir, &error);
	g_assert_no_error(error);
	office_content = tsr_policy_canonical(p, "office", &office_len, &error);
	g_assert_no_error(error);
	tsr_policy_free(p);
	g_free(dir);

	g_test_add_func("/provisioning/install/round-trip", test_round_trip);
	g_test_add_func("/provisioning/install/refuses-flipped-bits-and-truncation",
	                test_flipped_bits_and_truncation);
	g_test_add_func("/provisioning/install/refusals-each-with-own-error", test_refusals);
	g_test_add_func("/provisioning/install/clock-set-back-does-not-help", test_clock_set_back);
	g_test_add_func("/provisioning/install/key-rotation-and-revocation", test_key_rotation);
	g_test_add_func("/provisioning/install/upgrade-from-an-installed-v1-bundle",
	                test_upgrade_from_v1);
	g_test_add_func("/provisioning/install/full-disk-changes-nothing", test_full_disk);
	g_test_add_func("/provisioning/install/crash-at-every-step", test_crash_at_every_step);
	g_test_add_func("/provisioning/keys/sealed-with-passphrase", test_sealed_keys);
	g_test_add_func("/provisioning/install/tells-the-broker-to-reload", test_broker_notified);
	g_test_add_func("/provisioning/install/refuses-settings-the-kiosk-cannot-use",
	                test_kiosk_check);
	int rc = g_test_run();
	g_free(office_content);
	tsr_secret_key_free(root_key);
	tsr_secret_key_free(root2_key);
	tsr_secret_key_free(pol_a);
	tsr_secret_key_free(pol_b);
	tsr_secret_key_free(pol_c);
	return rc;
}
