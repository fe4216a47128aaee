/* broker/ctl.c: tessera-ctl, root's command line for the broker.
 *
 * One request per run over the control socket (proto/control-client.h); the answer is printed
 * for people, or as the raw JSON result with --json for scripts. Exit status: 0 success, 1 the
 * broker refused or failed, 2 usage error, 3 cannot reach the broker. */
#include "config.h"
#include "proto/control-client.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_SOCKET "/run/tessera/control.sock"

static const char *str(JsonObject *o, const char *name)
{
	return json_object_get_string_member_with_default(o, name, "");
}

static void print_status(JsonObject *r)
{
	JsonObject *pol = json_object_get_object_member(r, "policy");
	JsonObject *ses = json_object_get_object_member(r, "session");
	JsonObject *k = json_object_get_object_member(r, "kiosk");

	printf("broker pid    %" G_GINT64_FORMAT "\n", json_object_get_int_member(r, "pid"));
	if (pol && json_object_get_boolean_member_with_default(pol, "loaded", FALSE))
		printf("policy        %s serial %" G_GINT64_FORMAT " (%s), lease %s, %" G_GINT64_FORMAT
		       " day(s) left\n",
		       str(pol, "organization"), json_object_get_int_member(pol, "serial"),
		       str(pol, "source"), str(pol, "lease"),
		       json_object_get_int_member(pol, "days_left"));
	else
		printf("policy        none loaded (install one with tessera-provision)\n");
	if (ses)
		printf("session       %s%s%s%s%s\n", str(ses, "state"),
		       json_object_has_member(ses, "user") ? " user " : "", str(ses, "user"),
		       json_object_has_member(ses, "focused") ? ", focus " : "",
		       str(ses, "focused"));
	if (k && json_object_get_boolean_member_with_default(k, "enabled", FALSE))
		printf("kiosk         pid %" G_GINT64_FORMAT ", started %" G_GINT64_FORMAT
		       " time(s), %s\n",
		       json_object_get_int_member(k, "pid"), json_object_get_int_member(k, "starts"),
		       json_object_get_boolean_member(k, "connected") ? "connected" : "not connected");
	else
		printf("kiosk         none\n");
	printf("domains       %" G_GINT64_FORMAT " defined, %" G_GINT64_FORMAT " running\n",
	       json_object_get_int_member(r, "domains"), json_object_get_int_member(r, "running"));
	printf("usb           %s%s%s\n", str(r, "usb_state"),
	       json_object_has_member(r, "usb_reason") ? ": " : "", str(r, "usb_reason"));
}

static void print_domain(JsonObject *d)
{
	printf("%-16s %-11s %-5s %-10s %s%s%s\n", str(d, "name"), str(d, "state"), str(d, "backend"),
	       json_object_get_boolean_member_with_default(d, "disposable", FALSE) ? "disposable"
										    : "persistent",
	       str(d, "owner"), json_object_has_member(d, "reason") ? "  " : "", str(d, "reason"));
}

static void print_domains(JsonObject *r)
{
	JsonArray *a = json_object_get_array_member(r, "domains");

	printf("%-16s %-11s %-5s %-10s %s\n", "NAME", "STATE", "KIND", "DISK", "OWNER");
	for (guint i = 0; a && i < json_array_get_length(a); i++)
		print_domain(json_array_get_object_element(a, i));
}

static void print_devices(JsonObject *r)
{
	JsonArray *a = json_object_get_array_member(r, "devices");

	if (json_object_has_member(r, "usb_reason"))
		printf("USB assignment is unavailable: %s\n", str(r, "usb_reason"));
	else if (!json_object_get_boolean_member_with_default(r, "usb", FALSE))
		printf("USB handling is off in this broker\n");
	printf("%-12s %-10s %-9s %-8s %-12s %s\n", "DEVICE", "USB-ID", "SYSFS", "VERDICT",
	       "ATTACHED-TO", "REASON");
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonObject *d = json_array_get_object_element(a, i);
		printf("%-12s %-10s %-9s %-8s %-12s %s\n", str(d, "id"), str(d, "usb_id"),
		       str(d, "sysname"), str(d, "verdict"),
		       json_object_has_member(d, "attached_to") ? str(d, "attached_to") : "-",
		       str(d, "reason"));
	}
}

