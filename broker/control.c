/* broker/control.c: the commands root may give over the control socket.
 *
 * The socket layer (control-server.c) has already refused everyone but root and checked the
 * message's shape; here each command checks its own arguments (exact members, types, names)
 * and answers with a result object. Every command that changes something is audited with the
 * caller's pid. The commands and their results are documented in doc/control-protocol.md. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"

#include <gio/gio.h>
#include <string.h>

static bool args_only(JsonObject *args, const char *const *allowed, GError **error)
{
	JsonObjectIter it;
	const char *name;
	JsonNode *n;

	json_object_iter_init(&it, args);
	while (json_object_iter_next(&it, &name, &n)) {
		if (!allowed || !g_strv_contains(allowed, name)) {
			g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_BAD_ARGUMENT,
				    "unknown argument \"%.64s\"", name);
			return false;
		}
	}
	return true;
}

static const char *arg_string(JsonObject *args, const char *name, GError **error)
{
	JsonNode *n = json_object_get_member(args, name);

	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING ||
	    !json_node_get_string(n)[0]) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_BAD_ARGUMENT,
			    "argument \"%s\" must be a non-empty string", name);
		return NULL;
	}
	return json_node_get_string(n);
}

static struct brk_dom *arg_domain(struct tsr_broker *b, JsonObject *args, GError **error)
{
	const char *name = arg_string(args, "name", error);
	struct brk_dom *d;

	if (!name)
		return NULL;
	d = brk_dom(b, name);
	if (!d || !d->pol) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_NOT_FOUND,
			    "no domain \"%.64s\" in policy (tessera-ctl domains lists them)", name);
		return NULL;
	}
	return d;
}

static const char *session_name(enum session_state s)
{
	return s == SESSION_ACTIVE ? "active" : s == SESSION_LOCKED ? "locked" : "login";
}

static JsonObject *domain_object(struct tsr_broker *b, struct brk_dom *d)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "name", d->name);
	json_object_set_string_member(o, "label", d->pol && d->pol->label ? d->pol->label : d->name);
	json_object_set_string_member(o, "backend",
				      d->pol ? tsr_policy_backend_name(d->pol->backend) : "");
	json_object_set_string_member(o, "state", d->backend
							  ? tsr_domain_state_name(brk_dom_state(d))
							  : "unavailable");
	json_object_set_boolean_member(o, "disposable", d->pol && d->pol->disposable);
	if (d->unavailable)
		json_object_set_string_member(o, "reason", d->unavailable);
	if (d->owner)
		json_object_set_string_member(o, "owner", d->owner);
	if (d->backend && tsr_backend_domain_pid(d->backend, d->name) > 0)
		json_object_set_int_member(o, "pid", tsr_backend_domain_pid(d->backend, d->name));
	if (d->viewer_pid > 0) {
		json_object_set_int_member(o, "viewer_pid", d->viewer_pid);
		json_object_set_int_member(o, "viewer_uid", d->viewer_uid);
	}
	return o;
}

/* "usb": whether host USB is handled; "usb_state": on, off (--no-usb) or unavailable (this
 * host has no USB), with "usb_reason" for the last. */
static void add_usb_state(struct tsr_broker *b, JsonObject *o)
{
	g_autofree char *why = b->usb ? brk_usb_host_unavailable(b->usb) : NULL;

	json_object_set_boolean_member(o, "usb", b->usb && !why);
	json_object_set_string_member(o, "usb_state", !b->usb ? "off" : why ? "unavailable" : "on");
	if (why)
		json_object_set_string_member(o, "usb_reason", why);
}

