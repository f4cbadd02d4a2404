#!/usr/bin/env bash
# Submits dino-spark `train` as an Apache Livy batch (POST $LIVY_URL/batches with submit/livy-batch.json), then polls
# the batch's state until it ends and prints the end of its log. Exits 0 when the batch succeeded.
#
# Fill in:
#   LIVY_URL      the Livy server, e.g. http://<your-livy-host>:8998 (environment variable, required)
#   livy-batch.json: "file" (the cluster jar, copied to HDFS or other storage the cluster reads, e.g.
#                 hdfs dfs -put target/dino-spark-0.1.0-SNAPSHOT-cluster.jar /apps/dino-spark/), "files" (the preset,
#                 likewise; "args" name it by its base name), the --output run directory, and the executor sizes
#                 (train.workers in "args" = numExecutors x executorCores / spark.task.cpus; see yarn-submit.sh).
#   CURL_AUTH     optional curl options for authentication: "--negotiate -u :" (Kerberos/SPNEGO) or "-u <user>:<password>"
#   BATCH_JSON    optional: another request body (default submit/livy-batch.json)
#
# Usage: LIVY_URL=http://<your-livy-host>:8998 submit/livy-submit.sh [--steps N] [key=value ...]
#        (arguments are appended to the batch's args, i.e. passed on to `train`)
# Stopping the script leaves the batch running; kill it with: curl -X DELETE -H 'X-Requested-By: dino' $LIVY_URL/batches/<id>
set -euo pipefail
cd "$(dirname "$0")/.."

LIVY_URL="${LIVY_URL:?set LIVY_URL, e.g. http://<your-livy-host>:8998}"
LIVY_URL="${LIVY_URL%/}"
BATCH_JSON="${BATCH_JSON:-submit/livy-batch.json}"
CURL_AUTH="${CURL_AUTH:-}"
POLL_SECONDS="${POLL_SECONDS:-30}"

[ -f "$BATCH_JSON" ] || { echo "livy-submit.sh: no $BATCH_JSON" >&2; exit 2; }
grep -q '<your-' "$BATCH_JSON" && { echo "livy-submit.sh: fill in the <your-...> placeholders in $BATCH_JSON" >&2; exit 2; }
read -r -a auth <<< "$CURL_AUTH"
# Show Livy's error message on a failed request where curl can (7.76 and later).
fail=--fail; curl --help all 2>/dev/null | grep -q -- --fail-with-body && fail=--fail-with-body
livy() {  # livy METHOD PATH [curl args...]: one request to Livy; X-Requested-By satisfies Livy's CSRF protection
  local method="$1" path="$2"; shift 2
  curl -sS "$fail" ${auth[@]+"${auth[@]}"} -X "$method" -H 'Content-Type: application/json' \
    -H 'X-Requested-By: dino-spark' "$@" "$LIVY_URL$path"
}
json() {  # json EXPR: evaluates a Python expression over the JSON document `d` read from stdin
  python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"
}

# The request body, with this script's arguments appended to "args".
body="$(python3 - "$BATCH_JSON" "$@" <<'EOF'
import json, sys
with open(sys.argv[1]) as f:
    body = json.load(f)
body["args"] = body.get("args", []) + sys.argv[2:]
print(json.dumps(body))
EOF
)"
response="$(livy POST /batches --data "$body")"
id="$(json 'd["id"]' <<< "$response")"
echo "Livy batch $id submitted: $LIVY_URL/batches/$id (kill: curl -X DELETE -H 'X-Requested-By: dino' $LIVY_URL/batches/$id)"

state=""
while :; do
  current="$(livy GET "/batches/$id/state" | json 'd["state"]')"
  if [ "$current" != "$state" ]; then
    state="$current"
    echo "$(date '+%F %T')  batch $id: $state"
  fi
  case "$state" in success|dead|killed|error) break ;; esac
  sleep "$POLL_SECONDS"
done

info="$(livy GET "/batches/$id")"
echo "application: $(json 'd.get("appId")' <<< "$info")  $(json 'json.dumps(d.get("appInfo") or {})' <<< "$info")"
echo "---- last lines of the Livy log ----"
livy GET "/batches/$id/log?size=100" | json '"\n".join(d.get("log", []))' || true
[ "$state" = success ]
