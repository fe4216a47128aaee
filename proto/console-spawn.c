/* proto/console-spawn.c: fork and exec of tessera-console with its link (see console-spawn.h). */
#include "config.h"
#include "proto/console-spawn.h"

#include "common/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The fd number the console finds its link on. */
#define CONSOLE_LINK_FD 3

static char **console_env(void)
{
	char **env = g_get_environ();

	if (TSR_SANITIZER_BUILD) {
		/* LeakSanitizer cannot work in the sandbox (doc/sandbox.md). */
		const char *old = g_environ_getenv(env, "ASAN_OPTIONS");
		char *opts = g_strdup_printf("%s%sdetect_leaks=0", old ? old : "",
					     old && *old ? ":" : "");

		env = g_environ_setenv(env, "ASAN_OPTIONS", opts, TRUE);
		g_free(opts);
	}
	return env;
}

int tsr_console_spawn(const struct tsr_console_spawn_options *options, pid_t *pid_out,
		      GError **error)
{
	const char *program = options && options->program ? options->program
							  : TSR_LIBEXECDIR "/tessera-console";
	int stderr_fd = options ? options->stderr_fd : -1;
	GPtrArray *argv;
	char **env;
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
			    "cannot make the console socketpair: %s", strerror(errno));
		return -1;
	}
	argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(argv, g_strdup(program));
	g_ptr_array_add(argv, g_strdup_printf("--fd=%d", CONSOLE_LINK_FD));
	if (options && options->socket_path)
		g_ptr_array_add(argv, g_strdup_printf("--socket=%s", options->socket_path));
	if (options && options->user)
		g_ptr_array_add(argv, g_strdup_printf("--user=%s", options->user));
	if (options && options->socket_owner)
		g_ptr_array_add(argv, g_strdup_printf("--socket-owner=%s", options->socket_owner));
	g_ptr_array_add(argv, NULL);
	env = console_env();

	pid = fork();
	if (pid < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
			    "cannot fork tessera-console: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		g_strfreev(env);
		g_ptr_array_free(argv, TRUE);
		return -1;
	}
	if (pid == 0) {
		/* Child: only async-signal-safe calls from here to exec. */
		if (stderr_fd >= 0 && stderr_fd != STDERR_FILENO &&
		    dup2(stderr_fd, STDERR_FILENO) < 0)
			_exit(127);
		if (sv[1] == CONSOLE_LINK_FD) {
			if (fcntl(sv[1], F_SETFD, 0) < 0)
				_exit(127);
		} else if (dup2(sv[1], CONSOLE_LINK_FD) < 0) {
			_exit(127);
		}
		execve(program, (char **)argv->pdata, env);
		_exit(127);
	}
	close(sv[1]);
	g_strfreev(env);
	g_ptr_array_free(argv, TRUE);
	*pid_out = pid;
	return sv[0];
}
