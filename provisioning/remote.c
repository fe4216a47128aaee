/* provisioning/remote.c: ssh, scp and sftp as child processes (see remote.h).
 *
 * push keeps up to -j children running from one GLib main loop; each child's stdin is the
 * bundle file itself, its stdout and stderr are collected and its exit status decides the
 * row of the table. */
#include "provisioning/remote.h"
#include "provisioning/keys.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* Options every run gets: never ask on a terminal (a push to 1000 laptops must not stop
 * for a prompt), give up on an unreachable host. */
static const char *const batch_args[] = {"-o", "BatchMode=yes", "-o", "ConnectTimeout=15", NULL};

static GPtrArray *base_argv(const struct tsr_remote *remote, const char *program)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(a, g_strdup(program));
	for (size_t i = 0; batch_args[i]; i++)
		g_ptr_array_add(a, g_strdup(batch_args[i]));
	for (size_t i = 0; remote && remote->ssh_args && remote->ssh_args[i]; i++)
		g_ptr_array_add(a, g_strdup(remote->ssh_args[i]));
	return a;
}

void tsr_push_host_clear(struct tsr_push_host *h)
{
	g_free(h->host);
	g_free(h->reason);
	memset(h, 0, sizeof *h);
}

char **tsr_push_read_hosts(const char *path, GError **error)
{
	char *data = NULL;
	GError *ferr = NULL;
	if (!g_file_get_contents(path, &data, NULL, &ferr)) {
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_IO, "hosts file: %s",
		            ferr->message);
		g_error_free(ferr);
		return NULL;
	}
	GPtrArray *hosts = g_ptr_array_new();
	char **lines = g_strsplit(data, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		char *l = g_strstrip(lines[i]);
		if (!l[0] || l[0] == '#')
			continue;
		/* A destination that starts with '-' would be an ssh option. */
		if (l[0] == '-' || strchr(l, ' ') || strchr(l, '\t')) {
			g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_USAGE,
			            "%s:%zu: '%s' is not an ssh destination (one per line, no spaces)",
			            path, i + 1, l);
			g_ptr_array_free(hosts, TRUE);
			g_strfreev(lines);
			g_free(data);
			return NULL;
		}
		g_ptr_array_add(hosts, g_strdup(l));
	}
	g_ptr_array_add(hosts, NULL);
	g_strfreev(lines);
	g_free(data);
	return (char **)g_ptr_array_free(hosts, FALSE);
}

struct push_run {
	const struct tsr_remote *remote;
	const char *bundle_path;
	char **hosts;
	size_t n, next, running, done, failed;
	unsigned jobs;
	FILE *progress;
	struct tsr_push_host *out;
	GMainLoop *loop;
};

struct push_child {
	struct push_run *run;
	size_t index;
	gint64 start;
};

static void start_next(struct push_run *run);

/* The last non-empty line of text, trimmed, as the reason shown in the table. */
static char *last_line(const char *text)
{
	char **lines = g_strsplit(text ? text : "", "\n", -1);
	char *r = NULL;
	for (size_t i = 0; lines[i]; i++) {
		char *l = g_strstrip(lines[i]);
		if (l[0]) {
			g_free(r);
			r = g_strdup(l);
		}
	}
	g_strfreev(lines);
	if (r && g_str_has_prefix(r, "tessera-provision: ")) {
		char *t = g_strdup(r + strlen("tessera-provision: "));
		g_free(r);
		r = t;
	}
	return r ? r : g_strdup("no output");
}

