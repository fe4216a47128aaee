/* policy/bundle.c: parse, write and verify key sets and bundles (formats in bundle.h).
 *
 * These bytes arrive from an untrusted transport, so the parser is strict: fixed field order,
 * decimal numbers without sign or leading zeros, lengths bounded before anything is copied,
 * nothing after the end. It is the target of tests/fuzz/policy-bundle-fuzz.c. */
#include "policy/bundle.h"
#include "policy/policy-internal.h"

#include <errno.h>
#include <string.h>
#include <sodium.h>

G_DEFINE_QUARK(tsr-bundle-error-quark, tsr_bundle_error)

/* ---- key sets ------------------------------------------------------------------------- */

void tsr_keyset_free(struct tsr_keyset *ks)
{
	if (!ks)
		return;
	g_free(ks->organization);
	g_free(ks->keys);
	g_free(ks->revoked);
	g_free(ks->raw);
	g_free(ks);
}

struct tsr_keyset *tsr_keyset_parse(const char *data, size_t len, GError **error)
{
	if (len > TSR_KEYSET_MAX) {
		TSR_FORMAT_ERR("key set too large (%zu bytes, at most %u)", len, TSR_KEYSET_MAX);
		return NULL;
	}
	struct tsr_cursor c = {data, len, 0, "key set"};
	struct tsr_keyset *ks = g_new0(struct tsr_keyset, 1);
	uint8_t key[TSR_KEY_PUBLIC_BYTES];
	if (!tsr_cursor_context(&c, TSR_KEYSET_CONTEXT, error) ||
	    !tsr_cursor_name(&c, "organization", &ks->organization, error) ||
	    !tsr_cursor_u64(&c, "serial", G_MAXINT64, &ks->serial, error) ||
	    !tsr_cursor_hex(&c, "root", ks->root, sizeof ks->root, error))
		goto fail;
	while (tsr_cursor_peek(&c, "policy-key ")) {
		if (!tsr_cursor_hex(&c, "policy-key", key, sizeof key, error))
			goto fail;
		if (!tsr_key_list_add(&ks->keys, &ks->n_keys, key)) {
			TSR_FORMAT_ERR("key set lists more than %d policy keys", TSR_KEYSET_KEYS_MAX);
			goto fail;
		}
	}
	while (tsr_cursor_peek(&c, "revoked ")) {
		if (!tsr_cursor_hex(&c, "revoked", key, sizeof key, error))
			goto fail;
		if (!tsr_key_list_add(&ks->revoked, &ks->n_revoked, key)) {
			TSR_FORMAT_ERR("key set lists more than %d revoked keys", TSR_KEYSET_KEYS_MAX);
			goto fail;
		}
	}
	if (ks->n_keys == 0) {
		TSR_FORMAT_ERR("key set has no policy-key");
		goto fail;
	}
	ks->signed_len = c.pos;
	if (c.pos < len) {
		if (!tsr_cursor_hex(&c, "signature", ks->signature, sizeof ks->signature, error))
			goto fail;
		ks->is_signed = true;
	}
	if (c.pos != len) {
		TSR_FORMAT_ERR("key set has %zu unexpected bytes after its end", len - c.pos);
		goto fail;
	}
	ks->raw = g_memdup2(data, len);
	ks->raw_len = len;
	return ks;
fail:
	tsr_keyset_free(ks);
	return NULL;
}

static void append_key(GString *s, const char *name, const uint8_t *key)
{
	char hex[2 * TSR_KEY_PUBLIC_BYTES + 1];
	tsr_key_hex(key, hex);
	g_string_append_printf(s, "%s %s\n", name, hex);
}

char *tsr_keyset_signed_text(const struct tsr_keyset *ks, size_t *len)
{
	GString *s = g_string_new(TSR_KEYSET_CONTEXT "\n");
	g_string_append_printf(s, "organization %s\nserial %" G_GUINT64_FORMAT "\n",
	                       ks->organization, ks->serial);
	append_key(s, "root", ks->root);
	for (size_t i = 0; i < ks->n_keys; i++)
		append_key(s, "policy-key", ks->keys[i]);
	for (size_t i = 0; i < ks->n_revoked; i++)
		append_key(s, "revoked", ks->revoked[i]);
	*len = s->len;
	return g_string_free(s, FALSE);
}

char *tsr_keyset_serialize(const struct tsr_keyset *ks, size_t *len)
{
	size_t n = 0;
	char *text = tsr_keyset_signed_text(ks, &n);
	GString *s = g_string_new_len(text, (gssize)n);
	g_free(text);
	if (ks->is_signed) {
		char hex[2 * TSR_KEY_SIGNATURE_BYTES + 1];
		sodium_bin2hex(hex, sizeof hex, ks->signature, sizeof ks->signature);
		g_string_append_printf(s, "signature %s\n", hex);
	}
	*len = s->len;
	return g_string_free(s, FALSE);
}

