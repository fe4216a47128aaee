/* broker/auth.c: password verification with back-off and lock-out (see auth.h). */
#include "config.h"
#include "broker/auth.h"
#include "common/log.h"

#include <gio/gio.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct record {
	uint32_t failures;
	bool locked;
	int64_t last_failure_us;
	int64_t not_before_us;
};

/* A verification under way on a worker thread. It owns copies of everything it reads, so
 * neither a policy reload nor the kiosk's buffer being wiped can touch it. */
struct tsr_auth_job {
	struct tsr_auth *auth; /* NULL once the auth was destroyed: nobody to tell */
	char *user, *hash;
	bool real;
	struct tsr_secret *password;
	tsr_auth_done_fn done;
	void *data;
};

struct tsr_auth {
	struct tsr_clock *clock;
	GHashTable *records; /* name -> struct record */
	char dummy[crypto_pwhash_STRBYTES];
	unsigned long long dummy_ops;
	size_t dummy_mem;
	uint64_t verifies;
	struct tsr_policy_lockout lockout;
	/* The global token bucket: verifications allowed now, refilled over time. */
	int64_t tokens_us;   /* in microseconds of refill: one token = TOKEN_US */
	int64_t tokens_at_us;
	struct tsr_auth_job *job; /* the verification on the worker thread, or NULL */
};

#define TOKEN_US (G_USEC_PER_SEC / TSR_AUTH_RATE_PER_SECOND)

struct tsr_auth *tsr_auth_create(struct tsr_clock *monotonic)
{
	struct tsr_auth *a;

	if (sodium_init() < 0)
		return NULL;
	a = g_new0(struct tsr_auth, 1);
	a->clock = monotonic;
	a->records = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	a->tokens_us = (int64_t)TSR_AUTH_BURST * TOKEN_US;
	a->tokens_at_us = tsr_clock_now_us(monotonic);
	return a;
}

void tsr_auth_destroy(struct tsr_auth *auth)
{
	if (!auth)
		return;
	if (auth->job)
		auth->job->auth = NULL; /* it finishes on its own and tells nobody */
	g_hash_table_destroy(auth->records);
	sodium_memzero(auth->dummy, sizeof(auth->dummy));
	g_free(auth);
}

/* The cost parameters of an argon2id string, so the dummy costs what a real check costs. */
static bool hash_params(const char *hash, unsigned long long *ops, size_t *mem)
{
	const char *m = hash ? strstr(hash, "$m=") : NULL;
	unsigned long mk = 0, t = 0, p = 0;

	if (!hash || !g_str_has_prefix(hash, "$argon2id$") || !m ||
	    sscanf(m, "$m=%lu,t=%lu,p=%lu", &mk, &t, &p) != 3)
		return false;
	*ops = t;
	*mem = (size_t)mk * 1024;
	return true;
}

bool tsr_auth_set_policy(struct tsr_auth *auth, const struct tsr_policy *policy)
{
	unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	unsigned char random[32];

	for (size_t i = 0; i < policy->n_users; i++)
		if (hash_params(policy->users[i].password_hash, &ops, &mem))
			break;
	ops = CLAMP(ops, crypto_pwhash_OPSLIMIT_MIN, 64ULL);
	mem = CLAMP(mem, (size_t)crypto_pwhash_MEMLIMIT_MIN, (size_t)1 << 30);
	auth->lockout = policy->lockout;
	if (auth->dummy[0] && ops == auth->dummy_ops && mem == auth->dummy_mem)
		return true;
	/* A hash of random bytes nobody knows: nothing verifies against it. */
	randombytes_buf(random, sizeof(random));
	if (crypto_pwhash_str(auth->dummy, (const char *)random, sizeof(random), ops, mem) != 0) {
		tsr_err("auth: cannot make the dummy hash (out of memory?)");
		return false;
	}
	sodium_memzero(random, sizeof(random));
	auth->dummy_ops = ops;
	auth->dummy_mem = mem;
	return true;
}

static int64_t backoff_us(const struct tsr_policy_lockout *l, uint32_t failures)
{
	int64_t cap = (int64_t)l->lock_seconds * G_USEC_PER_SEC;
	int64_t d = (int64_t)l->delay_ms * 1000;

	for (uint32_t i = 1; i < failures && d < cap && d > 0; i++)
		d *= 2;
	return cap > 0 ? MIN(d, cap) : d;
}

/* How long a failure that did not lock counts: as long as a lock would last (at least a
 * second), so forgetting a record never gives anyone more attempts than waiting out a lock. */
