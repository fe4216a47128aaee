/* broker/devices.c: USB descriptor parsing, the per-device decision and the assignment table
 * (see devices.h). Nothing here touches the host: broker/usb-host.c does. */
#include "config.h"
#include "broker/devices.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

void tsr_usb_dev_free(struct tsr_usb_dev *dev)
{
	if (!dev)
		return;
	g_free(dev->id);
	g_free(dev->sysname);
	g_free(dev->serial);
	g_free(dev);
}

#define DESC_ERR(...) \
	(g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, __VA_ARGS__), false)

bool tsr_usb_parse_descriptors(const uint8_t *buf, size_t len, struct tsr_usb_dev *dev,
			       GError **error)
{
	size_t off, n = 0;
	int classes[TSR_USB_MAX_INTERFACES];

	if (len < 18 || buf[0] != 18 || buf[1] != 1)
		return DESC_ERR("no valid device descriptor (%zu bytes)", len);
	/* Every configuration descriptor that follows, walked descriptor by descriptor. */
	off = 18;
	if (off == len)
		return DESC_ERR("no configuration descriptor");
	while (off < len) {
		if (len - off < 9 || buf[off] < 9 || buf[off + 1] != 2)
			return DESC_ERR("bad configuration descriptor at byte %zu", off);
		size_t total = (size_t)buf[off + 2] | (size_t)buf[off + 3] << 8;
		if (total < 9 || total > len - off)
			return DESC_ERR("configuration at byte %zu claims %zu bytes, %zu remain", off,
					total, len - off);
		size_t end = off + total;
		size_t p = off + buf[off];
		if (p > end)
			return DESC_ERR("configuration descriptor at byte %zu overruns", off);
		while (p < end) {
			uint8_t dlen = buf[p];
			if (dlen < 2 || dlen > end - p)
				return DESC_ERR("descriptor at byte %zu has a bad length %u", p, dlen);
			if (buf[p + 1] == 4) {
				if (dlen < 9)
					return DESC_ERR("short interface descriptor at byte %zu", p);
				if (n == TSR_USB_MAX_INTERFACES)
					return DESC_ERR("more than %d interfaces",
							TSR_USB_MAX_INTERFACES);
				classes[n++] = buf[p + 5];
			}
			p += dlen;
		}
		off = end;
	}
	if (n == 0)
		return DESC_ERR("the device has no interfaces");
	dev->vendor = buf[8] | buf[9] << 8;
	dev->product = buf[10] | buf[11] << 8;
	dev->device_class = buf[4];
	dev->n_interfaces = n;
	memcpy(dev->interface_class, classes, n * sizeof(classes[0]));
	return true;
}

static bool rule_matches(const struct tsr_policy_device_rule *r, const struct tsr_usb_dev *dev,
			 int cls)
{
	if (r->interface_class >= 0 && r->interface_class != cls)
		return false;
	if (r->vendor >= 0 && r->vendor != dev->vendor)
		return false;
	if (r->product >= 0 && r->product != dev->product)
		return false;
	/* A rule that names a serial never matches a device without one. */
	if (r->serial && (!dev->serial || strcmp(r->serial, dev->serial) != 0))
		return false;
	return true;
}

/* Does rule r name HID devices specifically (rather than catching them by a wildcard)? */
static bool rule_names_hid(const struct tsr_policy_device_rule *r)
{
	return r->interface_class == TSR_USB_CLASS_HID || (r->vendor >= 0 && r->product >= 0);
}

static const struct tsr_policy_device_rule *match(const struct tsr_policy *p,
						  const struct tsr_usb_dev *dev, int cls)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct tsr_policy_device_rule *r = &p->rules[i];

		/* HID interfaces are only ever taken by a rule that names them. */
		if (cls == TSR_USB_CLASS_HID && !rule_names_hid(r))
			continue;
		if (rule_matches(r, dev, cls))
			return r;
	}
	return NULL;
}

static void decide(struct tsr_device_decision *out, enum tsr_device_verdict v,
		   const struct tsr_policy_device_rule *rule, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);
