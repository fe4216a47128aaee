/* kiosk/session-private.h: the session's state, shared by the files that make up the session
 * (session.c: state machine and actions; session-broker.c: the broker protocol client;
 * session-entry.c: keys and login text; session-getters.c: what the screens read). Nothing
 * outside those files includes it: kiosk/session.h is the interface. */
#ifndef TSR_KIOSK_SESSION_PRIVATE_H
#define TSR_KIOSK_SESSION_PRIVATE_H

#include "kiosk/session.h"

#include <stdbool.h>
#include <stdint.h>

#define KSS_USER_MAX (TSR_KIOSK_NAME_SIZE - 1)
#define KSS_MAX_PENDING 32

struct pending {
	uint32_t seq;
	uint16_t type;
	char domain[TSR_KIOSK_NAME_SIZE];
};

struct note {
	char text[TSR_KIOSK_TEXT_SIZE + TSR_KIOSK_NAME_SIZE + 4];
	int64_t until_us;
};

struct tsr_session {
	int fd;
	struct tsr_clock *clock;
	struct tsr_session_hooks hooks;
	void *data;
	bool lost;
	bool heard_broker;

	char organization[TSR_KIOSK_LABEL_SIZE];
	bool have_lease;
	int lease;
	int64_t lease_days;

	/* policy settings */
	bool requires_sas;
	uint32_t idle_lock_s;
	uint32_t blank_after_s;
	bool blanked;                 /* the outputs are off (blank-after) */
	int console_rights;
	char sas[TSR_KIOSK_KEYS_SIZE];

	enum tsr_kiosk_screen screen;
	enum tsr_kiosk_session_state broker_state;
	char user[TSR_KIOSK_NAME_SIZE];
	char full_name[TSR_KIOSK_LABEL_SIZE];

	/* login / unlock entry */
	char typed_user[KSS_USER_MAX + 1];
	uint8_t password[TSR_KIOSK_PASSWORD_MAX];
	size_t password_len;
	size_t password_chars;
	int field;
	bool busy;
	int64_t retry_until_us;
	char message[TSR_KIOSK_TEXT_SIZE + 64];
	bool message_error;

	struct tsr_kiosk_domain_info domains[TSR_KIOSK_SESSION_MAX_DOMAINS];
	size_t n_domains;
	uint32_t list_seq;
	bool list_seen[TSR_KIOSK_SESSION_MAX_DOMAINS];
	size_t selected;
	bool confirm_logout;  /* Enter on "Log out" asked "really?"; the next Enter logs out */
	unsigned shown_counter;
	char focus[TSR_KIOSK_NAME_SIZE];
	enum tsr_layout layout;

	/* What an enrolment disk holds (ENROL), while not enrolled; enrol_busy: the user answered
	 * and the broker's reply is awaited. */
	struct tsr_kiosk_enrol enrol;
	bool enrol_busy;
	/* The install offer and its progress (INSTALL), while the session state is INSTALL; the
	 * disk name typed to confirm it; install_busy: an answer awaits its reply. */
	struct tsr_kiosk_install install;
	char install_typed[TSR_KIOSK_DISK_SIZE];
	bool install_busy;

	struct note notes[TSR_KIOSK_SESSION_MAX_NOTES];
	size_t n_notes;
	char standing[TSR_KIOSK_TEXT_SIZE];

	int64_t last_activity_us;
	uint32_t next_seq;
	struct pending pending[KSS_MAX_PENDING];
	size_t n_pending;
};

/* Used across the session's files (kss_: kiosk session, internal). */
void kss_add_note(struct tsr_session *s, const char *domain, const char *text);
void kss_changed(struct tsr_session *s);
/* Outputs off now (why is logged) where blanking is allowed, through the blank hook. */
void kss_blank(struct tsr_session *s, const char *why);
/* Outputs on again if they were off (why is logged). */
void kss_unblank(struct tsr_session *s, const char *why);
void kss_clear_message(struct tsr_session *s);
bool kss_console_may_enter(const struct tsr_session *s, enum tsr_kiosk_origin origin);
bool kss_console_may_operate(const struct tsr_session *s, enum tsr_kiosk_origin origin);
struct tsr_kiosk_domain_info *kss_find(struct tsr_session *s, const char *name);
void kss_hide(struct tsr_session *s, struct tsr_kiosk_domain_info *d);
void kss_hide_all(struct tsr_session *s);
void kss_lost(struct tsr_session *s, const char *why);
/* orderly: the broker closed the link (it is stopping), which is no error of anyone's. */
void kss_lost_how(struct tsr_session *s, const char *why, bool orderly);
size_t kss_n_shown(const struct tsr_session *s);
int64_t kss_now(const struct tsr_session *s);
uint32_t kss_send_domain_request(struct tsr_session *s, uint16_t type, const char *name);
uint32_t kss_send_request(struct tsr_session *s, void *msg, uint16_t type, const char *domain);
uint32_t kss_send_simple(struct tsr_session *s, uint16_t type);
/* The user's answer to the enrolment offer on screen (Enter / Escape); false when there is
 * none or an answer is already on its way. */
bool kss_enrol_answer(struct tsr_session *s, bool accept);
/* The user's answer to the install offer: accept with the name typed, or not (Escape); false
 * when nothing is on screen to answer or an answer is already on its way. */
bool kss_install_answer(struct tsr_session *s, bool accept);
/* A brightness key (step +1 or -1): ask the broker, which owns the backlight. */
bool kss_brightness(struct tsr_session *s, int step);
void kss_set_message(struct tsr_session *s, bool error, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);
void kss_to_locked(struct tsr_session *s);
void kss_to_logged_out(struct tsr_session *s);
void kss_wipe_password(struct tsr_session *s);
#endif