static void print_audit(JsonObject *r)
{
	JsonArray *a = json_object_get_array_member(r, "events");
	g_autoptr(JsonGenerator) gen = json_generator_new();

	/* The audit log's own form: one JSON object per line. */
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		g_autofree char *line = NULL;
		json_generator_set_root(gen, json_array_get_element(a, i));
		line = json_generator_to_data(gen, NULL);
		printf("%s\n", line);
	}
	if (json_object_get_boolean_member_with_default(r, "truncated", FALSE))
		fprintf(stderr, "tessera-ctl: older events left out; narrow with --since\n");
}

/* --since: unix seconds, an ISO 8601 time, or a relative "10m", "2h", "3d". */
static bool parse_since(const char *s, int64_t *out)
{
	char *end = NULL;
	gint64 v = g_ascii_strtoll(s, &end, 10);

	if (end && end != s && *end == '\0' && v >= 0) {
		*out = v;
		return true;
	}
	if (end && end != s && v >= 0 && end[1] == '\0' && strchr("smhd", *end)) {
		int64_t mult = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : 86400;
		*out = MAX(0, (int64_t)time(NULL) - v * mult);
		return true;
	}
	g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(s, g_time_zone_new_utc());
	if (dt) {
		*out = g_date_time_to_unix(dt);
		return true;
	}
	return false;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tessera-ctl [--socket PATH] [--json] [--timeout SECONDS] COMMAND [ARGS]\n"
		"\n"
		"Commands (root only):\n"
		"  status                 policy, session, kiosk and domain counts\n"
		"  domains                every domain with its state\n"
		"  start NAME             start a domain\n"
		"  stop NAME              shut a domain down (hard stop after the timeout)\n"
		"  devices [--rescan]     USB devices, the rules' verdicts, assignments\n"
		"  attach DEVICE NAME     give a USB device to a running domain\n"
		"  detach DEVICE          take a USB device back (it is reset)\n"
		"  audit [--since WHEN]   audit events (WHEN: unix seconds, ISO 8601, or 10m/2h/3d)\n"
		"  reload                 re-read the installed policy\n"
		"\n"
		"Options:\n"
		"  --socket PATH          the broker's control socket (default " DEFAULT_SOCKET ")\n"
		"  --json                 print the result as JSON\n"
		"  --timeout SECONDS      how long to wait for the answer (default 120)\n"
		"  -h, --help             this help\n"
		"\n"
		"See tessera-ctl(8) and doc/control-protocol.md.\n");
}

/* What the command line asked for. */
struct options {
	const char *socket_path;
	bool json, rescan;
	int timeout_s;
	const char *since;
	GPtrArray *pos; /* the command and its arguments, borrowed from argv */
};

/* Fill o from argv. Returns -1 to go on, else the exit status (help printed, or a usage error). */
static int parse_options(int argc, char **argv, struct options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--rescan") == 0) {
			o->rescan = true;
		} else if (strcmp(a, "--socket") == 0 && i + 1 < argc) {
			o->socket_path = argv[++i];
		} else if (g_str_has_prefix(a, "--socket=")) {
			o->socket_path = a + 9;
		} else if (strcmp(a, "--since") == 0 && i + 1 < argc) {
			o->since = argv[++i];
		} else if (g_str_has_prefix(a, "--since=")) {
			o->since = a + 8;
		} else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
			o->timeout_s = atoi(argv[++i]);
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "tessera-ctl: unknown option %s (try --help)\n", a);
			return 2;
		} else {
			g_ptr_array_add(o->pos, (gpointer)a);
		}
	}
	if (o->pos->len == 0) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/* Is the command one we know, with the right number of arguments and options that go with it?
 * Complains on stderr when not. */