static void decide(struct tsr_device_decision *out, enum tsr_device_verdict v,
		   const struct tsr_policy_device_rule *rule, const char *fmt, ...)
{
	va_list ap;

	out->verdict = v;
	out->detach_on_lock = false;
	out->rule = rule ? rule->name : NULL;
	out->domain = v == TSR_DEVICE_ATTACH && rule ? rule->domain : NULL;
	va_start(ap, fmt);
	g_vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

/* A locked kiosk is a laptop left alone: what follows the user's attention (focused rules)
 * and what proves who they are (smart cards, where a verified PIN lives) leaves the domains
 * until the user is back, unless the rule says on-lock = keep. */
static bool detach_on_lock(const struct tsr_policy_device_rule *rule, enum tsr_device_verdict v,
			   const struct tsr_usb_dev *dev)
{
	bool smartcard = dev->device_class == TSR_USB_CLASS_SMARTCARD;

	for (size_t i = 0; i < dev->n_interfaces; i++)
		smartcard |= dev->interface_class[i] == TSR_USB_CLASS_SMARTCARD;
	if (rule->on_lock != TSR_POLICY_ON_LOCK_DEFAULT)
		return rule->on_lock == TSR_POLICY_ON_LOCK_DETACH;
	return v == TSR_DEVICE_FOCUSED || smartcard;
}

void tsr_devices_decide(const struct tsr_policy *policy, const struct tsr_usb_dev *dev,
			struct tsr_device_decision *out)
{
	const struct tsr_policy_device_rule *first = NULL;
	bool all_hid = dev->n_interfaces > 0;

	if (dev->n_interfaces == 0) {
		decide(out, TSR_DEVICE_DENY, NULL, "no interfaces could be read");
		return;
	}
	if (dev->device_class == TSR_USB_CLASS_HUB) {
		decide(out, TSR_DEVICE_DOM0, NULL, "a hub stays with dom0");
		return;
	}
	for (size_t i = 0; i < dev->n_interfaces; i++) {
		int cls = dev->interface_class[i];
		const struct tsr_policy_device_rule *r = match(policy, dev, cls);

		if (cls != TSR_USB_CLASS_HID)
			all_hid = false;
		if (!r) {
			if (cls == TSR_USB_CLASS_HID)
				continue; /* decided below: dom0 if all are HID, else denied */
			decide(out, TSR_DEVICE_DENY, NULL,
			       "interface %zu (class %02x) matches no rule", i, cls);
			return;
		}
		if (r->action == TSR_POLICY_DEVICE_DENY) {
			decide(out, TSR_DEVICE_DENY, r, "interface %zu (class %02x) denied by rule %s",
			       i, cls, r->name);
			return;
		}
		if (!first) {
			first = r;
		} else if (r->action != first->action ||
			   (r->action == TSR_POLICY_DEVICE_ATTACH &&
			    g_strcmp0(r->domain, first->domain) != 0)) {
			decide(out, TSR_DEVICE_DENY, r,
			       "its interfaces would go to different places (rules %s and %s)",
			       first->name, r->name);
			return;
		}
	}
	if (!first) {
		if (all_hid)
			decide(out, TSR_DEVICE_DOM0, NULL,
			       "a keyboard or pointer stays with dom0 (no rule names it)");
		else
			decide(out, TSR_DEVICE_DENY, NULL, "no rule matches");
		return;
	}
	/* Some interfaces matched, but an HID interface had no naming rule: not all allowed. */
	for (size_t i = 0; i < dev->n_interfaces; i++) {
		if (dev->interface_class[i] == TSR_USB_CLASS_HID &&
		    !match(policy, dev, TSR_USB_CLASS_HID)) {
			decide(out, TSR_DEVICE_DENY, NULL,
			       "interface %zu is a keyboard or pointer no rule names", i);
			return;
		}
	}
	if (first->action == TSR_POLICY_DEVICE_ATTACH)
		decide(out, TSR_DEVICE_ATTACH, first, "rule %s attaches it to %s", first->name,
		       first->domain);
	else
		decide(out, TSR_DEVICE_FOCUSED, first, "rule %s gives it to the focused domain",
		       first->name);
	out->detach_on_lock = detach_on_lock(first, out->verdict, dev);
}

const char *tsr_device_verdict_name(enum tsr_device_verdict v)
{
	switch (v) {
	case TSR_DEVICE_DENY:
		return "deny";
	case TSR_DEVICE_DOM0:
		return "dom0";
	case TSR_DEVICE_ATTACH:
		return "attach";
	case TSR_DEVICE_FOCUSED:
		return "focused";
	}
	return "?";
}

struct tsr_device_table {
	GHashTable *owner; /* id -> domain */
};

struct tsr_device_table *tsr_device_table_create(void)
{
	struct tsr_device_table *t = g_new0(struct tsr_device_table, 1);

	t->owner = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return t;
}

void tsr_device_table_destroy(struct tsr_device_table *table)
{
	if (!table)
		return;
	g_hash_table_destroy(table->owner);
	g_free(table);
}

bool tsr_device_table_assign(struct tsr_device_table *table, const char *id, const char *domain,
			     GError **error)
{
	const char *owner = g_hash_table_lookup(table->owner, id);

	if (owner && strcmp(owner, domain) != 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
			    "device %s is attached to %s; detach it first", id, owner);
		return false;
	}
	if (!owner)
		g_hash_table_insert(table->owner, g_strdup(id), g_strdup(domain));
	return true;
}