static int64_t memory_us(const struct tsr_policy_lockout *l)
{
	return MAX((int64_t)l->lock_seconds, 1) * G_USEC_PER_SEC;
}

/* When a record stops mattering: its wait is over and it is a lock that ran out (the count
 * starts afresh) or failures old enough to be forgotten. Before then it must be kept. */
static int64_t forgettable_at(const struct tsr_auth *auth, const struct record *r)
{
	if (r->locked)
		return r->not_before_us;
	return MAX(r->not_before_us, r->last_failure_us + memory_us(&auth->lockout));
}

/* Make room in a full table: forget the oldest record that no longer matters. A record that
 * still counts towards a lock-out is never dropped, so trying many names cannot reset a
 * victim's count; if none may go, the caller is told to wait. */
static bool evict_one(struct tsr_auth *auth, int64_t now, int64_t *retry_us)
{
	GHashTableIter it;
	gpointer key, value;
	const char *oldest = NULL;
	int64_t oldest_t = INT64_MAX, soonest = INT64_MAX;

	g_hash_table_iter_init(&it, auth->records);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		struct record *r = value;
		int64_t at = forgettable_at(auth, r);

		if (at <= now && r->last_failure_us < oldest_t) {
			oldest = key;
			oldest_t = r->last_failure_us;
		}
		soonest = MIN(soonest, at);
	}
	if (!oldest) {
		*retry_us = soonest - now;
		return false;
	}
	g_hash_table_remove(auth->records, oldest);
	return true;
}

/* The global limit on verifications, whatever the names: a flood of attempts costs the
 * attacker time, not the broker. Returns 0 and takes a token, or the wait for the next one. */
static int64_t take_token(struct tsr_auth *auth, int64_t now)
{
	int64_t cap = (int64_t)TSR_AUTH_BURST * TOKEN_US;

	if (now > auth->tokens_at_us)
		auth->tokens_us = MIN(cap, auth->tokens_us + (now - auth->tokens_at_us));
	auth->tokens_at_us = MAX(auth->tokens_at_us, now);
	if (auth->tokens_us < TOKEN_US)
		return TOKEN_US - auth->tokens_us;
	auth->tokens_us -= TOKEN_US;
	return 0;
}

/* The gate, on the caller's thread: a wait, a lock, a full table or the global limit answer at
 * once (false, *result and *retry_us set); otherwise true with the hash to verify against, the
 * user's or the dummy (one path for known and unknown names). */
static bool gate(struct tsr_auth *auth, const struct tsr_policy *policy, const char *user,
		 const char **hash, enum tsr_auth_result *result, int64_t *retry_us)
{
	int64_t now = tsr_clock_now_us(auth->clock), wait = 0;
	const struct tsr_policy_user *u;
	struct record *r;

	*retry_us = 0;
	*result = TSR_AUTH_WAIT;
	if (auth->job) {
		/* One verification at a time: the next waits for it. */
		*retry_us = TSR_AUTH_BUSY_RETRY_US;
		return false;
	}
	r = g_hash_table_lookup(auth->records, user);
	if (r && r->not_before_us > now) {
		*retry_us = r->not_before_us - now;
		*result = r->locked ? TSR_AUTH_LOCKED : TSR_AUTH_WAIT;
		return false;
	}
	if (r && forgettable_at(auth, r) <= now) {
		/* The lock has run out, or the failures are old: a fresh start, exactly as if the
		 * record had been evicted. */
		r->locked = false;
		r->failures = 0;
	}
	if (!r && g_hash_table_size(auth->records) >= TSR_AUTH_MAX_TRACKED &&
	    !evict_one(auth, now, &wait)) {
		*retry_us = wait;
		return false;
	}
	wait = take_token(auth, now);
	if (wait > 0) {
		*retry_us = wait;
		return false;
	}
	u = tsr_policy_find_user(policy, user);
	*hash = u && u->password_hash ? u->password_hash : auth->dummy;
	auth->verifies++;
	return true;
}

/* After the verification, on the caller's thread: success clears the name's record, failure
 * counts against it. real says the hash was the user's own, not the dummy. */