static bool command_ok(const struct options *o)
{
	static const struct {
		const char *name;
		unsigned nargs;
	} cmds[] = { { "status", 0 }, { "domains", 0 }, { "start", 1 }, { "stop", 1 },
		     { "devices", 0 }, { "attach", 2 }, { "detach", 1 }, { "audit", 0 },
		     { "reload", 0 } };
	const char *cmd = o->pos->pdata[0];
	size_t c = 0;

	while (c < G_N_ELEMENTS(cmds) && strcmp(cmds[c].name, cmd) != 0)
		c++;
	if (c == G_N_ELEMENTS(cmds)) {
		fprintf(stderr, "tessera-ctl: unknown command %s (try --help)\n", cmd);
		return false;
	}
	if (o->pos->len - 1 != cmds[c].nargs) {
		fprintf(stderr, "tessera-ctl: %s takes %u argument(s) (try --help)\n", cmd,
			cmds[c].nargs);
		return false;
	}
	if ((o->since && strcmp(cmd, "audit") != 0) || (o->rescan && strcmp(cmd, "devices") != 0)) {
		fprintf(stderr, "tessera-ctl: --since goes with audit, --rescan with devices\n");
		return false;
	}
	return true;
}

/* The request's arguments, or NULL (after a complaint on stderr) when --since is unreadable. */
static JsonObject *request_args(const struct options *o)
{
	const char *cmd = o->pos->pdata[0];
	JsonObject *args = json_object_new();

	if (strcmp(cmd, "start") == 0 || strcmp(cmd, "stop") == 0)
		json_object_set_string_member(args, "name", o->pos->pdata[1]);
	if (strcmp(cmd, "attach") == 0 || strcmp(cmd, "detach") == 0)
		json_object_set_string_member(args, "device", o->pos->pdata[1]);
	if (strcmp(cmd, "attach") == 0)
		json_object_set_string_member(args, "name", o->pos->pdata[2]);
	if (o->rescan)
		json_object_set_boolean_member(args, "rescan", TRUE);
	if (o->since) {
		int64_t t;
		if (!parse_since(o->since, &t)) {
			fprintf(stderr,
				"tessera-ctl: --since takes unix seconds, an ISO 8601 time "
				"(2026-11-26T17:00:00Z) or 10m/2h/3d, not %s\n",
				o->since);
			json_object_unref(args);
			return NULL;
		}
		json_object_set_int_member(args, "since", t);
	}
	return args;
}

static void print_json(JsonObject *result)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
	g_autofree char *text = NULL;

	json_node_set_object(node, result);
	json_generator_set_root(gen, node);
	json_generator_set_pretty(gen, TRUE);
	text = json_generator_to_data(gen, NULL);
	printf("%s\n", text);
}

/* Each command's answer in the form people read. */
static void print_result(const char *cmd, JsonObject *result)
{
	if (strcmp(cmd, "status") == 0 || strcmp(cmd, "reload") == 0)
		print_status(result);
	else if (strcmp(cmd, "domains") == 0)
		print_domains(result);
	else if (strcmp(cmd, "start") == 0 || strcmp(cmd, "stop") == 0)
		print_domain(result);
	else if (strcmp(cmd, "devices") == 0 || strcmp(cmd, "attach") == 0 ||
		 strcmp(cmd, "detach") == 0)
		print_devices(result);
	else if (strcmp(cmd, "audit") == 0)
		print_audit(result);
}

int main(int argc, char **argv)
{
	g_autoptr(GPtrArray) pos = g_ptr_array_new();
	struct options o = { .socket_path = DEFAULT_SOCKET, .timeout_s = 120, .pos = pos };
	struct tsr_ctl_response r = { 0 };
	g_autoptr(GError) error = NULL;
	int status;

	setlocale(LC_ALL, "");
	status = parse_options(argc, argv, &o);
	if (status >= 0)
		return status;
	if (!command_ok(&o))
		return 2;
	const char *cmd = pos->pdata[0];
	JsonObject *args = request_args(&o);
	if (!args)
		return 2;
	if (!tsr_ctl_call_once(o.socket_path, cmd, args, o.timeout_s * 1000, &r, &error)) {
		fprintf(stderr, "tessera-ctl: %s\n", error->message);
		return 3;
	}
	if (!r.ok) {
		fprintf(stderr, "tessera-ctl: %s: %s\n", tsr_ctl_error_code_name(r.code), r.message);
		tsr_ctl_response_clear(&r);
		return 1;
	}
	if (o.json)
		print_json(r.result);
	else
		print_result(cmd, r.result);
	tsr_ctl_response_clear(&r);
	return 0;
}
