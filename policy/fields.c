/* policy/fields.c: the strict line reader that the signed containers share (key sets, bundles,
 * enrolment files). Their bytes come from untrusted transports (a mirror, a USB stick), so
 * every field is read the same way: fixed name, printable value, decimal numbers without sign
 * or leading zeros, lower-case hex of an exact length, lengths checked before any byte is
 * taken. Fuzzed through the parsers that use it (tests/fuzz/). */
#include "policy/bundle.h"
#include "policy/policy-internal.h"

#include <errno.h>
#include <string.h>

/* The next line without its '\n'; false at end of data or if the line has no '\n'. */
bool tsr_cursor_line(struct tsr_cursor *c, const char **line, size_t *n)
{
	if (c->pos >= c->len)
		return false;
	const char *start = c->data + c->pos;
	const char *nl = memchr(start, '\n', c->len - c->pos);
	if (!nl)
		return false;
	*line = start;
	*n = (size_t)(nl - start);
	c->pos += *n + 1;
	return true;
}

/* "NAME VALUE" with the given name; *value is a new string. */
bool tsr_cursor_field(struct tsr_cursor *c, const char *name, char **value, GError **error)
{
	const char *line;
	size_t n;
	size_t nl = strlen(name);
	if (!tsr_cursor_line(c, &line, &n)) {
		TSR_FORMAT_ERR("%s truncated: expected '%s' at byte %zu; fetch it again", c->what, name,
		           c->pos);
		return false;
	}
	if (n <= nl + 1 || memcmp(line, name, nl) != 0 || line[nl] != ' ') {
		TSR_FORMAT_ERR("%s malformed at byte %zu: expected '%s ...'", c->what,
		           (size_t)(line - c->data), name);
		return false;
	}
	for (size_t i = nl + 1; i < n; i++)
		if ((unsigned char)line[i] < 0x21 || (unsigned char)line[i] > 0x7e) {
			TSR_FORMAT_ERR("%s malformed: '%s' has a non-printable or space character",
			           c->what, name);
			return false;
		}
	*value = g_strndup(line + nl + 1, n - nl - 1);
	return true;
}

bool tsr_cursor_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	if (!s[0] || strlen(s) > 20 || (s[0] == '0' && s[1]))
		return false;
	for (const char *p = s; *p; p++)
		if (!g_ascii_isdigit(*p))
			return false;
	errno = 0;
	guint64 v = g_ascii_strtoull(s, NULL, 10);
	if (errno || v > max)
		return false;
	*out = v;
	return true;
}

bool tsr_cursor_u64(struct tsr_cursor *c, const char *name, uint64_t max, uint64_t *out,
                    GError **error)
{
	char *v = NULL;
	if (!tsr_cursor_field(c, name, &v, error))
		return false;
	bool ok = tsr_cursor_parse_u64(v, max, out);
	if (!ok)
		TSR_FORMAT_ERR("%s malformed: '%s' is not a decimal number up to %" G_GUINT64_FORMAT,
		           c->what, name, max);
	g_free(v);
	return ok;
}

bool tsr_hex_decode(const char *hex, uint8_t *out, size_t n)
{
	if (strlen(hex) != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = g_ascii_xdigit_value(hex[2 * i]), lo = g_ascii_xdigit_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0 || g_ascii_isupper(hex[2 * i]) || g_ascii_isupper(hex[2 * i + 1]))
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

bool tsr_cursor_hex(struct tsr_cursor *c, const char *name, uint8_t *out, size_t n,
                    GError **error)
{
	char *v = NULL;
	if (!tsr_cursor_field(c, name, &v, error))
		return false;
	bool ok = tsr_hex_decode(v, out, n);
	if (!ok)
		TSR_FORMAT_ERR("%s malformed: '%s' is not %zu lower-case hex digits", c->what, name, 2 * n);
	g_free(v);
	return ok;
}

bool tsr_cursor_name(struct tsr_cursor *c, const char *name, char **out, GError **error)
{
	if (!tsr_cursor_field(c, name, out, error))
		return false;
	if (!tsr_policy_name_ok(*out)) {
		TSR_FORMAT_ERR("%s malformed: '%s' is not a valid name", c->what, name);
		g_free(*out);
		*out = NULL;
		return false;
	}
	return true;
}

bool tsr_cursor_peek(const struct tsr_cursor *c, const char *prefix)
{
	size_t n = strlen(prefix);
	return c->len - c->pos >= n && memcmp(c->data + c->pos, prefix, n) == 0;
}

bool tsr_cursor_context(struct tsr_cursor *c, const char *context, GError **error)
{
	const char *line;
	size_t n;
	if (!tsr_cursor_line(c, &line, &n) || n != strlen(context) || memcmp(line, context, n) != 0) {
		g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_FORMAT,
		            "not a %s: the first line must be '%s'", c->what, context);
		return false;
	}
	return true;
}

bool tsr_key_list_add(uint8_t (**arr)[TSR_KEY_PUBLIC_BYTES], size_t *n, const uint8_t *key)
{
	if (*n >= TSR_KEYSET_KEYS_MAX)
		return false;
	*arr = g_realloc(*arr, (*n + 1) * TSR_KEY_PUBLIC_BYTES);
	memcpy((*arr)[*n], key, TSR_KEY_PUBLIC_BYTES);
	(*n)++;
	return true;
}

bool tsr_cursor_bytes(struct tsr_cursor *c, size_t n, const char **out, GError **error)
{
	if (c->len - c->pos < n) {
		TSR_FORMAT_ERR("%s truncated: %zu bytes announced, %zu present; fetch it again", c->what, n,
		           c->len - c->pos);
		return false;
	}
	*out = c->data + c->pos;
	c->pos += n;
	return true;
}