static JsonObject *cmd_status(struct tsr_broker *b)
{
	JsonObject *o = json_object_new(), *pol = json_object_new(), *ses = json_object_new();
	JsonObject *k = json_object_new();
	int64_t days = 0;
	enum tsr_policy_lease lease = brk_lease(b, &days);
	GHashTableIter it;
	gpointer value;
	int64_t running = 0;

	if (b->policy) {
		json_object_set_string_member(pol, "organization", b->policy->organization);
		json_object_set_int_member(pol, "serial", (int64_t)b->policy->serial);
		json_object_set_int_member(pol, "valid_until", b->policy->valid_until);
		json_object_set_string_member(pol, "source", b->cfg.policy_dir ? b->cfg.policy_dir
									 : "installed bundle");
	}
	json_object_set_string_member(pol, "lease", tsr_policy_lease_name(lease));
	json_object_set_int_member(pol, "days_left", days);
	json_object_set_boolean_member(pol, "loaded", b->policy != NULL);
	json_object_set_string_member(ses, "state", session_name(b->session));
	if (b->user)
		json_object_set_string_member(ses, "user", b->user);
	if (b->focused)
		json_object_set_string_member(ses, "focused", b->focused);
	json_object_set_boolean_member(k, "enabled", b->kiosk != NULL);
	json_object_set_int_member(k, "pid", brk_kiosk_link_pid(b->kiosk));
	json_object_set_int_member(k, "starts", brk_kiosk_link_starts(b->kiosk));
	json_object_set_boolean_member(k, "connected", brk_kiosk_link_connected(b->kiosk));
	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value))
		running += brk_dom_state(value) == TSR_DOMAIN_RUNNING;
	json_object_set_object_member(o, "policy", pol);
	json_object_set_object_member(o, "session", ses);
	json_object_set_object_member(o, "kiosk", k);
	json_object_set_int_member(o, "domains", g_hash_table_size(b->domains));
	json_object_set_int_member(o, "running", running);
	json_object_set_int_member(o, "pid", getpid());
	add_usb_state(b, o);
	return o;
}

static JsonObject *cmd_domains(struct tsr_broker *b)
{
	JsonObject *o = json_object_new();
	JsonArray *a = json_array_new();

	for (size_t i = 0; b->policy && i < b->policy->n_domains; i++) {
		struct brk_dom *d = brk_dom(b, b->policy->domains[i].name);
		if (d)
			json_array_add_object_element(a, domain_object(b, d));
	}
	json_object_set_array_member(o, "domains", a);
	return o;
}

static void start_finished(struct tsr_broker *b, const char *name, const GError *error,
			   void *data)
{
	struct tsr_ctl_call *call = data;
	struct brk_dom *d = brk_dom(b, name);
	g_autoptr(GError) err = NULL;

	if (error)
		err = g_error_new(TSR_CTL_ERROR, TSR_CTL_ERROR_FAILED, "%s", error->message);
	tsr_ctl_call_finish(call, !error && d ? domain_object(b, d) : NULL, err);
}

static char *who(struct tsr_ctl_call *call)
{
	return g_strdup_printf("root (pid %d)", (int)tsr_ctl_call_peer(call)->pid);
}

static JsonObject *cmd_start_stop(struct tsr_broker *b, struct tsr_ctl_call *call, bool start,
				  GError **error)
{
	static const char *const allowed[] = { "name", NULL };
	JsonObject *args = tsr_ctl_call_request(call)->args;
	g_autofree char *by = who(call);
	struct brk_dom *d;

	if (!args_only(args, allowed, error) || !(d = arg_domain(b, args, error)))
		return NULL;
	if (start && !d->backend) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_FAILED,
			    "domain %s cannot run on this laptop: %s", d->name, d->unavailable);
		return NULL;
	}
	tsr_ctl_call_defer(call);
	if (start)
		brk_dom_start(b, d, by, start_finished, call);
	else
		brk_dom_stop(b, d, by, start_finished, call);
	return NULL;
}

static JsonObject *cmd_devices(struct tsr_broker *b)
{
	JsonObject *o = json_object_new();
	JsonArray *assigned = json_array_new();
	g_auto(GStrv) list = tsr_device_table_list(b->devices);

	for (size_t i = 0; list[i]; i += 2) {
		JsonObject *e = json_object_new();
		json_object_set_string_member(e, "id", list[i]);
		json_object_set_string_member(e, "domain", list[i + 1]);
		json_array_add_object_element(assigned, e);
	}
	json_object_set_array_member(o, "devices", b->usb ? brk_usb_host_list(b->usb) : json_array_new());
	json_object_set_array_member(o, "assignments", assigned);
	add_usb_state(b, o);
	return o;
}

static JsonObject *cmd_attach(struct tsr_broker *b, struct tsr_ctl_call *call, bool attach,
			      GError **error)
{
	static const char *const a_allowed[] = { "device", "name", NULL };
	static const char *const d_allowed[] = { "device", NULL };
	JsonObject *args = tsr_ctl_call_request(call)->args;
	g_autofree char *by = who(call);
	const char *id;
	struct brk_dom *d = NULL;

	if (!args_only(args, attach ? a_allowed : d_allowed, error) ||
	    !(id = arg_string(args, "device", error)) ||
	    (attach && !(d = arg_domain(b, args, error))))
		return NULL;
	if (!b->usb) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_FAILED,
			    "USB handling is off in this broker (started without --sysfs)");
		return NULL;
	}
	brk_audit(b, attach ? "admin-attach" : "admin-detach", "device", id, "domain",
		     d ? d->name : NULL, "by", by, NULL);
	if (attach ? !brk_usb_host_attach(b->usb, id, d->name, error)
		   : !brk_usb_host_detach(b->usb, id, error))
		return NULL;
	return cmd_devices(b);
}