static bool key_in(const uint8_t (*arr)[TSR_KEY_PUBLIC_BYTES], size_t n, const uint8_t *key)
{
	for (size_t i = 0; i < n; i++)
		if (sodium_memcmp(arr[i], key, TSR_KEY_PUBLIC_BYTES) == 0)
			return true;
	return false;
}

bool tsr_keyset_verify(const struct tsr_keyset *ks, const uint8_t (*roots)[TSR_KEY_PUBLIC_BYTES],
                       size_t n_roots, GError **error)
{
	char fp[20];
	tsr_key_fingerprint(ks->root, fp);
	if (!ks->is_signed) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_UNSIGNED,
		            "the key set is not signed; sign it with 'tessera-provision keyset --root'");
		return false;
	}
	if (!key_in(roots, n_roots, ks->root)) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_ROOT,
		            "the key set names root key %s, which this laptop does not trust "
		            "(see trusted.keys)", fp);
		return false;
	}
	if (sodium_init() < 0 ||
	    crypto_sign_verify_detached(ks->signature, (const unsigned char *)ks->raw,
	                                ks->signed_len, ks->root) != 0) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_KEYSET_SIG,
		            "the key set's signature by root key %s does not verify: "
		            "it was altered or damaged", fp);
		return false;
	}
	return true;
}

/* ---- bundles -------------------------------------------------------------------------- */

void tsr_bundle_free(struct tsr_bundle *b)
{
	if (!b)
		return;
	g_free(b->organization);
	g_free(b->group);
	g_free(b->content);
	tsr_keyset_free(b->keyset);
	g_free(b->raw);
	g_free(b);
}

/* v1: the previous format (no key set binding), for tsr_bundle_parse_v1 only. */
static struct tsr_bundle *parse_bundle(const char *data, size_t len, bool v1, GError **error)
{
	struct tsr_cursor c = {data, len, 0, "bundle"};
	struct tsr_bundle *b = g_new0(struct tsr_bundle, 1);
	uint64_t from = 0, until = 0, clen = 0, klen = 0;
	const char *bytes = NULL;
	if (!v1 && tsr_cursor_peek(&c, TSR_BUNDLE_CONTEXT_V1 "\n")) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_OLD_FORMAT,
		            "this is a %s bundle, whose signature does not cover the key set it "
		            "carries; it is no longer accepted: build and sign it again with this "
		            "version of tessera-provision (%s)", TSR_BUNDLE_CONTEXT_V1,
		            TSR_BUNDLE_CONTEXT);
		goto fail;
	}
	if (!tsr_cursor_context(&c, v1 ? TSR_BUNDLE_CONTEXT_V1 : TSR_BUNDLE_CONTEXT, error) ||
	    !tsr_cursor_name(&c, "organization", &b->organization, error) ||
	    !tsr_cursor_name(&c, "group", &b->group, error) ||
	    !tsr_cursor_u64(&c, "serial", G_MAXINT64, &b->serial, error) ||
	    !tsr_cursor_u64(&c, "valid-from", G_MAXINT64, &from, error) ||
	    !tsr_cursor_u64(&c, "valid-until", G_MAXINT64, &until, error) ||
	    !tsr_cursor_u64(&c, "content", TSR_BUNDLE_CONTENT_MAX, &clen, error) ||
	    !tsr_cursor_bytes(&c, clen, &bytes, error))
		goto fail;
	b->valid_from = (int64_t)from;
	b->valid_until = (int64_t)until;
	b->content = g_strndup(bytes, clen);
	b->content_len = clen;
	if (memchr(bytes, '\0', clen)) {
		TSR_FORMAT_ERR("bundle content contains a NUL byte");
		goto fail;
	}
	if (c.pos < len) {
		if (!v1 &&
		    (!tsr_cursor_u64(&c, "keyset-serial", G_MAXINT64, &b->keyset_serial, error) ||
		     !tsr_cursor_hex(&c, "keyset-sha256", b->keyset_sha256, sizeof b->keyset_sha256,
		                error)))
			goto fail;
		b->signed_len = c.pos;
		if (!tsr_cursor_hex(&c, "signer", b->signer, sizeof b->signer, error) ||
		    !tsr_cursor_hex(&c, "signature", b->signature, sizeof b->signature, error) ||
		    !tsr_cursor_u64(&c, "keyset", TSR_KEYSET_MAX, &klen, error) ||
		    !tsr_cursor_bytes(&c, klen, &bytes, error))
			goto fail;
		b->keyset = tsr_keyset_parse(bytes, klen, error);
		if (!b->keyset)
			goto fail;
		b->is_signed = true;
	} else {
		b->signed_len = c.pos;
	}
	if (c.pos != len) {
		TSR_FORMAT_ERR("bundle has %zu unexpected bytes after its end", len - c.pos);
		goto fail;
	}
	if (b->is_signed && b->valid_until <= b->valid_from) {
		TSR_FORMAT_ERR("bundle's validity window is empty (valid-until <= valid-from)");
		goto fail;
	}
	b->raw = g_memdup2(data, len);
	b->raw_len = len;
	return b;