static void child_done(GObject *source, GAsyncResult *res, gpointer data)
{
	struct push_child *c = data;
	struct push_run *run = c->run;
	struct tsr_push_host *h = &run->out[c->index];
	GSubprocess *proc = G_SUBPROCESS(source);
	char *out = NULL, *err = NULL;
	GError *error = NULL;
	h->seconds = (double)(g_get_monotonic_time() - c->start) / 1e6;
	if (!g_subprocess_communicate_utf8_finish(proc, res, &out, &err, &error)) {
		h->status = TSR_PUSH_FAILED;
		h->reason = g_strdup(error->message);
		g_error_free(error);
	} else {
		int status = g_subprocess_get_if_exited(proc) ? g_subprocess_get_exit_status(proc) : -1;
		uint64_t serial = 0;
		char word[16] = "";
		if (status == 0 && out &&
		    sscanf(out, "%15s %" G_GUINT64_FORMAT, word, &serial) == 2 &&
		    (strcmp(word, "installed") == 0 || strcmp(word, "unchanged") == 0)) {
			h->status = word[0] == 'i' ? TSR_PUSH_INSTALLED : TSR_PUSH_UNCHANGED;
			h->serial = serial;
		} else {
			h->status = TSR_PUSH_FAILED;
			h->reason = status == 0 ? g_strdup("the laptop gave no result")
			                        : last_line(err);
			/* A refusing laptop says which serial it still runs. */
			if (out && sscanf(out, "refused %" G_GUINT64_FORMAT, &serial) == 1)
				h->serial = serial;
		}
	}
	if (h->status == TSR_PUSH_FAILED)
		run->failed++;
	run->done++;
	run->running--;
	if (run->progress) {
		fprintf(run->progress, "[%zu/%zu] %s: %s\n", run->done, run->n, h->host,
		        h->status == TSR_PUSH_FAILED ? h->reason
		        : h->status == TSR_PUSH_INSTALLED ? "installed" : "unchanged");
		fflush(run->progress);
	}
	g_free(out);
	g_free(err);
	g_object_unref(proc);
	g_free(c);
	start_next(run);
	if (run->done == run->n)
		g_main_loop_quit(run->loop);
}

static void start_next(struct push_run *run)
{
	while (run->running < run->jobs && run->next < run->n) {
		size_t i = run->next++;
		struct tsr_push_host *h = &run->out[i];
		h->host = g_strdup(run->hosts[i]);
		GPtrArray *argv = base_argv(run->remote, "ssh");
		/* Only the forced command runs on the laptop; asking for it by name keeps the push
		 * working against a laptop whose key is not yet restricted. */
		g_ptr_array_add(argv, g_strdup("--"));
		g_ptr_array_add(argv, g_strdup(h->host));
		g_ptr_array_add(argv, g_strdup("tessera-provision receive"));
		g_ptr_array_add(argv, NULL);
		GSubprocessLauncher *l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
		                                                   G_SUBPROCESS_FLAGS_STDERR_PIPE);
		g_subprocess_launcher_set_stdin_file_path(l, run->bundle_path);
		GError *error = NULL;
		GSubprocess *proc =
			g_subprocess_launcher_spawnv(l, (const char *const *)argv->pdata, &error);
		g_object_unref(l);
		g_ptr_array_free(argv, TRUE);
		if (!proc) {
			h->status = TSR_PUSH_FAILED;
			h->reason = g_strdup(error->message);
			g_error_free(error);
			run->failed++;
			run->done++;
			continue;
		}
		struct push_child *c = g_new0(struct push_child, 1);
		c->run = run;
		c->index = i;
		c->start = g_get_monotonic_time();
		run->running++;
		g_subprocess_communicate_utf8_async(proc, NULL, NULL, child_done, c);
	}
}

size_t tsr_push(const struct tsr_remote *remote, const char *bundle_path, char **hosts,
                size_t n_hosts, unsigned jobs, FILE *progress, struct tsr_push_host *out)
{
	GMainContext *ctx = g_main_context_new();
	g_main_context_push_thread_default(ctx);
	struct push_run run = {remote, bundle_path, hosts, n_hosts, 0, 0, 0, 0, jobs ? jobs : 1,
	                       progress, out, g_main_loop_new(ctx, FALSE)};
	memset(out, 0, n_hosts * sizeof *out);
	start_next(&run);
	if (run.done < run.n)
		g_main_loop_run(run.loop);
	g_main_loop_unref(run.loop);
	g_main_context_pop_thread_default(ctx);
	g_main_context_unref(ctx);
	return run.failed;
}

