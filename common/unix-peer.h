/* common/unix-peer.h: root reaching a unix socket that lives in a directory another user owns.
 *
 * A domain's SPICE and QMP sockets sit in its run directory, which belongs to the domain's
 * user: a compromised device model can put anything there, including a symbolic link to
 * another domain's socket or to the broker's control socket. Followed as root, such a link
 * would send one domain's keys to another, or credit a root control session. So these calls
 * never follow a link in the last component, check the socket file's owner, and after
 * connecting ask the kernel who answered (SO_PEERCRED). The directories above the last
 * component must be root's. Both return -1 with errno at the syscall edge: ELOOP for a link,
 * ENOTSOCK for anything else that is not a socket, EPERM for a wrong owner or peer. */
#ifndef TSR_COMMON_UNIX_PEER_H
#define TSR_COMMON_UNIX_PEER_H

#include <stdbool.h>
#include <sys/types.h>

struct tsr_unix_peer {
	uid_t uid; /* owner of the socket file and uid of the process that serves it */
	pid_t pid; /* that process, or 0 for any process of uid */
	/* The server listened as root and dropped to uid afterwards (Xen's device model, whose
	 * socket root then gave to uid): SO_PEERCRED says 0. The file must still be uid's. */
	bool listened_as_root;
};

/* Connect a SOCK_STREAM socket (extra socket(2) type flags such as SOCK_NONBLOCK in
 * type_flags; it is always close-on-exec) to path, served by peer. Returns the fd. */
int tsr_unix_connect_peer(const char *path, const struct tsr_unix_peer *peer, int type_flags)
	__attribute__((warn_unused_result));

/* 0 when no uid but root (and this process's) can add, remove or rename entries in dir: dir is
 * owned by root or the caller and is not writable by group or others unless sticky. -1 with
 * errno otherwise (EPERM). A socket made there as root and given away afterwards cannot be
 * swapped for a link between bind(2) and the giving. */
int tsr_unix_dir_private(const char *dir) __attribute__((warn_unused_result));

/* Give the socket file at path to uid:gid with mode, without following a link. */
int tsr_unix_socket_give(const char *path, uid_t uid, gid_t gid, mode_t mode)
	__attribute__((warn_unused_result));

#endif
