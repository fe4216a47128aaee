/* provisioning/admin-commands.c: tessera-provision's commands for the admin's machine.
 *
 * keygen, keyset, passwd, build, sign, verify and push: making keys, turning a policy source
 * into signed bundles, and sending them out. Nothing here touches a laptop's state directory;
 * the rules (what a signature covers, what a bundle holds) live in policy/ and provisioning/. */
#include "config.h"
#include "policy/bundle.h"
#include "policy/policy.h"
#include "policy/state.h"
#include "provisioning/install.h"
#include "provisioning/keys.h"
#include "provisioning/provision-cli.h"
#include "provisioning/remote.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- keygen ---------------------------------------------------------------------------- */

int prov_cmd_keygen(int argc, char **argv)
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
	prov_add_group(ctx, prov_pass_entries);
	int rc = 0;
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	enum tsr_key_role role = TSR_KEY_ROLE_POLICY;
	if (!out || argc != 1 || (role_name && !tsr_key_role_parse(role_name, &role))) {
		rc = prov_usage_error(ctx, "keygen needs --out DIR and --role root|policy");
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
		char *pass = tsr_passphrase_read(prov_opt_passphrase_file, "New passphrase: ", true, &error);
		struct tsr_secret_key *key = pass ? tsr_secret_key_generate(role) : NULL;
		if (!key || !tsr_secret_key_save(key, secret, pass, &error) ||
		    !tsr_public_key_save(role, key->pk, pub, &error)) {
			rc = error ? prov_fail(error) : 1;
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

int prov_cmd_keyset(int argc, char **argv)
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
	prov_add_group(ctx, prov_pass_entries);
	int rc = 0;
	GError *error = NULL;
	struct tsr_keyset ks = {0};
	struct tsr_secret_key *key = NULL;
	char *pass = NULL;
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (!root || !out || !add || argc != 1 || serial < 0) {
		rc = prov_usage_error(ctx, "keyset needs --root SECRET --add PUB... --out FILE");
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
		rc = prov_usage_error(ctx, "the first key set needs --organization ORG");
		goto out;
	}
	ks.organization = org;
	if (!prov_load_public_keys(add, TSR_KEY_ROLE_POLICY, &ks.keys, &ks.n_keys, &error) ||
	    !prov_load_public_keys(revoke, TSR_KEY_ROLE_POLICY, &ks.revoked, &ks.n_revoked, &error)) {
		rc = prov_fail(error);
		goto out;
	}
	ks.serial = (uint64_t)serial;
	pass = tsr_passphrase_read(prov_opt_passphrase_file, "Root key passphrase: ", false, &error);
	key = pass ? tsr_secret_key_load(root, pass, &error) : NULL;
	if (!key) {
		rc = prov_fail(error);
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
		rc = prov_fail(error);
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

int prov_cmd_passwd(int argc, char **argv)
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
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 1) {
		rc = prov_usage_error(ctx, "passwd takes no arguments");
		goto out;
	}
	GError *error = NULL;
	char *pass = tsr_passphrase_read(file, "Password: ", true, &error);
	if (!pass) {
		rc = prov_fail(error);
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

int prov_cmd_build(int argc, char **argv)
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
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 2 || !out) {
		rc = prov_usage_error(ctx, "build needs SRC and --out DIR");
		goto out;
	}
	/* What the kiosk will do with [kiosk], [hotkeys] and [keymap]: refusing here (and at
	 * install) keeps a laptop's kiosk usable. */
	p = tsr_policy_load_dir_checked(argv[1], &error);
	if (!p) {
		rc = prov_fail(error);
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
			rc = prov_fail(error);
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
			rc = prov_fail(error);
		} else {
			size_t n = 0;
			char *data = tsr_bundle_serialize(&b, &n);
			if (!tsr_write_file_atomic(path, data, n, 0600, &error))
				rc = prov_fail(error);
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

/* The signed key set in file, for the bundle's organization; NULL with a message printed. */
static struct tsr_keyset *read_keyset_for(const char *file, const struct tsr_bundle *b)
{
	char *data = NULL;
	gsize len = 0;
	GError *error = NULL;
	if (!g_file_get_contents(file, &data, &len, &error)) {
		prov_fail(error);
		return NULL;
	}
	struct tsr_keyset *ks = tsr_keyset_parse(data, len, &error);
	g_free(data);
	if (!ks) {
		prov_fail(error);
		return NULL;
	}
	if (!ks->is_signed || strcmp(ks->organization, b->organization) != 0) {
		fprintf(stderr, PROG ": %s is %s for organization '%s'; the bundle is for '%s'\n",
		        file, ks->is_signed ? "a key set" : "an unsigned key set", ks->organization,
		        b->organization);
		tsr_keyset_free(ks);
		return NULL;
	}
	return ks;
}

/* The key is a policy key the key set lists and does not revoke: laptops would refuse
 * anything else, so sign refuses first. */
static bool may_sign(const struct tsr_secret_key *key, const struct tsr_keyset *ks)
{
	bool listed = false, revoked = false;
	for (size_t i = 0; i < ks->n_keys; i++)
		listed |= memcmp(ks->keys[i], key->pk, 32) == 0;
	for (size_t i = 0; i < ks->n_revoked; i++)
		revoked |= memcmp(ks->revoked[i], key->pk, 32) == 0;
	return key->role == TSR_KEY_ROLE_POLICY && listed && !revoked;
}

/* Serial, validity and signer set, sign (covering the key set b carries), write to dest. */
static int sign_and_write(struct tsr_bundle *b, const struct tsr_secret_key *key,
                          uint64_t serial, int64_t days, const char *dest)
{
	GError *error = NULL;
	b->serial = serial ? serial : b->serial + 1;
	b->valid_from = prov_now();
	b->valid_until = b->valid_from + days * 86400;
	memcpy(b->signer, key->pk, 32);
	size_t n = 0;
	char *text = tsr_bundle_signed_text(b, &n);
	crypto_sign_detached(b->signature, NULL, (const unsigned char *)text, n, key->sk);
	g_free(text);
	b->is_signed = true;
	text = tsr_bundle_serialize(b, &n);
	int rc = 0;
	if (!tsr_write_file_atomic(dest, text, n, 0600, &error)) {
		rc = prov_fail(error);
	} else {
		char *until = prov_fmt_time(b->valid_until);
		printf("%s/%s serial %" G_GUINT64_FORMAT ", valid until %s -> %s\n", b->organization,
		       b->group, b->serial, until, dest);
		g_free(until);
	}
	g_free(text);
	return rc;
}

int prov_cmd_sign(int argc, char **argv)
{
	char *keyfile = NULL, *keyset_file = NULL, *out = NULL;
	gint64 serial = 0, days = 30;
	const GOptionEntry entries[] = {
		{"key", 0, 0, G_OPTION_ARG_FILENAME, &keyfile, "The policy secret key", "SECRET"},
		{"keyset", 0, 0, G_OPTION_ARG_FILENAME, &keyset_file, "The current signed key set", "FILE"},
		{"serial", 0, 0, G_OPTION_ARG_INT64, &serial, "Serial (default: the bundle's + 1)", "N"},
		{"valid-days", 0, 0, G_OPTION_ARG_INT64, &days, "Days of validity from now (default 30)", "N"},
		{"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Write here instead of over BUNDLE", "FILE"},
		{"now", 0, 0, G_OPTION_ARG_INT64, &prov_opt_now, "Take this unix time as the clock (tests)", "UNIX"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("BUNDLE - sign a bundle with the policy key");
	g_option_context_set_description(ctx,
		"Sets serial and validity window, attaches the key set, signs. What is signed starts\n"
		"with tessera-bundle-v2, the organization, group, serial and validity, the content, then\n"
		"the serial and sha256 of the key set, so the key set cannot be swapped on the way.");
	prov_add_group(ctx, prov_pass_entries);
	int rc = 0;
	GError *error = NULL;
	struct tsr_bundle *b = NULL;
	struct tsr_secret_key *key = NULL;
	char *pass = NULL;
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 2 || !keyfile || !keyset_file || serial < 0 || days < 1 || days > 3650) {
		rc = prov_usage_error(ctx, "sign needs BUNDLE --key SECRET --keyset FILE (valid-days 1..3650)");
		goto out;
	}
	b = tsr_bundle_read(argv[1], &error);
	if (!b) {
		rc = prov_fail(error);
		goto out;
	}
	tsr_keyset_free(b->keyset);
	b->keyset = read_keyset_for(keyset_file, b);
	if (!b->keyset) {
		rc = 1;
		goto out;
	}
	pass = tsr_passphrase_read(prov_opt_passphrase_file, "Policy key passphrase: ", false, &error);
	key = pass ? tsr_secret_key_load(keyfile, pass, &error) : NULL;
	if (!key) {
		rc = prov_fail(error);
		goto out;
	}
	if (!may_sign(key, b->keyset)) {
		fprintf(stderr, PROG ": %s is not a current policy key of key set %" G_GUINT64_FORMAT
		        "; laptops would refuse the bundle\n", keyfile, b->keyset->serial);
		rc = 1;
		goto out;
	}
	rc = sign_and_write(b, key, (uint64_t)serial, days, out ? out : argv[1]);
out:
	tsr_bundle_free(b);
	tsr_secret_key_free(key);
	tsr_passphrase_free(pass);
	g_option_context_free(ctx);
	g_free(keyfile);
	g_free(keyset_file);
	g_free(out);
	return rc;
}

/* ---- verify ---------------------------------------------------------------------------- */

int prov_cmd_verify(int argc, char **argv)
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
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 2 || !trust) {
		rc = prov_usage_error(ctx, "verify needs BUNDLE and --trust ROOTPUB");
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
			rc = prov_fail(kerr);
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
		rc = prov_fail(error);
		goto out;
	}
	char fp[20], *from = prov_fmt_time(b->valid_from), *until = prov_fmt_time(b->valid_until);
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

/* ---- push ------------------------------------------------------------------------------ */

int prov_cmd_push(int argc, char **argv)
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
	prov_add_group(ctx, prov_ssh_entries);
	int rc = 0;
	GError *error = NULL;
	char **hosts = NULL;
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 2 || !hosts_file || jobs < 1 || jobs > 1024) {
		rc = prov_usage_error(ctx, "push needs BUNDLE --hosts FILE (and -j 1..1024)");
		goto out;
	}
	struct tsr_bundle *b = tsr_bundle_read(argv[1], &error);
	if (!b || !b->is_signed) {
		if (b)
			fprintf(stderr, PROG ": %s is not signed; run 'tessera-provision sign' first\n",
			        argv[1]);
		rc = b ? 1 : prov_fail(error);
		tsr_bundle_free(b);
		goto out;
	}
	tsr_bundle_free(b);
	hosts = tsr_push_read_hosts(hosts_file, &error);
	if (!hosts) {
		rc = prov_fail(error);
		goto out;
	}
	size_t n = g_strv_length(hosts);
	if (n == 0) {
		fprintf(stderr, PROG ": %s lists no hosts\n", hosts_file);
		rc = 1;
		goto out;
	}
	struct tsr_push_host *res = g_new0(struct tsr_push_host, n ? n : 1);
	struct tsr_remote remote = prov_make_remote();
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