void tsr_push_print_table(FILE *out, const struct tsr_push_host *hosts, size_t n)
{
	int w = 4;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(hosts[i].host) > w)
			w = (int)strlen(hosts[i].host);
	fprintf(out, "%-*s  %-9s  %8s  %s\n", w, "HOST", "RESULT", "SERIAL", "REASON");
	size_t ok = 0;
	for (size_t i = 0; i < n; i++) {
		const struct tsr_push_host *h = &hosts[i];
		const char *r = h->status == TSR_PUSH_INSTALLED ? "installed"
		                : h->status == TSR_PUSH_UNCHANGED ? "unchanged" : "failed";
		if (h->status != TSR_PUSH_FAILED) {
			ok++;
			fprintf(out, "%-*s  %-9s  %8" G_GUINT64_FORMAT "\n", w, h->host, r, h->serial);
		} else {
			char serial[24] = "-";
			if (h->serial)
				g_snprintf(serial, sizeof serial, "%" G_GUINT64_FORMAT, h->serial);
			fprintf(out, "%-*s  %-9s  %8s  %s\n", w, h->host, r, serial, h->reason);
		}
	}
	fprintf(out, "%zu of %zu laptops have the bundle, %zu failed\n", ok, n, n - ok);
}

bool tsr_remote_split(const char *spec, char **dest, char **path, GError **error)
{
	const char *colon = strchr(spec, ':');
	if (!colon || colon == spec || !colon[1] || spec[0] == '-') {
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_USAGE,
		            "'%s' is not USER@HOST:PATH", spec);
		return false;
	}
	*dest = g_strndup(spec, (size_t)(colon - spec));
	*path = g_strdup(colon + 1);
	return true;
}

/* In the child, before exec: no file it writes may grow past *data bytes (RLIMIT_FSIZE), and
 * a write past it fails with EFBIG instead of killing the tool with SIGXFSZ, so the tool stops
 * and says why. This bounds a download while it is received, whatever the mirror sends. */
static void limit_file_size(gpointer data)
{
	const uint64_t *max = data;
	struct rlimit rl = {(rlim_t)*max, (rlim_t)*max};
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		_exit(127);
}

/* Run argv, collect stderr; false with the tool's own last words on failure. A non-zero
 * max_file caps every file the tool writes at that many bytes; *hit_cap (may be NULL) then
 * says whether the tool stopped on it (its message for EFBIG, in the C locale; scp and sftp
 * truncate what they wrote to the last whole chunk, so the file's size cannot tell). */
static bool run_tool(GPtrArray *argv, const char *what, uint64_t max_file, bool *hit_cap,
                     GError **error)
{
	if (hit_cap)
		*hit_cap = false;
	g_ptr_array_add(argv, NULL);
	GError *e = NULL;
	GSubprocessLauncher *l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
	                                                   G_SUBPROCESS_FLAGS_STDERR_PIPE);
	if (max_file) {
		g_subprocess_launcher_set_child_setup(l, limit_file_size, &max_file, NULL);
		g_subprocess_launcher_setenv(l, "LC_ALL", "C", TRUE);
	}
	GSubprocess *proc = g_subprocess_launcher_spawnv(l, (const char *const *)argv->pdata, &e);
	g_object_unref(l);
	char *err = NULL;
	bool ok = proc && g_subprocess_communicate_utf8(proc, NULL, NULL, NULL, &err, &e) &&
	          g_subprocess_get_if_exited(proc) && g_subprocess_get_exit_status(proc) == 0;
	if (!ok && max_file && hit_cap && err && strstr(err, "File too large"))
		*hit_cap = true;
	if (!ok) {
		char *why = e ? g_strdup(e->message) : last_line(err);
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_REMOTE, "%s failed: %s",
		            what, why);
		g_free(why);
	}
	g_clear_error(&e);
	g_free(err);
	if (proc)
		g_object_unref(proc);
	return ok;
}

/* After a bounded download into local_path: true if it stayed within max_bytes; else the
 * file is removed and the error says the mirror sent too much (the tool was capped at
 * max_bytes + 1, so hitting the cap means more than max_bytes was offered). */