static enum tsr_auth_result decide(struct tsr_auth *auth, const char *user, bool match, bool real,
				   int64_t *retry_us)
{
	int64_t now = tsr_clock_now_us(auth->clock);
	struct record *r;

	*retry_us = 0;
	if (match && real) {
		g_hash_table_remove(auth->records, user);
		return TSR_AUTH_OK;
	}
	r = g_hash_table_lookup(auth->records, user);
	if (!r) {
		r = g_new0(struct record, 1);
		g_hash_table_insert(auth->records, g_strndup(user, TSR_POLICY_NAME_MAX * 4), r);
	}
	r->failures++;
	r->last_failure_us = now;
	if (auth->lockout.attempts > 0 && r->failures >= auth->lockout.attempts) {
		r->locked = true;
		r->not_before_us = now + (int64_t)auth->lockout.lock_seconds * G_USEC_PER_SEC;
	} else {
		r->not_before_us = now + backoff_us(&auth->lockout, r->failures);
	}
	*retry_us = r->not_before_us - now;
	return TSR_AUTH_DENIED;
}

static bool verify(const char *hash, const struct tsr_secret *password)
{
	return crypto_pwhash_str_verify(hash, (const char *)password->bytes, password->len) == 0;
}

enum tsr_auth_result tsr_auth_check(struct tsr_auth *auth, const struct tsr_policy *policy,
				    const char *user, const struct tsr_secret *password,
				    int64_t *retry_us)
{
	enum tsr_auth_result result;
	const char *hash = NULL;
	int64_t retry = 0;

	if (gate(auth, policy, user, &hash, &result, &retry))
		result = decide(auth, user, verify(hash, password), hash != auth->dummy, &retry);
	if (retry_us)
		*retry_us = retry;
	return result;
}

static void job_free(struct tsr_auth_job *j)
{
	tsr_secret_free(j->password);
	sodium_memzero(j->hash, strlen(j->hash));
	g_free(j->hash);
	g_free(j->user);
	g_free(j);
}

static void verify_in_thread(GTask *task, gpointer source, gpointer task_data,
			     GCancellable *cancellable)
{
	struct tsr_auth_job *j = task_data;

	g_task_return_boolean(task, verify(j->hash, j->password));
}

static void verified(GObject *source, GAsyncResult *res, gpointer data)
{
	struct tsr_auth_job *j = data;
	bool match = g_task_propagate_boolean(G_TASK(res), NULL);
	enum tsr_auth_result result;
	int64_t retry = 0;

	if (j->auth) {
		j->auth->job = NULL;
		result = decide(j->auth, j->user, match, j->real, &retry);
		j->done(result, retry, j->data);
	}
	job_free(j);
}

void tsr_auth_check_async(struct tsr_auth *auth, const struct tsr_policy *policy,
			  const char *user, const struct tsr_secret *password,
			  tsr_auth_done_fn done, void *data)
{
	enum tsr_auth_result result;
	const char *hash = NULL;
	int64_t retry = 0;
	struct tsr_auth_job *j;
	GTask *task;

	if (!gate(auth, policy, user, &hash, &result, &retry)) {
		done(result, retry, data);
		return;
	}
	j = g_new0(struct tsr_auth_job, 1);
	j->password = tsr_secret_new(TSR_SECRET_MAX);
	if (!j->password || password->len > TSR_SECRET_MAX) {
		tsr_secret_free(j->password);
		g_free(j);
		/* Counted as a verification that did not match: nothing is gained by failing. */
		done(decide(auth, user, false, false, &retry), retry, data);
		return;
	}
	memcpy(j->password->bytes, password->bytes, password->len);
	j->password->len = password->len;
	j->auth = auth;
	j->user = g_strdup(user);
	j->hash = g_strdup(hash);
	j->real = hash != auth->dummy;
	j->done = done;
	j->data = data;
	auth->job = j;
	task = g_task_new(NULL, NULL, verified, j);
	g_task_set_task_data(task, j, NULL);
	g_task_run_in_thread(task, verify_in_thread);
	g_object_unref(task);
}

bool tsr_auth_busy(const struct tsr_auth *auth)
{
	return auth->job != NULL;
}

const char *tsr_auth_result_name(enum tsr_auth_result r)
{
	switch (r) {
	case TSR_AUTH_OK:
		return "ok";
	case TSR_AUTH_DENIED:
		return "denied";
	case TSR_AUTH_WAIT:
		return "wait";
	case TSR_AUTH_LOCKED:
		return "locked";
	}
	return "?";
}

uint64_t tsr_auth_verify_count(const struct tsr_auth *auth)
{
	return auth->verifies;
}

const char *tsr_auth_dummy_hash(const struct tsr_auth *auth)
{
	return auth->dummy;
}