static JsonObject *cmd_audit(struct tsr_broker *b, JsonObject *args, GError **error)
{
	static const char *const allowed[] = { "since", "max", NULL };
	JsonObject *o;
	int64_t since = 0, max = 1000;
	bool truncated = false;
	JsonNode *n;

	if (!args_only(args, allowed, error))
		return NULL;
	if ((n = json_object_get_member(args, "since"))) {
		if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64 ||
		    json_node_get_int(n) < 0) {
			g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_BAD_ARGUMENT,
				    "\"since\" must be unix seconds (a non-negative integer)");
			return NULL;
		}
		since = json_node_get_int(n);
	}
	if ((n = json_object_get_member(args, "max"))) {
		if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64 ||
		    json_node_get_int(n) < 1 || json_node_get_int(n) > 10000) {
			g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_BAD_ARGUMENT,
				    "\"max\" must be 1 to 10000");
			return NULL;
		}
		max = json_node_get_int(n);
	}
	o = json_object_new();
	json_object_set_array_member(o, "events",
				     tsr_audit_read(b->audit, since * G_USEC_PER_SEC, (size_t)max,
						    &truncated));
	json_object_set_boolean_member(o, "truncated", truncated);
	return o;
}

JsonObject *brk_control_handle(void *data, struct tsr_ctl_call *call, GError **error)
{
	struct tsr_broker *b = data;
	const struct tsr_ctl_request *req = tsr_ctl_call_request(call);
	const char *cmd = req->command;
	g_autofree char *pid = g_strdup_printf("%d", (int)tsr_ctl_call_peer(call)->pid);

	/* Read-only commands are not audited (audit would audit itself); the rest are. */
	if (strcmp(cmd, "status") == 0)
		return args_only(req->args, NULL, error) ? cmd_status(b) : NULL;
	if (strcmp(cmd, "domains") == 0)
		return args_only(req->args, NULL, error) ? cmd_domains(b) : NULL;
	if (strcmp(cmd, "devices") == 0) {
		static const char *const allowed[] = { "rescan", NULL };
		JsonNode *n = json_object_get_member(req->args, "rescan");
		if (!args_only(req->args, allowed, error))
			return NULL;
		if (n && (!JSON_NODE_HOLDS_VALUE(n) ||
			  json_node_get_value_type(n) != G_TYPE_BOOLEAN)) {
			g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_BAD_ARGUMENT,
				    "\"rescan\" must be true or false");
			return NULL;
		}
		if (n && json_node_get_boolean(n) && b->usb)
			brk_usb_host_rescan(b->usb, false);
		return cmd_devices(b);
	}
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(b, req->args, error);
	brk_audit(b, "control", "command", cmd, "pid", pid, NULL);
	if (strcmp(cmd, "start") == 0)
		return cmd_start_stop(b, call, true, error);
	if (strcmp(cmd, "stop") == 0)
		return cmd_start_stop(b, call, false, error);
	if (strcmp(cmd, "attach") == 0)
		return cmd_attach(b, call, true, error);
	if (strcmp(cmd, "detach") == 0)
		return cmd_attach(b, call, false, error);
	/* reload-policy is what tessera-provision install sends (provisioning/install.c). */
	if (strcmp(cmd, "reload") == 0 || strcmp(cmd, "reload-policy") == 0) {
		GError *err = NULL;
		if (!args_only(req->args, NULL, error))
			return NULL;
		if (!tsr_broker_reload(b, &err)) {
			g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_FAILED,
				    "policy not reloaded, the current one stays: %s", err->message);
			g_error_free(err);
			return NULL;
		}
		return cmd_status(b);
	}
	g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_UNKNOWN_COMMAND,
		    "unknown command \"%s\"; the commands are status, domains, start, stop, "
		    "devices, attach, detach, audit, reload",
		    cmd);
	return NULL;
}

void brk_control_refused(void *data, const struct tsr_ctl_peer *peer, const char *reason)
{
	struct tsr_broker *b = data;
	g_autofree char *uid = g_strdup_printf("%u", (unsigned)peer->uid);
	g_autofree char *pid = g_strdup_printf("%d", (int)peer->pid);

	brk_audit(b, "control-refused", "uid", uid, "pid", pid, "reason", reason, NULL);
}
