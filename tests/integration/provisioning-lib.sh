# tests/integration/provisioning-lib.sh: a loopback sshd and simulated laptops, for the
# provisioning test and bench/push. Sourced, not run. Sets up, under $PV (a temp dir):
#
#   pv_init                  temp dir, keys (root, policy, key set), a policy source whose
#                            templates are real files in $PV/mirror, built and signed bundles
#   pv_laptop NAME GROUP [nohosts]  a laptop: $PV/laptops/NAME (trusted.keys for GROUP) and a client
#                            key whose authorized_keys line is the restricted forced command
#                            "tessera-provision receive --state-dir $PV/laptops/NAME";
#                            listed in $PV/hosts unless nohosts
#   pv_mirror                a client key "mirror" with plain restrict (scp/sftp only use)
#   pv_sshd_start            sshd -D on 127.0.0.1 and a free port, its own host key and config;
#                            returns once sshd has logged that it listens (read from a fifo,
#                            no sleeping); writes $PV/ssh_config with a Host entry per key
#   pv_cleanup               stops sshd, removes $PV
#
# Every laptop is a state directory: sshd runs as root, and the key used to connect decides
# which forced command (and so which state directory) runs.
PV_BIN=${TSR_BUILDDIR:-.}/provisioning/tessera-provision
PV_SRC=${TSR_SRCDIR:-.}
PV_SSHD=/usr/sbin/sshd

pv_init() {
    PV=$(mktemp -d "${TMPDIR:-/tmp}/tsr-pv.XXXXXX") || return 1
    mkdir -p "$PV/keys" "$PV/laptops" "$PV/mirror" "$PV/collector" "$PV/clientkeys"
    : >"$PV/authorized_keys"
    : >"$PV/hosts"
    echo "test passphrase" >"$PV/pass"
    "$PV_BIN" keygen --out "$PV/keys" --role root --passphrase-file "$PV/pass" >/dev/null &&
    "$PV_BIN" keygen --out "$PV/keys" --role policy --passphrase-file "$PV/pass" >/dev/null &&
    "$PV_BIN" keyset --root "$PV/keys/root.secret" --add "$PV/keys/policy.pub" \
        --organization example-org --out "$PV/keys/keyset" --passphrase-file "$PV/pass" >/dev/null ||
        return 1
    # The example policy, with templates that really exist on the mirror.
    cp -r "$PV_SRC/doc/examples/policy" "$PV/src"
    head -c 307200 /dev/urandom >"$PV/mirror/debian-work.qcow2"
    head -c 102400 /dev/urandom >"$PV/mirror/debian-web.qcow2"
    {
        for t in debian-work debian-web; do
            echo "[template $t]"
            echo "file = $t.qcow2"
            echo "sha256 = $(sha256sum <"$PV/mirror/$t.qcow2" | cut -d' ' -f1)"
            echo "size = $(stat -c %s "$PV/mirror/$t.qcow2")"
            echo
        done
    } >"$PV/src/templates.conf"
    "$PV_BIN" build "$PV/src" --out "$PV/mirror" >/dev/null &&
    "$PV_BIN" sign "$PV/mirror/office.bundle" --key "$PV/keys/policy.secret" \
        --keyset "$PV/keys/keyset" --passphrase-file "$PV/pass" >/dev/null &&
    "$PV_BIN" sign "$PV/mirror/lab.bundle" --key "$PV/keys/policy.secret" \
        --keyset "$PV/keys/keyset" --passphrase-file "$PV/pass" >/dev/null
}

# pv_clientkey NAME OPTIONS: a client key whose authorized_keys line carries OPTIONS.
pv_clientkey() {
    ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$PV/clientkeys/$1" || return 1
    echo "$2 $(cat "$PV/clientkeys/$1.pub")" >>"$PV/authorized_keys"
}

pv_laptop() {
    "$PV_BIN" init --state-dir "$PV/laptops/$1" --root "$PV/keys/root.pub" \
        --organization example-org --group "$2" >/dev/null || return 1
    pv_clientkey "$1" "restrict,command=\"$PV_BIN receive --state-dir $PV/laptops/$1 --broker-socket $PV/no-broker.sock\"" &&
        { [ "${3:-}" = nohosts ] || echo "$1" >>"$PV/hosts"; }
}

pv_mirror() {
    pv_clientkey mirror "restrict"
}

pv_sshd_start() {
    mkdir -p /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$PV/hostkey" || return 1
    mkfifo "$PV/sshd.fifo" || return 1
    pv_try=0
    while [ $pv_try -lt 8 ]; do
        pv_try=$((pv_try + 1))
        PV_PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
        cat >"$PV/sshd_config" <<EOF
ListenAddress 127.0.0.1:$PV_PORT
HostKey $PV/hostkey
PidFile $PV/sshd.pid
AuthorizedKeysFile $PV/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
LogLevel INFO
MaxStartups 200
MaxSessions 20
EOF
        "$PV_SSHD" -D -e -f "$PV/sshd_config" 2>"$PV/sshd.fifo" &
        PV_SSHD_PID=$!
        exec 3<"$PV/sshd.fifo"
        # Blocks until sshd says it listens, or exits (EOF: the port was taken, try another).
        if timeout 30 grep -q -m1 'Server listening' <&3; then
            cat <&3 >>"$PV/sshd.log" &
            PV_LOG_PID=$!
            exec 3<&-
            break
        fi
        exec 3<&-
        kill "$PV_SSHD_PID" 2>/dev/null
        wait "$PV_SSHD_PID" 2>/dev/null
        PV_SSHD_PID=
    done
    [ -n "$PV_SSHD_PID" ] || return 1
    echo "[127.0.0.1]:$PV_PORT $(cat "$PV/hostkey.pub")" >"$PV/known_hosts"
    {
        for k in "$PV"/clientkeys/*.pub; do
            pv_n=$(basename "$k" .pub)
            echo "Host $pv_n"
            echo "    IdentityFile $PV/clientkeys/$pv_n"
        done
        echo "Host *"
        echo "    HostName 127.0.0.1"
        echo "    Port $PV_PORT"
        echo "    User root"
        echo "    IdentitiesOnly yes"
        echo "    UserKnownHostsFile $PV/known_hosts"
        echo "    StrictHostKeyChecking yes"
        echo "    LogLevel ERROR"
    } >"$PV/ssh_config"
}

pv_cleanup() {
    [ -n "${PV_SSHD_PID:-}" ] && kill "$PV_SSHD_PID" 2>/dev/null && wait "$PV_SSHD_PID" 2>/dev/null
    [ -n "${PV_LOG_PID:-}" ] && kill "$PV_LOG_PID" 2>/dev/null
    [ -n "${PV:-}" ] && rm -rf "$PV"
}