fail:
	tsr_bundle_free(b);
	return NULL;
}

struct tsr_bundle *tsr_bundle_parse(const char *data, size_t len, GError **error)
{
	return parse_bundle(data, len, false, error);
}

struct tsr_bundle *tsr_bundle_parse_v1(const char *data, size_t len, GError **error)
{
	return parse_bundle(data, len, true, error);
}

struct tsr_bundle *tsr_bundle_read(const char *path, GError **error)
{
	char *data = NULL;
	gsize len = 0;
	GError *ferr = NULL;
	if (!g_file_get_contents(path, &data, &len, &ferr)) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_IO, "%s", ferr->message);
		g_error_free(ferr);
		return NULL;
	}
	GError *perr = NULL;
	struct tsr_bundle *b = tsr_bundle_parse(data, len, &perr);
	if (!b) {
		g_set_error(error, TSR_BUNDLE_ERROR, perr->code, "%s: %s", path, perr->message);
		g_error_free(perr);
	}
	g_free(data);
	return b;
}

/* sha256 of the key set's bytes as a bundle carries them (the canonical serialization, which
 * is what the strict parser accepts, so it equals the raw bytes of a parsed key set). */
static void keyset_sha256(const struct tsr_keyset *ks, uint8_t out[32])
{
	size_t n = 0;
	char *text = tsr_keyset_serialize(ks, &n);
	crypto_hash_sha256(out, (const unsigned char *)text, n);
	g_free(text);
}

char *tsr_bundle_signed_text(const struct tsr_bundle *b, size_t *len)
{
	GString *s = g_string_new(TSR_BUNDLE_CONTEXT "\n");
	g_string_append_printf(s,
	                       "organization %s\ngroup %s\nserial %" G_GUINT64_FORMAT "\n"
	                       "valid-from %" G_GINT64_FORMAT "\nvalid-until %" G_GINT64_FORMAT "\n"
	                       "content %zu\n",
	                       b->organization, b->group, b->serial, b->valid_from, b->valid_until,
	                       b->content_len);
	g_string_append_len(s, b->content, (gssize)b->content_len);
	if (b->keyset) {
		uint8_t h[32];
		char hex[65];
		keyset_sha256(b->keyset, h);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		g_string_append_printf(s, "keyset-serial %" G_GUINT64_FORMAT "\nkeyset-sha256 %s\n",
		                       b->keyset->serial, hex);
	}
	*len = s->len;
	return g_string_free(s, FALSE);
}

char *tsr_bundle_serialize(const struct tsr_bundle *b, size_t *len)
{
	size_t n = 0;
	char *text = tsr_bundle_signed_text(b, &n);
	GString *s = g_string_new_len(text, (gssize)n);
	g_free(text);
	if (!b->is_signed && b->keyset) {
		/* The binding lines belong to the signed form only. */
		size_t un = 0;
		struct tsr_bundle plain = *b;
		plain.keyset = NULL;
		text = tsr_bundle_signed_text(&plain, &un);
		g_string_assign(s, "");
		g_string_append_len(s, text, (gssize)un);
		g_free(text);
	}
	if (b->is_signed) {
		size_t kn = 0;
		char *ks = tsr_keyset_serialize(b->keyset, &kn);
		char sig[2 * TSR_KEY_SIGNATURE_BYTES + 1];
		sodium_bin2hex(sig, sizeof sig, b->signature, sizeof b->signature);
		append_key(s, "signer", b->signer);
		g_string_append_printf(s, "signature %s\nkeyset %zu\n", sig, kn);
		g_string_append_len(s, ks, (gssize)kn);
		g_free(ks);
	}
	*len = s->len;
	return g_string_free(s, FALSE);
}