static bool within_bound(bool fetched, bool hit_cap, const char *dest, const char *path,
                         const char *local_path, uint64_t max_bytes, GError **error)
{
	struct stat st;
	if (hit_cap || (lstat(local_path, &st) == 0 && (uint64_t)st.st_size > max_bytes)) {
		g_clear_error(error);
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_REMOTE,
		            "%s:%s is larger than %" G_GUINT64_FORMAT " bytes; refused (the download "
		            "was stopped there and removed)", dest, path, max_bytes);
		unlink(local_path);
		return false;
	}
	return fetched;
}

bool tsr_remote_fetch(const struct tsr_remote *remote, const char *dest, const char *path,
                      const char *local_path, uint64_t max_bytes, GError **error)
{
	GPtrArray *argv = base_argv(remote, "scp");
	g_ptr_array_add(argv, g_strdup("-q"));
	g_ptr_array_add(argv, g_strdup("--"));
	g_ptr_array_add(argv, g_strdup_printf("%s:%s", dest, path));
	g_ptr_array_add(argv, g_strdup(local_path));
	char *what = g_strdup_printf("fetching %s:%s", dest, path);
	bool hit_cap = false;
	bool ok = run_tool(argv, what, max_bytes + 1, &hit_cap, error);
	g_free(what);
	g_ptr_array_free(argv, TRUE);
	ok = within_bound(ok, hit_cap, dest, path, local_path, max_bytes, error);
	if (!ok)
		unlink(local_path);
	return ok;
}

bool tsr_remote_fetch_resume(const struct tsr_remote *remote, const char *dest, const char *path,
                             const char *local_path, uint64_t max_bytes, GError **error)
{
	/* sftp's batch language quotes with double quotes; refuse what it cannot carry. */
	if (strpbrk(path, "\"\n\\") || strpbrk(local_path, "\"\n\\")) {
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_USAGE,
		            "paths with quotes, backslashes or newlines are not supported");
		return false;
	}
	char *batch = g_strdup_printf("reget \"%s\" \"%s\"\n", path, local_path);
	char *batch_path = NULL;
	int fd = g_file_open_tmp("tessera-sftp-XXXXXX", &batch_path, NULL);
	bool ok = fd >= 0 && write(fd, batch, strlen(batch)) == (ssize_t)strlen(batch);
	if (fd >= 0)
		close(fd);
	if (!ok) {
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_IO,
		            "cannot write an sftp batch file");
	} else {
		GPtrArray *argv = base_argv(remote, "sftp");
		g_ptr_array_add(argv, g_strdup("-q"));
		g_ptr_array_add(argv, g_strdup("-b"));
		g_ptr_array_add(argv, g_strdup(batch_path));
		g_ptr_array_add(argv, g_strdup("--"));
		g_ptr_array_add(argv, g_strdup(dest));
		char *what = g_strdup_printf("fetching %s:%s", dest, path);
		bool hit_cap = false;
		ok = run_tool(argv, what, max_bytes + 1, &hit_cap, error);
		g_free(what);
		g_ptr_array_free(argv, TRUE);
		ok = within_bound(ok, hit_cap, dest, path, local_path, max_bytes, error);
	}
	if (batch_path)
		unlink(batch_path);
	g_free(batch_path);
	g_free(batch);
	return ok;
}

bool tsr_remote_put(const struct tsr_remote *remote, const char *local_path, const char *dest,
                    const char *path, GError **error)
{
	GPtrArray *argv = base_argv(remote, "scp");
	g_ptr_array_add(argv, g_strdup("-q"));
	g_ptr_array_add(argv, g_strdup("--"));
	g_ptr_array_add(argv, g_strdup(local_path));
	g_ptr_array_add(argv, g_strdup_printf("%s:%s", dest, path));
	char *what = g_strdup_printf("sending to %s:%s", dest, path);
	bool ok = run_tool(argv, what, 0, NULL, error);
	g_free(what);
	g_ptr_array_free(argv, TRUE);
	return ok;
}