char *tsr_device_table_release(struct tsr_device_table *table, const char *id)
{
	gpointer key = NULL, value = NULL;

	if (!g_hash_table_steal_extended(table->owner, id, &key, &value))
		return NULL;
	g_free(key);
	return value;
}

const char *tsr_device_table_owner(const struct tsr_device_table *table, const char *id)
{
	return g_hash_table_lookup(table->owner, id);
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *sorted_ids(const struct tsr_device_table *table)
{
	GPtrArray *ids = g_ptr_array_new();
	GHashTableIter it;
	gpointer key;

	g_hash_table_iter_init(&it, table->owner);
	while (g_hash_table_iter_next(&it, &key, NULL))
		g_ptr_array_add(ids, key);
	g_ptr_array_sort(ids, cmp_str);
	return ids;
}

char **tsr_device_table_of_domain(const struct tsr_device_table *table, const char *domain)
{
	GPtrArray *ids = sorted_ids(table);
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; i < ids->len; i++)
		if (strcmp(g_hash_table_lookup(table->owner, ids->pdata[i]), domain) == 0)
			g_ptr_array_add(out, g_strdup(ids->pdata[i]));
	g_ptr_array_add(out, NULL);
	g_ptr_array_free(ids, TRUE);
	return (char **)g_ptr_array_free(out, FALSE);
}

char **tsr_device_table_list(const struct tsr_device_table *table)
{
	GPtrArray *ids = sorted_ids(table);
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; i < ids->len; i++) {
		g_ptr_array_add(out, g_strdup(ids->pdata[i]));
		g_ptr_array_add(out, g_strdup(g_hash_table_lookup(table->owner, ids->pdata[i])));
	}
	g_ptr_array_add(out, NULL);
	g_ptr_array_free(ids, TRUE);
	return (char **)g_ptr_array_free(out, FALSE);
}

bool tsr_device_table_save(const struct tsr_device_table *table, const char *path,
			   GError **error)
{
	g_autoptr(JsonObject) o = json_object_new();
	g_autoptr(JsonNode) root = json_node_new(JSON_NODE_OBJECT);
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_auto(GStrv) list = tsr_device_table_list(table);
	g_autofree char *text = NULL;
	gsize len;

	for (size_t i = 0; list[i]; i += 2)
		json_object_set_string_member(o, list[i], list[i + 1]);
	json_node_set_object(root, o);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, &len);
	/* g_file_set_contents: written to a temporary file, fsync'd, renamed into place. */
	return g_file_set_contents_full(path, text, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT,
					0600, error);
}

bool tsr_device_table_load(struct tsr_device_table *table, const char *path, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObjectIter it;
	const char *id;
	JsonNode *value, *root;

	g_hash_table_remove_all(table->owner);
	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return true;
	if (!json_parser_load_from_file(parser, path, error))
		return false;
	root = json_parser_get_root(parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "%s: not a JSON object of device -> domain; remove it", path);
		return false;
	}
	json_object_iter_init(&it, json_node_get_object(root));
	while (json_object_iter_next(&it, &id, &value)) {
		if (!JSON_NODE_HOLDS_VALUE(value) ||
		    json_node_get_value_type(value) != G_TYPE_STRING) {
			g_hash_table_remove_all(table->owner);
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				    "%s: device %s has no domain name; remove the file", path, id);
			return false;
		}
		g_hash_table_insert(table->owner, g_strdup(id), g_strdup(json_node_get_string(value)));
	}
	return true;
}
