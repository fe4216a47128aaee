/* provisioning/tessera-provision.c: the admin's and the laptop's provisioning tool.
 *
 * Admin side: keygen, keyset, passwd, build, sign, verify, push. Laptop side: init, install,
 * receive (the forced command of the admin's ssh key), pull, templates, report, status. Each
 * subcommand is a small function over the libraries in policy/ and provisioning/; the rules
 * (what is checked, what is written when) live there, not here. */
#include "config.h"
#include "policy/bundle.h"
#include "policy/policy.h"
#include "policy/state.h"
#include "provisioning/install.h"
#include "provisioning/keys.h"
#include "provisioning/remote.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROG "tessera-provision"

/* Options shared by several subcommands. */
static char *opt_state_dir;
static char *opt_passphrase_file;
static gint64 opt_now;
static char *opt_ssh_config;
static char **opt_ssh_options;
static char *opt_broker_socket;

static const GOptionEntry state_entries[] = {
	{"state-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_state_dir,
	 "Laptop state directory (default " TSR_STATE_DIR_DEFAULT ")", "DIR"},
	{"now", 0, 0, G_OPTION_ARG_INT64, &opt_now,
	 "Take this unix time as the clock (for tests)", "UNIX"},
	{"broker-socket", 0, 0, G_OPTION_ARG_FILENAME, &opt_broker_socket,
	 "Broker control socket to notify (default " TSR_BROKER_SOCKET_DEFAULT "; '' for none)",
	 "PATH"},
	{NULL},
};

static const GOptionEntry pass_entries[] = {
	{"passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_passphrase_file,
	 "Read the passphrase from the first line of FILE instead of the terminal", "FILE"},
	{NULL},
};

static const GOptionEntry ssh_entries[] = {
	{"ssh-config", 'F', 0, G_OPTION_ARG_FILENAME, &opt_ssh_config,
	 "ssh client configuration file (ssh -F)", "FILE"},
	{"ssh-option", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &opt_ssh_options,
	 "ssh client option (ssh -o), may be repeated", "OPTION"},
	{NULL},
};

static int fail(GError *error)
{
	fprintf(stderr, PROG ": %s\n", error->message);
	g_error_free(error);
	return 1;
}

static int usage_error(GOptionContext *ctx, const char *msg)
{
	fprintf(stderr, PROG ": %s\n\n", msg);
	char *help = g_option_context_get_help(ctx, TRUE, NULL);
	fputs(help, stderr);
	g_free(help);
	return 2;
}

static const char *state_dir(void)
{
	return opt_state_dir ? opt_state_dir : TSR_STATE_DIR_DEFAULT;
}

static int64_t now_s(void)
{
	return opt_now ? opt_now : (int64_t)time(NULL);
}

static struct tsr_remote make_remote(void)
{
	GPtrArray *a = g_ptr_array_new();
	if (opt_ssh_config) {
		g_ptr_array_add(a, g_strdup("-F"));
		g_ptr_array_add(a, g_strdup(opt_ssh_config));
	}
	for (size_t i = 0; opt_ssh_options && opt_ssh_options[i]; i++) {
		g_ptr_array_add(a, g_strdup("-o"));
		g_ptr_array_add(a, g_strdup(opt_ssh_options[i]));
	}
	g_ptr_array_add(a, NULL);
	return (struct tsr_remote){(char **)g_ptr_array_free(a, FALSE)};
}

/* Parse argv of one subcommand. Returns false (and sets *rc) when it should stop. */
static bool parse(GOptionContext *ctx, const GOptionEntry *entries, int *argc, char ***argv,
                  int *rc)
{
	if (entries)
		g_option_context_add_main_entries(ctx, entries, NULL);
	GError *error = NULL;
	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		*rc = usage_error(ctx, error->message);
		g_error_free(error);
		return false;
	}
	return true;
}

/* Shared options go into the main group so that --help shows them all. */
static void add_group(GOptionContext *ctx, const char *name, const GOptionEntry *entries)
{
	(void)name;
	g_option_context_add_main_entries(ctx, entries, NULL);
}

static char *fmt_time(int64_t t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *s = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S UTC") : g_strdup("?");
	if (dt)
		g_date_time_unref(dt);
	return s;
}

/* ---- keygen ---------------------------------------------------------------------------- */