bool tsr_bundle_verify(const struct tsr_bundle *b, const uint8_t (*roots)[TSR_KEY_PUBLIC_BYTES],
                       size_t n_roots, GError **error)
{
	if (!b->is_signed) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_UNSIGNED,
		            "the bundle is not signed; sign it with 'tessera-provision sign'");
		return false;
	}
	if (!tsr_keyset_verify(b->keyset, roots, n_roots, error))
		return false;
	uint8_t h[32];
	crypto_hash_sha256(h, (const unsigned char *)b->keyset->raw, b->keyset->raw_len);
	if (b->keyset->serial != b->keyset_serial || sodium_memcmp(h, b->keyset_sha256, 32) != 0) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_KEYSET_SWAPPED,
		            "the bundle carries key set %" G_GUINT64_FORMAT " but was signed with "
		            "another (key set %" G_GUINT64_FORMAT "): the key set was swapped on the "
		            "way; fetch the bundle again from a trusted mirror",
		            b->keyset->serial, b->keyset_serial);
		return false;
	}
	if (strcmp(b->keyset->organization, b->organization) != 0) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_ORGANIZATION,
		            "the bundle is for organization '%s' but its key set is for '%s'",
		            b->organization, b->keyset->organization);
		return false;
	}
	char fp[20];
	tsr_key_fingerprint(b->signer, fp);
	if (key_in((const uint8_t(*)[TSR_KEY_PUBLIC_BYTES])b->keyset->revoked, b->keyset->n_revoked,
	           b->signer)) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_REVOKED_KEY,
		            "the bundle is signed by policy key %s, which key set %" G_GUINT64_FORMAT
		            " revokes; sign it with a current policy key",
		            fp, b->keyset->serial);
		return false;
	}
	if (!key_in((const uint8_t(*)[TSR_KEY_PUBLIC_BYTES])b->keyset->keys, b->keyset->n_keys,
	            b->signer)) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_UNKNOWN_KEY,
		            "the bundle is signed by key %s, which is not a policy key in key set %"
		            G_GUINT64_FORMAT,
		            fp, b->keyset->serial);
		return false;
	}
	if (sodium_init() < 0 ||
	    crypto_sign_verify_detached(b->signature, (const unsigned char *)b->raw, b->signed_len,
	                                b->signer) != 0) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_SIGNATURE,
		            "the bundle's signature by policy key %s does not verify: it was altered "
		            "or damaged on the way",
		            fp);
		return false;
	}
	return true;
}

/* ---- keys and trust ------------------------------------------------------------------- */

void tsr_key_hex(const uint8_t key[TSR_KEY_PUBLIC_BYTES], char out[2 * TSR_KEY_PUBLIC_BYTES + 1])
{
	sodium_bin2hex(out, 2 * TSR_KEY_PUBLIC_BYTES + 1, key, TSR_KEY_PUBLIC_BYTES);
}

void tsr_key_fingerprint(const uint8_t key[TSR_KEY_PUBLIC_BYTES], char out[20])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, key, TSR_KEY_PUBLIC_BYTES);
	g_snprintf(out, 20, "%02x%02x-%02x%02x-%02x%02x-%02x%02x", h[0], h[1], h[2], h[3], h[4],
	           h[5], h[6], h[7]);
}

void tsr_trust_free(struct tsr_trust *t)
{
	if (!t)
		return;
	g_free(t->organization);
	g_free(t->group);
	g_free(t->roots);
	g_free(t);
}

struct tsr_trust *tsr_trust_read(const char *path, GError **error)
{
	char *data = NULL;
	GError *ferr = NULL;
	if (!g_file_get_contents(path, &data, NULL, &ferr)) {
		if (g_error_matches(ferr, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_TRUST,
			            "this laptop is not enrolled (%s does not exist): enrol it first "
			            "with an enrolment stick (tessera-provision enrol-disk) or "
			            "tessera-provision init", path);
		else
			g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_TRUST,
			            "%s; enrol the laptop first (an enrolment stick, or "
			            "tessera-provision init)", ferr->message);
		g_error_free(ferr);
		return NULL;
	}
	struct tsr_trust *t = g_new0(struct tsr_trust, 1);
	char **lines = g_strsplit(data, "\n", -1);
	bool ok = true;
	for (size_t i = 0; ok && lines[i]; i++) {
		char *l = g_strstrip(lines[i]);
		uint8_t key[TSR_KEY_PUBLIC_BYTES];
		if (!l[0] || l[0] == '#')
			continue;
		if (g_str_has_prefix(l, "organization ") && !t->organization &&
		    tsr_policy_name_ok(l + 13)) {
			t->organization = g_strdup(l + 13);
		} else if (g_str_has_prefix(l, "group ") && !t->group && tsr_policy_name_ok(l + 6)) {
			t->group = g_strdup(l + 6);
		} else if (g_str_has_prefix(l, "root ") && tsr_hex_decode(l + 5, key, sizeof key) &&
		           tsr_key_list_add(&t->roots, &t->n_roots, key)) {
		} else {
			g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_TRUST,
			            "%s:%zu: expected 'organization NAME', 'group NAME' or 'root HEX'",
			            path, i + 1);
			ok = false;
		}
	}
	if (ok && (!t->organization || !t->group || t->n_roots == 0)) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_TRUST,
		            "%s: needs an organization, a group and at least one root key", path);
		ok = false;
	}
	g_strfreev(lines);
	g_free(data);
	if (!ok) {
		tsr_trust_free(t);
		return NULL;
	}
	return t;
}
