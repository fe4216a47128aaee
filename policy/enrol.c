/* policy/enrol.c: parse, write and verify enrolment files (format and why in enrol.h).
 *
 * The bytes come from a removable disk anyone may plug into a laptop that is not enrolled, so
 * the parser is the strict line reader of policy/fields.c, bounded before anything is copied,
 * and the verification fails closed. Fuzzed by tests/fuzz/policy-enrol-fuzz.c. */
#include "policy/enrol.h"
#include "policy/policy-internal.h"

#include <errno.h>
#include <string.h>

struct tsr_enrol *tsr_enrol_parse(const char *data, size_t len, GError **error)
{
	if (len > TSR_ENROL_FILE_MAX) {
		TSR_FORMAT_ERR("enrolment file too large (%zu bytes, at most %u)", len, TSR_ENROL_FILE_MAX);
		return NULL;
	}
	struct tsr_cursor c = {data, len, 0, "Tessera enrolment file"};
	struct tsr_enrol *e = g_new0(struct tsr_enrol, 1);
	uint8_t key[TSR_KEY_PUBLIC_BYTES];
	uint64_t blen = 0;
	const char *bytes = NULL;
	if (!tsr_cursor_context(&c, TSR_ENROL_CONTEXT, error) ||
	    !tsr_cursor_name(&c, "organization", &e->organization, error) ||
	    !tsr_cursor_name(&c, "group", &e->group, error))
		goto fail;
	while (tsr_cursor_peek(&c, "root ")) {
		if (!tsr_cursor_hex(&c, "root", key, sizeof key, error))
			goto fail;
		if (e->n_roots >= TSR_ENROL_ROOTS_MAX ||
		    !tsr_key_list_add(&e->roots, &e->n_roots, key)) {
			TSR_FORMAT_ERR("enrolment file names more than %d root keys", TSR_ENROL_ROOTS_MAX);
			goto fail;
		}
	}
	if (e->n_roots == 0) {
		TSR_FORMAT_ERR("enrolment file names no root key");
		goto fail;
	}
	if (!tsr_cursor_u64(&c, "bundle", TSR_ENROL_FILE_MAX, &blen, error) ||
	    !tsr_cursor_bytes(&c, blen, &bytes, error))
		goto fail;
	if (c.pos != len) {
		TSR_FORMAT_ERR("enrolment file has %zu unexpected bytes after its end", len - c.pos);
		goto fail;
	}
	e->bundle = g_memdup2(bytes, blen);
	e->bundle_len = blen;
	return e;
fail:
	tsr_enrol_free(e);
	return NULL;
}

static void append_roots(GString *s, const struct tsr_enrol *e)
{
	char hex[2 * TSR_KEY_PUBLIC_BYTES + 1];
	for (size_t i = 0; i < e->n_roots; i++) {
		tsr_key_hex(e->roots[i], hex);
		g_string_append_printf(s, "root %s\n", hex);
	}
}

char *tsr_enrol_serialize(const struct tsr_enrol *e, size_t *len)
{
	GString *s = g_string_new(TSR_ENROL_CONTEXT "\n");
	g_string_append_printf(s, "organization %s\ngroup %s\n", e->organization, e->group);
	append_roots(s, e);
	g_string_append_printf(s, "bundle %zu\n", e->bundle_len);
	g_string_append_len(s, e->bundle, (gssize)e->bundle_len);
	*len = s->len;
	return g_string_free(s, FALSE);
}

static bool pinned_root(const uint8_t *key, const uint8_t (*pinned)[TSR_KEY_PUBLIC_BYTES],
                        size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(pinned[i], key, TSR_KEY_PUBLIC_BYTES) == 0)
			return true;
	return false;
}

bool tsr_enrol_verify(const struct tsr_enrol *e, const uint8_t (*pinned)[TSR_KEY_PUBLIC_BYTES],
                      size_t n_pinned, GError **error)
{
	for (size_t i = 0; n_pinned && i < e->n_roots; i++)
		if (!pinned_root(e->roots[i], pinned, n_pinned)) {
			char fp[20];
			tsr_key_fingerprint(e->roots[i], fp);
			g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_NOT_PINNED,
			            "the enrolment file's root key %s is not one this laptop's image "
			            "pins; use the organization's enrolment disk", fp);
			return false;
		}
	struct tsr_bundle *b = tsr_bundle_parse(e->bundle, e->bundle_len, error);
	bool ok = false;
	if (!b) {
		g_prefix_error(error, "the enrolment file's bundle: ");
		return false;
	}
	if (!b->is_signed)
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_UNSIGNED,
		            "the enrolment file's bundle is not signed; sign it "
		            "(tessera-provision sign) and write the disk again");
	else if (strcmp(b->organization, e->organization) != 0)
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_ORGANIZATION,
		            "the enrolment file is for organization '%s' but its bundle for '%s'",
		            e->organization, b->organization);
	else if (strcmp(b->group, e->group) != 0)
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_GROUP,
		            "the enrolment file is for laptop group '%s' but its bundle for '%s'",
		            e->group, b->group);
	else
		ok = tsr_bundle_verify(b, (const uint8_t(*)[TSR_KEY_PUBLIC_BYTES])e->roots,
		                       e->n_roots, error);
	tsr_bundle_free(b);
	return ok;
}

char *tsr_enrol_trust_text(const struct tsr_enrol *e, size_t *len)
{
	GString *s = g_string_new("# Pinned at enrolment. Bundles must chain to a root here.\n");
	g_string_append_printf(s, "organization %s\ngroup %s\n", e->organization, e->group);
	append_roots(s, e);
	*len = s->len;
	return g_string_free(s, FALSE);
}

struct tsr_trust *tsr_enrol_trust(const struct tsr_enrol *e)
{
	struct tsr_trust *t = g_new0(struct tsr_trust, 1);
	t->organization = g_strdup(e->organization);
	t->group = g_strdup(e->group);
	t->roots = g_memdup2(e->roots, e->n_roots * TSR_KEY_PUBLIC_BYTES);
	t->n_roots = e->n_roots;
	return t;
}

bool tsr_enrol_read_pins(const char *path, uint8_t (**roots)[TSR_KEY_PUBLIC_BYTES], size_t *n,
                         GError **error)
{
	g_autofree char *data = NULL;
	GError *ferr = NULL;
	*roots = NULL;
	*n = 0;
	if (!g_file_get_contents(path, &data, NULL, &ferr)) {
		bool missing = g_error_matches(ferr, G_FILE_ERROR, G_FILE_ERROR_NOENT);
		if (!missing)
			g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_TRUST, "%s", ferr->message);
		g_error_free(ferr);
		return missing;
	}
	g_auto(GStrv) lines = g_strsplit(data, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		char *l = g_strstrip(lines[i]);
		uint8_t key[TSR_KEY_PUBLIC_BYTES];
		if (!l[0] || l[0] == '#')
			continue;
		if (!g_str_has_prefix(l, "root ") || !tsr_hex_decode(l + 5, key, sizeof key) ||
		    !tsr_key_list_add(roots, n, key)) {
			g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_TRUST,
			            "%s:%zu: expected 'root HEX'", path, i + 1);
			g_clear_pointer(roots, g_free);
			*n = 0;
			return false;
		}
	}
	return true;
}

void tsr_enrol_free(struct tsr_enrol *e)
{
	if (!e)
		return;
	g_free(e->organization);
	g_free(e->group);
	g_free(e->roots);
	g_free(e->bundle);
	g_free(e);
}