static int cmd_keygen(int argc, char **argv)
{
	char *out = NULL, *role_name = NULL;
	const GOptionEntry entries[] = {
		{"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Directory for ROLE.secret and ROLE.pub", "DIR"},
		{"role", 0, 0, G_OPTION_ARG_STRING, &role_name, "root or policy (default policy)", "ROLE"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("- make an ed25519 key pair");
	g_option_context_set_description(ctx,
		"Writes DIR/ROLE.secret (sealed with a passphrase: argon2id + secretbox) and DIR/ROLE.pub,\n"
		"and prints the public key and its fingerprint. Keep the root key offline.");
	add_group(ctx, "passphrase", pass_entries);
	int rc = 0;
	if (!parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	enum tsr_key_role role = TSR_KEY_ROLE_POLICY;
	if (!out || argc != 1 || (role_name && !tsr_key_role_parse(role_name, &role))) {
		rc = usage_error(ctx, "keygen needs --out DIR and --role root|policy");
		goto out;
	}
	if (g_mkdir_with_parents(out, 0700) != 0) {
		fprintf(stderr, PROG ": cannot create %s: %s\n", out, g_strerror(errno));
		rc = 1;
		goto out;
	}
	char *secret = g_strdup_printf("%s/%s.secret", out, tsr_key_role_name(role));
	char *pub = g_strdup_printf("%s/%s.pub", out, tsr_key_role_name(role));
	if (g_file_test(secret, G_FILE_TEST_EXISTS) || g_file_test(pub, G_FILE_TEST_EXISTS)) {
		fprintf(stderr, PROG ": %s or %s exists; refusing to overwrite a key\n", secret, pub);
		rc = 1;
	} else {
		GError *error = NULL;
		char *pass = tsr_passphrase_read(opt_passphrase_file, "New passphrase: ", true, &error);
		struct tsr_secret_key *key = pass ? tsr_secret_key_generate(role) : NULL;
		if (!key || !tsr_secret_key_save(key, secret, pass, &error) ||
		    !tsr_public_key_save(role, key->pk, pub, &error)) {
			rc = error ? fail(error) : 1;
		} else {
			char hex[65], fp[20];
			tsr_key_hex(key->pk, hex);
			tsr_key_fingerprint(key->pk, fp);
			printf("%s key: %s\nfingerprint: %s\nsecret: %s\npublic: %s\n",
			       tsr_key_role_name(role), hex, fp, secret, pub);
		}
		tsr_secret_key_free(key);
		tsr_passphrase_free(pass);
	}
	g_free(secret);
	g_free(pub);
out:
	g_option_context_free(ctx);
	g_free(out);
	g_free(role_name);
	return rc;
}

/* ---- keyset ---------------------------------------------------------------------------- */

static bool load_pubs(char **files, uint8_t (**arr)[32], size_t *n, GError **error)
{
	for (size_t i = 0; files && files[i]; i++) {
		uint8_t pk[32];
		enum tsr_key_role role;
		if (!tsr_public_key_load(files[i], &role, pk, error))
			return false;
		if (role != TSR_KEY_ROLE_POLICY) {
			g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_KEY,
			            "%s is a %s key; a key set lists policy keys", files[i],
			            tsr_key_role_name(role));
			return false;
		}
		*arr = g_realloc(*arr, (*n + 1) * 32);
		memcpy((*arr)[*n], pk, 32);
		(*n)++;
	}
	return true;
}

static int cmd_keyset(int argc, char **argv)
{
	char *root = NULL, *out = NULL, *org = NULL;
	char **add = NULL, **revoke = NULL;
	gint64 serial = 0;
	const GOptionEntry entries[] = {
		{"root", 0, 0, G_OPTION_ARG_FILENAME, &root, "The root secret key", "SECRET"},
		{"add", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &add, "A trusted policy public key (repeat)", "PUB"},
		{"revoke", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &revoke, "A revoked policy public key (repeat)", "PUB"},
		{"organization", 0, 0, G_OPTION_ARG_STRING, &org, "Organization (default: that of FILE)", "ORG"},
		{"serial", 0, 0, G_OPTION_ARG_INT64, &serial, "Serial (default: that of FILE + 1, or 1)", "N"},
		{"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Where to write the signed key set", "FILE"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("- sign the set of trusted policy keys");
	g_option_context_set_description(ctx,
		"The offline root key signs which policy keys may sign bundles, and which are revoked.\n"
		"Laptops replace their key set with a newer one carried in any bundle.");
	add_group(ctx, "passphrase", pass_entries);
	int rc = 0;
	GError *error = NULL;
	struct tsr_keyset ks = {0};
	struct tsr_secret_key *key = NULL;
	char *pass = NULL;
	if (!parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (!root || !out || !add || argc != 1 || serial < 0) {
		rc = usage_error(ctx, "keyset needs --root SECRET --add PUB... --out FILE");
		goto out;
	}
	/* The previous key set in FILE gives the organization and serial when not given. */
	char *old = NULL;
	gsize old_len = 0;
	struct tsr_keyset *prev = NULL;
	if (g_file_get_contents(out, &old, &old_len, NULL))
		prev = tsr_keyset_parse(old, old_len, NULL);
	g_free(old);
	if (!org && prev)
		org = g_strdup(prev->organization);
	if (serial == 0)
		serial = prev ? (gint64)prev->serial + 1 : 1;
	tsr_keyset_free(prev);
	if (!org) {
		rc = usage_error(ctx, "the first key set needs --organization ORG");
		goto out;
	}
	ks.organization = org;
	if (!load_pubs(add, &ks.keys, &ks.n_keys, &error) ||
	    !load_pubs(revoke, &ks.revoked, &ks.n_revoked, &error)) {
		rc = fail(error);
		goto out;
	}
	ks.serial = (uint64_t)serial;
	pass = tsr_passphrase_read(opt_passphrase_file, "Root key passphrase: ", false, &error);
	key = pass ? tsr_secret_key_load(root, pass, &error) : NULL;
	if (!key) {
		rc = fail(error);
		goto out;
	}
	if (key->role != TSR_KEY_ROLE_ROOT) {
		fprintf(stderr, PROG ": %s is a %s key; a key set is signed by the root key\n", root,
		        tsr_key_role_name(key->role));
		rc = 1;
		goto out;
	}
	memcpy(ks.root, key->pk, 32);
	size_t n = 0;
	char *text = tsr_keyset_signed_text(&ks, &n);
	crypto_sign_detached(ks.signature, NULL, (const unsigned char *)text, n, key->sk);
	g_free(text);
	ks.is_signed = true;
	text = tsr_keyset_serialize(&ks, &n);
	if (!tsr_write_file_atomic(out, text, n, 0644, &error))
		rc = fail(error);
	else
		printf("key set %" G_GUINT64_FORMAT ": %zu policy keys, %zu revoked -> %s\n", ks.serial,
		       ks.n_keys, ks.n_revoked, out);
	g_free(text);
out:
	tsr_secret_key_free(key);
	tsr_passphrase_free(pass);
	g_free(ks.keys);
	g_free(ks.revoked);
	g_option_context_free(ctx);
	g_free(root);
	g_free(out);
	g_free(org);
	g_strfreev(add);
	g_strfreev(revoke);
	return rc;
}

/* ---- passwd ---------------------------------------------------------------------------- */

static int cmd_passwd(int argc, char **argv)
{
	char *file = NULL;
	const GOptionEntry entries[] = {
		{"password-file", 0, 0, G_OPTION_ARG_FILENAME, &file,
		 "Read the password from the first line of FILE (automation)", "FILE"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("- hash a password for users.conf");
	g_option_context_set_description(ctx,
		"Reads a password without echo (twice) and prints its argon2id hash, to paste as\n"
		"'password = ...' in users.conf. The password itself is never stored.");
	int rc = 0;
	if (!parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 1) {
		rc = usage_error(ctx, "passwd takes no arguments");
		goto out;
	}
	GError *error = NULL;
	char *pass = tsr_passphrase_read(file, "Password: ", true, &error);
	if (!pass) {
		rc = fail(error);
		goto out;
	}
	char hash[crypto_pwhash_STRBYTES];
	if (sodium_init() < 0 ||
	    crypto_pwhash_str(hash, pass, strlen(pass), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		fprintf(stderr, PROG ": out of memory hashing the password\n");
		rc = 1;
	} else {
		printf("%s\n", hash);
	}
	tsr_passphrase_free(pass);
out:
	g_option_context_free(ctx);
	g_free(file);
	return rc;
}

/* ---- build ----------------------------------------------------------------------------- */

static int cmd_build(int argc, char **argv)
{
	char *out = NULL;
	const GOptionEntry entries[] = {
		{"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Directory for GROUP.bundle files", "DIR"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("SRC - validate a policy source, write bundles");
	g_option_context_set_description(ctx,
		"Checks every file of SRC (errors name file:line) and writes one unsigned bundle per\n"
		"laptop group to DIR/GROUP.bundle, carrying over the serial of a bundle already there\n"
		"so that 'sign' continues from it.");
	int rc = 0;
	GError *error = NULL;
	struct tsr_policy *p = NULL;
	if (!parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 2 || !out) {
		rc = usage_error(ctx, "build needs SRC and --out DIR");
		goto out;
	}
	/* What the kiosk will do with [kiosk], [hotkeys] and [keymap]: refusing here (and at
	 * install) keeps a laptop's kiosk usable. */
	p = tsr_policy_load_dir_checked(argv[1], &error);
	if (!p) {
		rc = fail(error);
		goto out;
	}
	/* Bundles carry every user's password hash: only their owner reads them. */
	if (g_mkdir_with_parents(out, 0700) != 0) {
		fprintf(stderr, PROG ": cannot create %s: %s\n", out, g_strerror(errno));
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < p->n_laptop_groups && rc == 0; i++) {
		const char *group = p->laptop_groups[i].name;
		struct tsr_bundle b = {0};
		b.organization = p->organization;
		b.group = (char *)group;
		b.content = tsr_policy_canonical(p, group, &b.content_len, &error);
		if (!b.content) {
			rc = fail(error);
			break;
		}
		char *path = g_strdup_printf("%s/%s.bundle", out, group);
		struct tsr_bundle *prev = tsr_bundle_read(path, NULL);
		if (prev)
			b.serial = prev->serial;
		tsr_bundle_free(prev);
		/* The content must read back as policy exactly as a laptop will read it. */
		struct tsr_policy *check = tsr_policy_load_canonical(b.content, b.content_len, &error);
		if (!check) {
			rc = fail(error);
		} else {
			size_t n = 0;
			char *data = tsr_bundle_serialize(&b, &n);
			if (!tsr_write_file_atomic(path, data, n, 0600, &error))
				rc = fail(error);
			else
				printf("%s: %zu domains, %zu users, %zu rules, %zu bytes -> %s\n", group,
				       check->n_domains, check->n_users, check->n_rules, b.content_len,
				       path);
			g_free(data);
		}
		tsr_policy_free(check);
		g_free(path);
		g_free(b.content);
	}
out:
	tsr_policy_free(p);
	g_option_context_free(ctx);
	g_free(out);
	return rc;
}

/* ---- sign ------------------------------------------------------------------------------ */

static int cmd_sign(int argc, char **argv)
{
	char *keyfile = NULL, *keyset_file = NULL, *out = NULL;
	gint64 serial = 0, days = 30;
	const GOptionEntry entries[] = {
		{"key", 0, 0, G_OPTION_ARG_FILENAME, &keyfile, "The policy secret key", "SECRET"},
		{"keyset", 0, 0, G_OPTION_ARG_FILENAME, &keyset_file, "The current signed key set", "FILE"},
		{"serial", 0, 0, G_OPTION_ARG_INT64, &serial, "Serial (default: the bundle's + 1)", "N"},
		{"valid-days", 0, 0, G_OPTION_ARG_INT64, &days, "Days of validity from now (default 30)", "N"},
		{"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Write here instead of over BUNDLE", "FILE"},
		{"now", 0, 0, G_OPTION_ARG_INT64, &opt_now, "Take this unix time as the clock (tests)", "UNIX"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("BUNDLE - sign a bundle with the policy key");
	g_option_context_set_description(ctx,
		"Sets serial and validity window, attaches the key set, signs. What is signed starts\n"
		"with tessera-bundle-v2, the organization, group, serial and validity, the content, then\n"
		"the serial and sha256 of the key set, so the key set cannot be swapped on the way.");
	add_group(ctx, "passphrase", pass_entries);
	int rc = 0;
	GError *error = NULL;
	struct tsr_bundle *b = NULL;
	struct tsr_secret_key *key = NULL;
	char *pass = NULL, *ks_data = NULL;
	if (!parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 2 || !keyfile || !keyset_file || serial < 0 || days < 1 || days > 3650) {
		rc = usage_error(ctx, "sign needs BUNDLE --key SECRET --keyset FILE (valid-days 1..3650)");
		goto out;
	}
	b = tsr_bundle_read(argv[1], &error);
	if (!b) {
		rc = fail(error);
		goto out;
	}
	gsize ks_len = 0;
	GError *ferr = NULL;
	if (!g_file_get_contents(keyset_file, &ks_data, &ks_len, &ferr)) {
		rc = fail(ferr);
		goto out;
	}
	struct tsr_keyset *ks = tsr_keyset_parse(ks_data, ks_len, &error);
	if (!ks) {
		rc = fail(error);
		goto out;
	}
	tsr_keyset_free(b->keyset);
	b->keyset = ks;
	if (!ks->is_signed || strcmp(ks->organization, b->organization) != 0) {
		fprintf(stderr, PROG ": %s is %s for organization '%s'; the bundle is for '%s'\n",
		        keyset_file, ks->is_signed ? "a key set" : "an unsigned key set",
		        ks->organization, b->organization);
		rc = 1;
		goto out;
	}
	pass = tsr_passphrase_read(opt_passphrase_file, "Policy key passphrase: ", false, &error);
	key = pass ? tsr_secret_key_load(keyfile, pass, &error) : NULL;
	if (!key) {
		rc = fail(error);
		goto out;
	}
	bool listed = false, revoked = false;
	for (size_t i = 0; i < ks->n_keys; i++)
		listed |= memcmp(ks->keys[i], key->pk, 32) == 0;
	for (size_t i = 0; i < ks->n_revoked; i++)
		revoked |= memcmp(ks->revoked[i], key->pk, 32) == 0;
	if (key->role != TSR_KEY_ROLE_POLICY || !listed || revoked) {
		fprintf(stderr, PROG ": %s is not a current policy key of key set %" G_GUINT64_FORMAT
		        "; laptops would refuse the bundle\n", keyfile, ks->serial);
		rc = 1;
		goto out;
	}
	b->serial = serial ? (uint64_t)serial : b->serial + 1;
	b->valid_from = now_s();
	b->valid_until = b->valid_from + days * 86400;
	memcpy(b->signer, key->pk, 32);
	size_t n = 0;
	char *text = tsr_bundle_signed_text(b, &n);
	crypto_sign_detached(b->signature, NULL, (const unsigned char *)text, n, key->sk);
	g_free(text);
	b->is_signed = true;
	text = tsr_bundle_serialize(b, &n);
	const char *dest = out ? out : argv[1];
	if (!tsr_write_file_atomic(dest, text, n, 0600, &error)) {
		rc = fail(error);
	} else {
		char *until = fmt_time(b->valid_until);
		printf("%s/%s serial %" G_GUINT64_FORMAT ", valid until %s -> %s\n", b->organization,
		       b->group, b->serial, until, dest);
		g_free(until);
	}
	g_free(text);
out:
	tsr_bundle_free(b);
	tsr_secret_key_free(key);
	tsr_passphrase_free(pass);
	g_free(ks_data);
	g_option_context_free(ctx);
	g_free(keyfile);
	g_free(keyset_file);
	g_free(out);
	return rc;
}

/* ---- verify ---------------------------------------------------------------------------- */

static int cmd_verify(int argc, char **argv)
{
	char *trust = NULL;
	const GOptionEntry entries[] = {
		{"trust", 0, 0, G_OPTION_ARG_FILENAME, &trust, "The root public key (or a trusted.keys)", "ROOTPUB"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("BUNDLE - check a bundle's signatures");
	g_option_context_set_description(ctx,
		"Checks the key set against the root key, the signer against the key set, the\n"
		"signature, and that the content is valid policy. Serial and time are install's checks.");
	int rc = 0;
	GError *error = NULL;
	struct tsr_bundle *b = NULL;
	struct tsr_policy *p = NULL;
	if (!parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 2 || !trust) {
		rc = usage_error(ctx, "verify needs BUNDLE and --trust ROOTPUB");
		goto out;
	}
	uint8_t root[TSR_KEYSET_KEYS_MAX][32];
	size_t n_roots = 1;
	enum tsr_key_role role;
	/* A root public key, or a laptop's trusted.keys. */
	struct tsr_trust *t = NULL;
	GError *kerr = NULL;
	if (!tsr_public_key_load(trust, &role, root[0], &kerr)) {
		t = tsr_trust_read(trust, NULL);
		if (!t) {
			rc = fail(kerr);
			goto out;
		}
		g_clear_error(&kerr);
		n_roots = MIN(t->n_roots, (size_t)TSR_KEYSET_KEYS_MAX);
		memcpy(root, t->roots, n_roots * 32);
		tsr_trust_free(t);
	}
	if (!(b = tsr_bundle_read(argv[1], &error)) ||
	    !tsr_bundle_verify(b, (const uint8_t(*)[32])root, n_roots, &error) ||
	    !(p = tsr_policy_load_canonical(b->content, b->content_len, &error))) {
		rc = fail(error);
		goto out;
	}
	char fp[20], *from = fmt_time(b->valid_from), *until = fmt_time(b->valid_until);
	tsr_key_fingerprint(b->signer, fp);
	printf("good: %s/%s serial %" G_GUINT64_FORMAT ", signed by %s (key set %" G_GUINT64_FORMAT
	       "), valid %s to %s, %zu domains, %zu users\n",
	       b->organization, b->group, b->serial, fp, b->keyset->serial, from, until,
	       p->n_domains, p->n_users);
	g_free(from);
	g_free(until);
out:
	tsr_bundle_free(b);
	tsr_policy_free(p);
	g_option_context_free(ctx);
	g_free(trust);
	return rc;
}

/* ---- init ------------------------------------------------------------------------------ */

static int cmd_init(int argc, char **argv)
{
	char **roots = NULL;
	char *org = NULL, *group = NULL;
	gboolean force = FALSE;
	const GOptionEntry entries[] = {
		{"root", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &roots, "Root public key to pin (repeat)", "PUB"},
		{"organization", 0, 0, G_OPTION_ARG_STRING, &org, "This laptop's organization", "ORG"},
		{"group", 0, 0, G_OPTION_ARG_STRING, &group, "This laptop's laptop group", "GROUP"},
		{"force", 0, 0, G_OPTION_ARG_NONE, &force, "Replace an existing trusted.keys", NULL},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("- enrol a laptop: pin the root key");
	g_option_context_set_description(ctx, "Writes STATE/trusted.keys.");
	add_group(ctx, "state", state_entries);
	int rc = 0;
	GError *error = NULL;
	if (!parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 1 || !roots || !org || !group) {
		rc = usage_error(ctx, "init needs --root PUB --organization ORG --group GROUP");
		goto out;
	}
	GString *s = g_string_new("# Pinned by tessera-provision init. Bundles must chain to a root here.\n");
	g_string_append_printf(s, "organization %s\ngroup %s\n", org, group);
	for (size_t i = 0; roots[i]; i++) {
		uint8_t pk[32];
		enum tsr_key_role role;
		char hex[65];
		if (!tsr_public_key_load(roots[i], &role, pk, &error)) {
			rc = fail(error);
			break;
		}
		if (role != TSR_KEY_ROLE_ROOT) {
			fprintf(stderr, PROG ": %s is a %s key; pin the root key\n", roots[i],
			        tsr_key_role_name(role));
			rc = 1;
			break;
		}
		tsr_key_hex(pk, hex);
		g_string_append_printf(s, "root %s\n", hex);
	}
	char *path = g_build_filename(state_dir(), "trusted.keys", NULL);
	if (rc == 0 && g_file_test(path, G_FILE_TEST_EXISTS) && !force) {
		fprintf(stderr, PROG ": %s exists; use --force to replace it\n", path);
		rc = 1;
	}
	if (rc == 0 && (g_mkdir_with_parents(state_dir(), TSR_STATE_DIR_MODE) != 0 ||
	                chmod(state_dir(), TSR_STATE_DIR_MODE) != 0)) {
		fprintf(stderr, PROG ": cannot create %s: %s\n", state_dir(), g_strerror(errno));
		rc = 1;
	}
	if (rc == 0) {
		struct tsr_trust *t = NULL;
		if (!tsr_write_file_atomic(path, s->str, s->len, TSR_STATE_FILE_MODE, &error) ||
		    !(t = tsr_trust_read(path, &error)))
			rc = fail(error);
		else
			printf("%s: organization %s, group %s, %zu root key(s)\n", path, org, group,
			       t->n_roots);
		tsr_trust_free(t);
	}
	g_free(path);
	g_string_free(s, TRUE);
out:
	g_option_context_free(ctx);
	g_strfreev(roots);
	g_free(org);
	g_free(group);
	return rc;
}

/* ---- install / receive / pull ---------------------------------------------------------- */

static int install_bytes(const char *data, size_t len)
{
	struct tsr_install_options o = {state_dir(), now_s(), opt_broker_socket,
					tsr_policy_kiosk_check};
	struct tsr_install_result r;
	GError *error = NULL;
	if (!tsr_install_bundle(data, len, &o, &r, &error)) {
		/* On stdout for push's table: what this laptop still runs (0: nothing). */
		char *cur = g_build_filename(state_dir(), "current", "bundle", NULL);
		struct tsr_bundle *b = tsr_bundle_read(cur, NULL);
		printf("refused %" G_GUINT64_FORMAT "\n", b ? b->serial : 0);
		tsr_bundle_free(b);
		g_free(cur);
		return fail(error);
	}
	printf("%s %" G_GUINT64_FORMAT "\n",
	       r.outcome == TSR_INSTALL_INSTALLED ? "installed" : "unchanged", r.serial);
	if (r.broker_message)
		fprintf(stderr, PROG ": %s\n", r.broker_message);
	tsr_install_result_clear(&r);
	return 0;
}

static int cmd_install(int argc, char **argv)
{
	GOptionContext *ctx = g_option_context_new("BUNDLE - verify and install a bundle");
	g_option_context_set_description(ctx,
		"Refuses a bad signature, a key not in the current key set, a wrong context,\n"
		"organization or group, an old serial or too big a jump, the same serial with other\n"
		"content, and a bundle outside its validity window. Installs atomically and keeps the\n"
		"previous version. Prints 'installed N' or 'unchanged N'.");
	add_group(ctx, "state", state_entries);
	int rc = 0;
	if (!parse(ctx, NULL, &argc, &argv, &rc))
		goto out;
	if (argc != 2) {
		rc = usage_error(ctx, "install needs BUNDLE");
		goto out;
	}
	char *data = NULL;
	gsize len = 0;
	GError *error = NULL;
	if (!g_file_get_contents(argv[1], &data, &len, &error))
		rc = fail(error);
	else
		rc = install_bytes(data, len);
	g_free(data);
out:
	g_option_context_free(ctx);
	return rc;
}

#define RECEIVE_MAX (TSR_BUNDLE_CONTENT_MAX + TSR_KEYSET_MAX + 4096)

static int cmd_receive(int argc, char **argv)
{
	GOptionContext *ctx = g_option_context_new("- install a bundle read from stdin (ssh forced command)");
	g_option_context_set_description(ctx,
		"For the admin's key in root's authorized_keys:\n"
		"  restrict,command=\"tessera-provision receive\" ssh-ed25519 AAAA... admin\n"
		"Reads one bundle on stdin, then works as install.");
	add_group(ctx, "state", state_entries);
	int rc = 0;
	if (!parse(ctx, NULL, &argc, &argv, &rc))
		goto out;
	if (argc != 1) {
		rc = usage_error(ctx, "receive takes no arguments");
		goto out;
	}
	GString *s = g_string_new(NULL);
	char buf[65536];
	ssize_t n;
	while (s->len <= RECEIVE_MAX && (n = read(0, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, PROG ": reading stdin: %s\n", g_strerror(errno));
			rc = 1;
			break;
		}
		g_string_append_len(s, buf, n);
	}
	if (rc == 0 && s->len > RECEIVE_MAX) {
		fprintf(stderr, PROG ": refused: more than %u bytes on stdin; not a bundle\n",
		        (unsigned)RECEIVE_MAX);
		rc = 1;
	}
	if (rc == 0)
		rc = install_bytes(s->str, s->len);
	g_string_free(s, TRUE);
out:
	g_option_context_free(ctx);
	return rc;
}

static struct tsr_trust *read_trust(GError **error)
{
	char *path = g_build_filename(state_dir(), "trusted.keys", NULL);
	struct tsr_trust *t = tsr_trust_read(path, error);
	g_free(path);
	return t;
}

static int cmd_pull(int argc, char **argv)
{
	char *from = NULL;
	const GOptionEntry entries[] = {
		{"from", 0, 0, G_OPTION_ARG_STRING, &from, "Where the bundles are", "USER@HOST:PATH"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("- fetch this laptop group's bundle and install it");
	g_option_context_set_description(ctx,
		"Fetches PATH/GROUP.bundle with scp (GROUP from trusted.keys), then works as install.\n"
		"provisioning/tessera-pull.timer runs it for laptops the admin's push cannot reach.");
	add_group(ctx, "state", state_entries);
	add_group(ctx, "ssh", ssh_entries);
	int rc = 0;
	GError *error = NULL;
	char *dest = NULL, *path = NULL, *tmp = NULL, *data = NULL;
	struct tsr_trust *t = NULL;
	if (!parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 1 || !from) {
		rc = usage_error(ctx, "pull needs --from USER@HOST:PATH");
		goto out;
	}
	if (!tsr_remote_split(from, &dest, &path, &error) || !(t = read_trust(&error))) {
		rc = fail(error);
		goto out;
	}
	int fd = g_file_open_tmp("tessera-pull-XXXXXX", &tmp, &error);
	if (fd < 0) {
		rc = fail(error);
		goto out;
	}
	close(fd);
	char *remote_path = g_strdup_printf("%s/%s.bundle", path, t->group);
	struct tsr_remote remote = make_remote();
	gsize len = 0;
	if (!tsr_remote_fetch(&remote, dest, remote_path, tmp, RECEIVE_MAX, &error) ||
	    !g_file_get_contents(tmp, &data, &len, &error))
		rc = fail(error);
	else
		rc = install_bytes(data, len);
	g_strfreev(remote.ssh_args);
	g_free(remote_path);
out:
	if (tmp)
		unlink(tmp);
	g_free(tmp);
	g_free(data);
	g_free(dest);
	g_free(path);
	tsr_trust_free(t);
	g_option_context_free(ctx);
	g_free(from);
	return rc;
}

/* ---- push ------------------------------------------------------------------------------ */

static int cmd_push(int argc, char **argv)
{
	char *hosts_file = NULL;
	gint jobs = 8;
	gboolean quiet = FALSE;
	const GOptionEntry entries[] = {
		{"hosts", 0, 0, G_OPTION_ARG_FILENAME, &hosts_file, "One ssh destination per line", "FILE"},
		{"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Laptops at a time (default 8)", "N"},
		{"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress lines", NULL},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("BUNDLE - send a signed bundle to many laptops");
	g_option_context_set_description(ctx,
		"Runs 'ssh HOST tessera-provision receive' with the bundle on stdin for every host,\n"
		"at most N at a time. A failed host never stops the others. Prints a table of host,\n"
		"result and installed serial; exits 0 only if every laptop has the bundle.");
	add_group(ctx, "ssh", ssh_entries);
	int rc = 0;
	GError *error = NULL;
	char **hosts = NULL;
	if (!parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 2 || !hosts_file || jobs < 1 || jobs > 1024) {
		rc = usage_error(ctx, "push needs BUNDLE --hosts FILE (and -j 1..1024)");
		goto out;
	}
	struct tsr_bundle *b = tsr_bundle_read(argv[1], &error);
	if (!b || !b->is_signed) {
		if (b)
			fprintf(stderr, PROG ": %s is not signed; run 'tessera-provision sign' first\n",
			        argv[1]);
		rc = b ? 1 : fail(error);
		tsr_bundle_free(b);
		goto out;
	}
	tsr_bundle_free(b);
	hosts = tsr_push_read_hosts(hosts_file, &error);
	if (!hosts) {
		rc = fail(error);
		goto out;
	}
	size_t n = g_strv_length(hosts);
	if (n == 0) {
		fprintf(stderr, PROG ": %s lists no hosts\n", hosts_file);
		rc = 1;
		goto out;
	}
	struct tsr_push_host *res = g_new0(struct tsr_push_host, n ? n : 1);
	struct tsr_remote remote = make_remote();
	size_t failed = tsr_push(&remote, argv[1], hosts, n, (unsigned)jobs, quiet ? NULL : stderr,
	                         res);
	tsr_push_print_table(stdout, res, n);
	for (size_t i = 0; i < n; i++)
		tsr_push_host_clear(&res[i]);
	g_free(res);
	g_strfreev(remote.ssh_args);
	rc = failed ? 1 : 0;
out:
	g_strfreev(hosts);
	g_option_context_free(ctx);
	g_free(hosts_file);
	return rc;
}

/* ---- templates ------------------------------------------------------------------------- */

static bool file_sha256(const char *path, uint64_t *size, uint8_t out[32])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	static uint8_t buf[1 << 16];
	ssize_t n;
	*size = 0;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
		*size += (uint64_t)n;
	}
	close(fd);
	crypto_hash_sha256_final(&st, out);
	return n == 0;
}

static int cmd_templates(int argc, char **argv)
{
	char *from = NULL;
	const GOptionEntry entries[] = {
		{"from", 0, 0, G_OPTION_ARG_STRING, &from, "Where the templates are", "USER@HOST:PATH"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("- fetch the disk templates the policy pins");
	g_option_context_set_description(ctx,
		"For each template of the installed policy, fetches PATH/FILE into STATE/templates/,\n"
		"resuming a partial FILE.part, and renames it to FILE only when its size and sha256\n"
		"match the policy. The broker uses only complete, verified files.");
	add_group(ctx, "state", state_entries);
	add_group(ctx, "ssh", ssh_entries);
	int rc = 0;
	GError *error = NULL;
	char *dest = NULL, *path = NULL, *dir = NULL;
	struct tsr_policy *p = NULL;
	if (!parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 1 || !from) {
		rc = usage_error(ctx, "templates needs --from USER@HOST:PATH");
		goto out;
	}
	if (!tsr_remote_split(from, &dest, &path, &error) ||
	    !(p = tsr_policy_load_installed(state_dir(), &error))) {
		rc = fail(error);
		goto out;
	}
	dir = g_build_filename(state_dir(), "templates", NULL);
	if (g_mkdir_with_parents(dir, TSR_STATE_TEMPLATES_DIR_MODE) != 0 ||
	    chmod(dir, TSR_STATE_TEMPLATES_DIR_MODE) != 0) {
		fprintf(stderr, PROG ": cannot create %s: %s\n", dir, g_strerror(errno));
		rc = 1;
		goto out;
	}
	struct tsr_remote remote = make_remote();
	for (size_t i = 0; i < p->n_templates; i++) {
		const struct tsr_policy_template *t = &p->templates[i];
		char *final = g_build_filename(dir, t->file, NULL);
		char *part = g_strdup_printf("%s.part", final);
		char *rpath = g_strdup_printf("%s/%s", path, t->file);
		uint64_t size = 0;
		uint8_t sum[32];
		if (file_sha256(final, &size, sum) && size == t->size && memcmp(sum, t->sha256, 32) == 0) {
			printf("%s: verified (already here)\n", t->name);
			goto next;
		}
		struct stat st;
		bool resumed = stat(part, &st) == 0 && st.st_size > 0;
		if (resumed && (uint64_t)st.st_size > t->size) {
			unlink(part);
			resumed = false;
		}
		if (!tsr_remote_fetch_resume(&remote, dest, rpath, part, t->size, &error)) {
			fprintf(stderr, PROG ": %s: %s%s\n", t->name, error->message,
			        g_file_test(part, G_FILE_TEST_EXISTS) ? " (run again to resume)" : "");
			g_clear_error(&error);
			rc = 1;
			goto next;
		}
		if (!file_sha256(part, &size, sum) || size != t->size ||
		    memcmp(sum, t->sha256, 32) != 0) {
			fprintf(stderr, PROG ": %s: refused: got %" G_GUINT64_FORMAT " bytes with another "
			        "sha256 than the policy pins (%" G_GUINT64_FORMAT " bytes); the partial file "
			        "was removed, run again\n", t->name, size, t->size);
			unlink(part);
			rc = 1;
			goto next;
		}
		/* Device models read templates as their domain's uid; sftp made the file with
		 * the mirror's mode. */
		int fd = open(part, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0) {
			if (fchmod(fd, TSR_STATE_TEMPLATE_MODE) != 0)
				fprintf(stderr, PROG ": %s: %s\n", part, g_strerror(errno));
			fsync(fd);
			close(fd);
		}
		if (rename(part, final) != 0) {
			fprintf(stderr, PROG ": %s: %s\n", final, g_strerror(errno));
			rc = 1;
			goto next;
		}
		printf("%s: verified (%s)\n", t->name, resumed ? "resumed" : "fetched");
next:
		g_free(final);
		g_free(part);
		g_free(rpath);
	}
	g_strfreev(remote.ssh_args);
out:
	tsr_policy_free(p);
	g_free(dest);
	g_free(path);
	g_free(dir);
	g_option_context_free(ctx);
	g_free(from);
	return rc;
}

/* ---- report ---------------------------------------------------------------------------- */

static int cmd_report(int argc, char **argv)
{
	char *to = NULL, *id = NULL;
	const GOptionEntry entries[] = {
		{"to", 0, 0, G_OPTION_ARG_STRING, &to, "The collector", "USER@HOST:PATH"},
		{"id", 0, 0, G_OPTION_ARG_STRING, &id, "This laptop's name (default: host name)", "NAME"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("- send serial, signer and new audit lines to a collector");
	g_option_context_set_description(ctx,
		"Writes PATH/ID-TIME.report on the collector with the installed serial, the policy\n"
		"key fingerprint, the lease state and the audit log lines (STATE/audit/audit.log)\n"
		"added since the last successful report.");
	add_group(ctx, "state", state_entries);
	add_group(ctx, "ssh", ssh_entries);
	int rc = 0;
	GError *error = NULL;
	char *dest = NULL, *path = NULL, *tmp = NULL, *log = NULL;
	struct tsr_bundle *b = NULL;
	struct tsr_policy *p = NULL;
	if (!parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 1 || !to) {
		rc = usage_error(ctx, "report needs --to USER@HOST:PATH");
		goto out;
	}
	if (!id)
		id = g_strdup(g_get_host_name());
	/* The id becomes a file name on the collector. */
	bool id_ok = id[0] && id[0] != '.' && strlen(id) <= 64;
	for (const char *c = id; *c; c++)
		id_ok = id_ok && (g_ascii_isalnum(*c) || *c == '.' || *c == '_' || *c == '-');
	if (!id_ok) {
		rc = usage_error(ctx, "--id must be 1-64 letters, digits, '.', '_' or '-'");
		goto out;
	}
	if (!tsr_remote_split(to, &dest, &path, &error)) {
		rc = fail(error);
		goto out;
	}
	int64_t now = now_s();
	GString *s = g_string_new("tessera-report-v1\n");
	g_string_append_printf(s, "laptop %s\ntime %" G_GINT64_FORMAT "\n", id, now);
	char *bpath = g_build_filename(state_dir(), "current", "bundle", NULL);
	p = tsr_policy_load_installed(state_dir(), &error);
	b = p ? tsr_bundle_read(bpath, NULL) : NULL;
	g_free(bpath);
	if (p && b) {
		char fp[20];
		int64_t days = 0;
		enum tsr_policy_lease lease = tsr_policy_lease_state(
			p, tsr_policy_state_effective_time(state_dir(), now), &days);
		tsr_key_fingerprint(b->signer, fp);
		g_string_append_printf(s, "organization %s\ngroup %s\nserial %" G_GUINT64_FORMAT
		                       "\nsigner %s\nkeyset %" G_GUINT64_FORMAT
		                       "\nvalid-until %" G_GINT64_FORMAT "\nlease %s\n",
		                       b->organization, b->group, b->serial, fp, b->keyset->serial,
		                       b->valid_until, tsr_policy_lease_name(lease));
	} else {
		g_string_append_printf(s, "error %s\n", error ? error->message : "no bundle");
		g_clear_error(&error);
	}
	/* New audit lines: from the offset of the last report, unless the log was rotated. */
	char *audit = g_build_filename(state_dir(), "audit", "audit.log", NULL);
	char *offset_path = g_build_filename(state_dir(), "report.offset", NULL);
	char *offs = NULL;
	guint64 last_ino = 0, last_off = 0;
	if (g_file_get_contents(offset_path, &offs, NULL, NULL))
		sscanf(offs, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &last_ino, &last_off);
	g_free(offs);
	struct stat st;
	gsize alen = 0;
	guint64 ino = 0, start = 0;
	if (stat(audit, &st) == 0 && g_file_get_contents(audit, &log, &alen, NULL)) {
		ino = st.st_ino;
		start = (ino == last_ino && last_off <= alen) ? last_off : 0;
		/* Only whole lines; a line being written is for the next report. */
		gsize end = alen;
		while (end > start && log[end - 1] != '\n')
			end--;
		size_t lines = 0;
		for (gsize i = start; i < end; i++)
			lines += log[i] == '\n';
		g_string_append_printf(s, "audit-lines %zu\n", lines);
		g_string_append_len(s, log + start, (gssize)(end - start));
		alen = end;
	} else {
		g_string_append(s, "audit-lines 0\n");
	}
	int fd = g_file_open_tmp("tessera-report-XXXXXX", &tmp, &error);
	if (fd < 0 || write(fd, s->str, s->len) != (ssize_t)s->len) {
		rc = error ? fail(error) : 1;
	} else {
		char *rpath = g_strdup_printf("%s/%s-%" G_GINT64_FORMAT ".report", path, id, now);
		struct tsr_remote remote = make_remote();
		if (!tsr_remote_put(&remote, tmp, dest, rpath, &error)) {
			rc = fail(error);
		} else {
			char *o = g_strdup_printf("%" G_GUINT64_FORMAT " %" G_GSIZE_FORMAT "\n", ino, alen);
			if (!tsr_write_file_atomic(offset_path, o, strlen(o), 0600, &error))
				rc = fail(error);
			else
				printf("reported to %s:%s\n", dest, rpath);
			g_free(o);
		}
		g_strfreev(remote.ssh_args);
		g_free(rpath);
	}
	if (fd >= 0)
		close(fd);
	g_string_free(s, TRUE);
	g_free(audit);
	g_free(offset_path);
out:
	if (tmp)
		unlink(tmp);
	g_free(tmp);
	g_free(log);
	tsr_bundle_free(b);
	tsr_policy_free(p);
	g_free(dest);
	g_free(path);
	g_option_context_free(ctx);
	g_free(to);
	g_free(id);
	return rc;
}

/* ---- status ---------------------------------------------------------------------------- */

/* "+ [domain x]", "- [user y]", "~ [kiosk]": group-level differences of two contents. */
static void print_changes(const struct tsr_bundle *old, const struct tsr_bundle *cur)
{
	GKeyFile *a = g_key_file_new(), *b = g_key_file_new();
	if (!g_key_file_load_from_data(a, old->content, old->content_len, 0, NULL) ||
	    !g_key_file_load_from_data(b, cur->content, cur->content_len, 0, NULL)) {
		g_key_file_free(a);
		g_key_file_free(b);
		return;
	}
	char **ga = g_key_file_get_groups(a, NULL), **gb = g_key_file_get_groups(b, NULL);
	size_t changes = 0;
	for (size_t i = 0; gb[i]; i++) {
		if (!g_key_file_has_group(a, gb[i])) {
			printf("  + [%s]\n", gb[i]);
			changes++;
			continue;
		}
		char **keys = g_key_file_get_keys(b, gb[i], NULL, NULL);
		char **akeys = g_key_file_get_keys(a, gb[i], NULL, NULL);
		bool differ = g_strv_length(keys) != g_strv_length(akeys);
		for (size_t k = 0; !differ && keys[k]; k++) {
			char *va = g_key_file_get_value(a, gb[i], keys[k], NULL);
			char *vb = g_key_file_get_value(b, gb[i], keys[k], NULL);
			differ = !va || strcmp(va, vb) != 0;
			g_free(va);
			g_free(vb);
		}
		if (differ) {
			printf("  ~ [%s]\n", gb[i]);
			changes++;
		}
		g_strfreev(keys);
		g_strfreev(akeys);
	}
	for (size_t i = 0; ga[i]; i++)
		if (!g_key_file_has_group(b, ga[i])) {
			printf("  - [%s]\n", ga[i]);
			changes++;
		}
	if (!changes)
		printf("  (same content)\n");
	g_strfreev(ga);
	g_strfreev(gb);
	g_key_file_free(a);
	g_key_file_free(b);
}

/* The time the lease was judged at, and a clock that ran past the bound (policy/state.h). */
static void print_time_state(int64_t judged)
{
	int64_t latest = tsr_policy_state_latest_time(state_dir()), clock = 0, held = 0;
	char *j = fmt_time(judged);
	printf("judged at:    %s%s\n", j,
	       latest >= judged && latest > now_s() ? " (the latest time this laptop has seen, "
	                                               "later than the clock)" : "");
	g_free(j);
	if (tsr_policy_state_time_held(state_dir(), &clock, &held)) {
		char *c = fmt_time(clock), *h = fmt_time(held);
		printf("clock held:   the clock once said %s, past this bundle's validity and grace "
		       "days; the latest time was held at %s, so only this bundle's lease ended; "
		       "a newer bundle clears this\n", c, h);
		g_free(c);
		g_free(h);
	}
}

static int cmd_status(int argc, char **argv)
{
	GOptionContext *ctx = g_option_context_new("- what policy this laptop runs");
	g_option_context_set_description(ctx,
		"Installed serial, signer fingerprint, validity and lease, and what changed from the\n"
		"previous version. Exit status 1 if no valid policy is installed.");
	add_group(ctx, "state", state_entries);
	int rc = 0;
	GError *error = NULL;
	struct tsr_policy *p = NULL;
	struct tsr_bundle *cur = NULL, *prev = NULL;
	if (!parse(ctx, NULL, &argc, &argv, &rc))
		goto out;
	if (argc != 1) {
		rc = usage_error(ctx, "status takes no arguments");
		goto out;
	}
	p = tsr_policy_load_installed(state_dir(), &error);
	if (!p) {
		rc = fail(error);
		goto out;
	}
	char *cpath = g_build_filename(state_dir(), "current", "bundle", NULL);
	char *ppath = g_build_filename(state_dir(), "previous", "bundle", NULL);
	cur = tsr_bundle_read(cpath, NULL);
	prev = tsr_bundle_read(ppath, NULL);
	g_free(cpath);
	g_free(ppath);
	if (!cur) {
		fprintf(stderr, PROG ": the installed bundle changed while reading it; run again\n");
		rc = 1;
		goto out;
	}
	char fp[20];
	tsr_key_fingerprint(cur->signer, fp);
	int64_t days = 0;
	int64_t t = tsr_policy_state_effective_time(state_dir(), now_s());
	enum tsr_policy_lease lease = tsr_policy_lease_state(p, t, &days);
	char *from = fmt_time(cur->valid_from), *until = fmt_time(cur->valid_until);
	printf("state:        %s\n", state_dir());
	printf("installed:    %s/%s serial %" G_GUINT64_FORMAT "\n", cur->organization, cur->group,
	       cur->serial);
	printf("signed by:    %s (key set %" G_GUINT64_FORMAT ")\n", fp, cur->keyset->serial);
	printf("valid:        %s to %s\n", from, until);
	printf("lease:        %s", tsr_policy_lease_name(lease));
	if (lease == TSR_POLICY_LEASE_VALID || lease == TSR_POLICY_LEASE_GRACE)
		printf(", new logins for %" G_GINT64_FORMAT " more day(s)", days);
	char *lm = tsr_policy_lease_message(lease, days);
	if (lm)
		printf(" (%s)", lm);
	g_free(lm);
	printf("\n");
	print_time_state(t);
	printf("contents:     %zu domains, %zu users, %zu device rules, %zu templates\n",
	       p->n_domains, p->n_users, p->n_rules, p->n_templates);
	if (prev) {
		printf("previous:     serial %" G_GUINT64_FORMAT "; changes:\n", prev->serial);
		print_changes(prev, cur);
	} else {
		printf("previous:     none\n");
	}
	g_free(from);
	g_free(until);
	if (lease == TSR_POLICY_LEASE_EXPIRED || lease == TSR_POLICY_LEASE_NOT_YET_VALID)
		rc = 1;
out:
	tsr_policy_free(p);
	tsr_bundle_free(cur);
	tsr_bundle_free(prev);
	g_option_context_free(ctx);
	return rc;
}

/* ---- main ------------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *what;
} commands[] = {
	{"keygen", cmd_keygen, "make a root or policy key pair"},
	{"keyset", cmd_keyset, "sign the set of trusted policy keys (root key)"},
	{"passwd", cmd_passwd, "hash a password for users.conf"},
	{"build", cmd_build, "validate a policy source, write one bundle per laptop group"},
	{"sign", cmd_sign, "sign a bundle (policy key)"},
	{"verify", cmd_verify, "check a bundle against a root key"},
	{"push", cmd_push, "send a bundle to many laptops over ssh"},
	{"init", cmd_init, "enrol a laptop: pin the root key"},
	{"install", cmd_install, "verify and install a bundle on this laptop"},
	{"receive", cmd_receive, "install a bundle from stdin (ssh forced command)"},
	{"pull", cmd_pull, "fetch and install this laptop's bundle"},
	{"templates", cmd_templates, "fetch and verify the pinned disk templates"},
	{"report", cmd_report, "send serial, signer and audit lines to a collector"},
	{"status", cmd_status, "show the installed policy"},
};

static void main_usage(FILE *f)
{
	fprintf(f, "Usage: " PROG " COMMAND [OPTIONS]\n\nSigned policy for Tessera laptops.\n\n"
	           "Commands:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n'" PROG " COMMAND --help' describes each. See tessera-provision(1).\n");
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, PROG ": libsodium failed to initialise\n");
		return 1;
	}
	if (argc < 2) {
		main_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		main_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf(PROG " " PACKAGE_VERSION "\n");
		return 0;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			/* The program name becomes the command, so --help reads
			 * "tessera-provision keygen". */
			char *name = g_strdup_printf(PROG " %s", commands[i].name);
			g_set_prgname(name);
			argv[1] = name;
			int rc = commands[i].fn(argc - 1, argv + 1);
			g_free(name);
			g_free(opt_state_dir);
			g_free(opt_passphrase_file);
			g_free(opt_ssh_config);
			g_strfreev(opt_ssh_options);
			g_free(opt_broker_socket);
			return rc;
		}
	fprintf(stderr, PROG ": unknown command '%s'\n\n", argv[1]);
	main_usage(stderr);
	return 2;
}
