# tests/harness/tap.sh: numbered TAP results for the shell tests (sourced).
#
# A test script prints its plan ("1..N"), then one line a check; make check's TAP driver counts
# them. Written once here so that every script numbers and reports failures alike:
#   ok DESC           "ok N - DESC"
#   notok DESC        "not ok N - DESC", counted in fails
#   check DESC COND   COND (a shell condition, evaluated) decides between the two
# n holds the number of results printed, fails the number of failures (0: all passed so far).
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
