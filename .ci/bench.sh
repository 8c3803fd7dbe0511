#!/usr/bin/env bash
# `make bench`: measures the release build. Prints figures; asserts nothing (tests never assert on time).
#   1. cold start: process start → first 200 from /healthz (median of 5 starts)
#   2. one connection (wrk -c1): home, log-in page, /api/v1/me, /healthz as the reference
#   3. 64 connections on a community of realistic size (seeded once by `hearth seed-scale`: 100,000 members,
#      50,000 topics, 1,000,000 posts): home, category listing, topic page, page 1 and page 1000 of the longest
#      topic, search — with the ratios topic-page/healthz and page-1000/page-1. Anonymous pages go through the
#      page micro-cache (HEARTH_PAGE_CACHE_SECONDS) as real anonymous readers do; signed-in figures never do.
#   4. ideas: 20,000 ideas and 2,000,000 votes — the board by trending, the API, an idea page, and voting
#      (PUT then DELETE by 600 members with API tokens)
#   5. club and reputation: a full reputation recompute of every member, the event, club and profile pages
#   6. live updates: 1,000 SSE connections (memory) and reply-to-stream latency
#   7. webhooks: a reply's p50 with and without 5 subscribed endpoints (the outbox's cost)
#   8. the browser bundle (wasm + js), raw and gzip
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk is missing (make bench installs it)" >&2; exit 1; }

BENCH_DB=$(python3 - "$DATABASE_URL" hearth_bench <<'PY'
import sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
print(urllib.parse.urlunparse(u._replace(path="/" + sys.argv[2])))
PY
)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export DATABASE_URL="$BENCH_DB" HEARTH_REDIS_PREFIX="bench:" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  HEARTH_BASE_URL="$base" HEARTH_SECRET="bench-secret-bench-secret-bench-secret" RUST_LOG=warn \
  HEARTH_MAIL_DIR="target/bench-mail" HEARTH_STREAMS_PER_ADDRESS=5000 HEARTH_STREAMS_PER_MEMBER=5000 \
  HEARTH_READS_PER_MINUTE=100000000

echo "== data: hearth seed-scale (skipped when the bench database is already seeded)"
target/release/hearth seed-scale --members 100000 --topics 50000 --posts 1000000 --questions 200000 --ideas 20000 --idea-votes 2000000 --if-empty 2>/dev/null | sed 's/^/   /'
psql_q() { python3 - "$DATABASE_URL" "$1" <<'PY'
import subprocess, sys
print(subprocess.run(["psql", sys.argv[1], "-tAc", sys.argv[2]], capture_output=True, text=True, check=True).stdout.strip())
PY
}
longest=$(psql_q "SELECT id FROM topics ORDER BY last_post_number DESC LIMIT 1")
longest_pages=$(psql_q "SELECT (last_post_number - 1) / 20 + 1 FROM topics WHERE id = $longest")
typical=$(psql_q "SELECT id FROM topics WHERE last_post_number BETWEEN 21 AND 40 AND category_id IN (SELECT id FROM categories WHERE visibility = 'public') ORDER BY id LIMIT 1")
question=$(psql_q "SELECT topic_id FROM questions WHERE answer_count = 3 ORDER BY topic_id LIMIT 1")
questions_total=$(psql_q "SELECT count(*) FROM questions")
category=$(psql_q "SELECT slug FROM categories WHERE visibility = 'public' ORDER BY topic_count DESC LIMIT 1")
counts=$(psql_q "SELECT (SELECT count(*) FROM users) || ' members, ' || (SELECT count(*) FROM topics) || ' topics, ' || (SELECT count(*) FROM posts) || ' posts'")
echo "   $counts; longest topic /t/$longest ($longest_pages pages); typical topic /t/$typical; busiest category /c/$category"

# 1,000 live-update connections need more descriptors than the usual default of 1,024.
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
server_pid=""
stop() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; server_pid=""; }
trap stop EXIT

echo "== data: Insights' rollups of 3 years (skipped when done; budget: backfill of 3 years <= 5 min)"
if [ "$(psql_q "SELECT count(*) FROM insight_computed")" -lt 1000 ]; then
  t0=$(date +%s%N)
  target/release/hearth insights backfill --from "$(date -u -d '3 years ago' +%F)" 2>/dev/null | sed 's/^/   /'
  echo "   backfill of 3 years: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
fi

echo "== cold start: process start to first 200 from /healthz (5 runs)"
starts=()
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N)
  target/release/hearth serve & server_pid=$!
  until curl -fs -o /dev/null "$base/healthz"; do sleep 0.005; done
  t1=$(date +%s%N)
  starts+=($(( (t1 - t0) / 1000000 )))
  stop
done
sorted=($(printf '%s\n' "${starts[@]}" | sort -n))
echo "   runs (ms): ${starts[*]}   median: ${sorted[2]} ms   (budget: < 1000 ms)"

target/release/hearth serve & server_pid=$!
until curl -fs -o /dev/null "$base/readyz"; do sleep 0.05; done

cookie=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"login":"rider000500","password":"scale-seed-2026"}' "$base/api/v1/auth/login" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(hearth_session=[^;]*\).*/\1/p')

# run NAME CONNECTIONS URL [HEADER] [LUA]; prints a line and remembers the p50 in ms in $last_p50
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); print v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v } else if (v ~ /s$/) { sub(/s$/,"",v); print v*1000 } else print v }' <<<"$1"; }
last_p50=0
run() {
  local name="$1" conns="$2" url="$3" header="${4:-}" script="${5:-}" out threads=1
  [ "$conns" -gt 1 ] && threads=2
  if [ -z "${NOCHECK:-}" ]; then
    curl -fs -o /dev/null ${header:+-H "$header"} "$url" || { echo "   $name: $url does not answer 200" >&2; return 1; }
  fi
  local args=(-t"$threads" -c"$conns" -d10s --latency)
  [ -n "$header" ] && args+=(-H "$header")
  [ -n "$script" ] && args+=(-s "$script")
  out=$(wrk "${args[@]}" "$url")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  last_p50=$(to_ms "$p50")
  printf '   %-34s %9s req/s   p50 %-9s p99 %-9s%s\n' "$name" "$rps" "$p50" "$p99" "${errors:+  non-2xx: $errors}"
}

echo "== one connection, 10 s each (budget: home p50 < 5 ms)"
run "/healthz (reference)" 1 "$base/healthz"
run "home, anonymous" 1 "$base/"
run "home, signed in" 1 "$base/" "Cookie: $cookie"
run "log-in page" 1 "$base/login"
run "GET /api/v1/me (session)" 1 "$base/api/v1/me" "Cookie: $cookie"

echo "== 64 connections, 10 s each (budgets: topic page p50 <= 10 ms, p99 <= 50 ms; page 1000 / page 1 <= 1.5; search p50 <= 50 ms)"
run "/healthz (reference)" 64 "$base/healthz"; healthz=$last_p50
run "home, anonymous" 64 "$base/"
run "home, signed in" 64 "$base/" "Cookie: $cookie"
run "category listing /c/$category" 64 "$base/c/$category"
run "topic page /t/$typical, anonymous" 64 "$base/t/$typical"; topic=$last_p50
run "topic page, signed in (never cached)" 64 "$base/t/$typical" "Cookie: $cookie"; topic_signed=$last_p50
run "longest topic, page 1 (signed in)" 64 "$base/t/$longest?page=1" "Cookie: $cookie"; page1=$last_p50
run "longest topic, page 1000 (signed in)" 64 "$base/t/$longest?page=1000" "Cookie: $cookie"; page1000=$last_p50
search_lua=target/bench-search.lua
cat > "$search_lua" <<'LUA'
local queries = { "battery+range", "brake+pads", "winter+commute", "firmware+update", "chain+noise", "tyre+pressure",
  "display+bluetooth", "charger+cells", "%22torque+sensor%22", "saddle+-grips" }
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/search?q=" .. queries[(n % #queries) + 1])
end
LUA
run "search (10 rotating queries), anonymous" 64 "$base/search?q=battery" "" "$search_lua"
run "search, signed in (never cached)" 64 "$base/search?q=battery" "Cookie: $cookie" "$search_lua"
run "API: GET /api/v1/topics/$typical" 64 "$base/api/v1/topics/$typical"

echo "== overload: 64 connections flooding signed-in search while 8 others read (budget: the readers get 200s fast;"
echo "   the flood is shed with fast 503 + Retry-After, never 500 or a 10 s wait)"
wrk -t1 -c64 -d24s --latency -H "Cookie: $cookie" -s "$search_lua" "$base/search?q=battery" > target/bench-flood.txt 2>&1 & flood=$!
sleep 1
run "  meanwhile: GET /api/v1/me (session)" 8 "$base/api/v1/me" "Cookie: $cookie"
run "  meanwhile: topic page, signed in" 8 "$base/t/$typical" "Cookie: $cookie"
wait "$flood" || true
printf '   the flood itself: %s req/s, p50 %s, p99 %s, non-2xx (503) %s\n' \
  "$(awk '/Requests\/sec/ {print $2}' target/bench-flood.txt)" "$(awk '$1=="50%" {print $2}' target/bench-flood.txt)" \
  "$(awk '$1=="99%" {print $2}' target/bench-flood.txt)" "$(awk '/Non-2xx/ {print $5}' target/bench-flood.txt)"

echo "== Q&A, 64 connections ($questions_total questions; budgets: similar p50 <= 30 ms, question page p50 <= 10 ms)"
similar_lua=target/bench-similar.lua
cat > "$similar_lua" <<'LUA'
local titles = { "battery+range+winter", "charger+noise+x2", "brake+pads+city", "How+do+you+adjust+the+display",
  "motor+problem+after", "Best+tyre+setup+for+gravel", "firmware+update+app", "Trouble+with+my+saddle",
  "chain+cleaning+cargo", "lights+question" }
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/v1/questions/similar?title=" .. titles[(n % #titles) + 1])
end
LUA
run "similar questions, one connection" 1 "$base/api/v1/questions/similar?title=battery+range" "" "$similar_lua"
run "similar questions (10 rotating titles)" 64 "$base/api/v1/questions/similar?title=battery+range" "" "$similar_lua"
run "question page /q/$question, anonymous" 64 "$base/q/$question"
run "question page, signed in (never cached)" 64 "$base/q/$question" "Cookie: $cookie"
run "questions list, unanswered" 64 "$base/questions?filter=unanswered" "Cookie: $cookie"
run "API: GET /api/v1/questions/$question" 64 "$base/api/v1/questions/$question"
ideas_total=$(psql_q "SELECT count(*) || ' ideas, ' || (SELECT count(*) FROM idea_votes) || ' votes' FROM ideas")
popular=$(psql_q "SELECT topic_id FROM ideas WHERE status = 'new' ORDER BY vote_count DESC LIMIT 1")
echo "== ideas ($ideas_total; budgets: board by trending p50 <= 20 ms, vote p50 <= 5 ms)"
run "board by trending, signed in" 64 "$base/ideas?sort=trending" "Cookie: $cookie"
run "board by trending, one connection" 1 "$base/ideas?sort=trending" "Cookie: $cookie"
run "board by trending, anonymous" 64 "$base/ideas?sort=trending"
run "API: GET /api/v1/ideas?sort=trending" 64 "$base/api/v1/ideas?sort=trending" "Cookie: $cookie"
run "API: board by votes, product filter" 64 "$base/api/v1/ideas?sort=votes&product=lumen-x2" "Cookie: $cookie"
run "idea page /ideas/$popular, signed in" 64 "$base/ideas/$popular" "Cookie: $cookie"
# Votes: 600 members (API tokens), each voting then taking the vote back, under the 60-per-minute limit.
vote_lua=target/bench-vote.lua
{ printf 'local tokens = {'; target/release/hearth bench-tokens --count 600 | sed 's/.*/"&",/' | tr -d '\n'; printf '}\n'
  cat <<LUA
local n = 0
request = function()
  n = n + 1
  local t = tokens[(n % #tokens) + 1]
  local method = (math.floor(n / #tokens) % 2 == 0) and "PUT" or "DELETE"
  return wrk.format(method, "/api/v1/ideas/$popular/vote", { ["Authorization"] = "Bearer " .. t })
end
LUA
} > "$vote_lua"
NOCHECK=1 run "vote / take back (PUT, DELETE), 1 conn" 1 "$base/api/v1/ideas/$popular/vote" "" "$vote_lua"
NOCHECK=1 run "vote / take back, 4 connections" 4 "$base/api/v1/ideas/$popular/vote" "" "$vote_lua"
echo "== club and reputation (budget: a full reputation recompute of every member < 60 s)"
target/release/hearth recompute-reputation 2>/dev/null | sed 's/^/   /'
event=$(psql_q "SELECT id FROM events ORDER BY id LIMIT 1")
if [ -z "$event" ]; then
  event=$(psql_q "WITH e AS (INSERT INTO events (title, place, starts_at, ends_at, capacity)
    VALUES ('Bench night ride', 'HQ', now() + interval '30 days', now() + interval '30 days 2 hours', 500) RETURNING id)
    SELECT id FROM e")
fi
member=$(psql_q "SELECT u.username FROM member_reputation r JOIN users u ON u.id = r.user_id ORDER BY r.points DESC LIMIT 1")
run "event page /events/$event, signed in" 64 "$base/events/$event" "Cookie: $cookie"
run "club page, signed in" 64 "$base/club" "Cookie: $cookie"
run "profile /u/$member (reputation, badges), signed in" 64 "$base/u/$member" "Cookie: $cookie"
run "API: GET /api/v1/users/$member" 64 "$base/api/v1/users/$member"
awk -v t="$topic" -v s="$topic_signed" -v h="$healthz" -v a="$page1" -v b="$page1000" 'BEGIN {
  printf "   ratio topic page / healthz (p50): %.1f anonymous, %.1f signed in\n", (h > 0 ? t / h : 0), (h > 0 ? s / h : 0);
  printf "   ratio page 1000 / page 1 (p50):   %.2f   (budget <= 1.5)\n", (a > 0 ? b / a : 0) }'

echo "== Talking Point (budgets: page and API p50 <= 10 ms at one connection; rebuild of 1 M posts <= 5 min; ranking <= 1 s)"
if [ "$(psql_q "SELECT count(*) FROM talk_sources")" = "0" ]; then
  stop
  t0=$(date +%s%N)
  target/release/hearth talking-point rebuild 2>/dev/null | sed 's/^/   /'
  echo "   rebuild: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  target/release/hearth serve & server_pid=$!
  until curl -fs -o /dev/null "$base/readyz"; do sleep 0.05; done
fi
run "/talking-point, anonymous (page cache)" 1 "$base/talking-point"
run "/talking-point, signed in" 1 "$base/talking-point" "Cookie: $cookie"
run "API: GET /api/v1/talking-point" 1 "$base/api/v1/talking-point"

echo "== Insights (budgets: every report page p50 <= 50 ms for 365 days; a day's rollup <= 2 s; backfill of 3 years <= 5 min)"
t0=$(date +%s%N)
target/release/hearth insights backfill --from "$(date -u +%F)" 2>/dev/null | sed 's/^/   /'
echo "   today's rollup (while serving): $(( ($(date +%s%N) - t0) / 1000000 )) ms, process start included"
t0=$(date +%s%N)
target/release/hearth insights backfill --from "$(date -u -d '30 days ago' +%F)" 2>/dev/null | sed 's/^/   /'
echo "   the last 31 days: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
target/release/hearth create-user --email analyst@bench.example --username bench_analyst \
  --password 'bench analyst passphrase' --role product >/dev/null 2>&1 || true
analyst=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"login":"bench_analyst","password":"bench analyst passphrase"}' "$base/api/v1/auth/login" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(hearth_session=[^;]*\).*/\1/p')
product_id=$(psql_q "SELECT id FROM products ORDER BY id LIMIT 1")
for report in health qa ideas listening club moderation; do
  run "/insights/$report, 365 days" 1 "$base/insights/$report?days=365" "Cookie: $analyst"
done
run "/insights/qa, 90 days, one product" 1 "$base/insights/qa?days=90&product=$product_id" "Cookie: $analyst"
run "/insights/health, 1100 days" 1 "$base/insights/health?from=$(date -u -d '1099 days ago' +%F)&to=$(date -u +%F)" "Cookie: $analyst"
run "API: /api/v1/insights/qa, 365 days" 1 "$base/api/v1/insights/qa?days=365" "Cookie: $analyst"
run "API: qa.csv, 365 days" 1 "$base/api/v1/insights/qa.csv?days=365" "Cookie: $analyst"
run "/insights/qa, 365 days, 64 connections" 64 "$base/insights/qa?days=365" "Cookie: $analyst"
# At a fixed arrival rate (not saturation): wrk's -R needs wrk2; a paced loop of curl instead, 5 req/s for 10 s.
lat=()
for i in $(seq 1 50); do
  lat+=("$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $analyst" "$base/insights/qa?days=365")")
  sleep 0.2
done
printf '%s\n' "${lat[@]}" | sort -n | awk '{ a[NR]=$1*1000 } END { printf "   /insights/qa 365 days at 5 req/s (curl): p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", a[int(NR*0.5)], a[int(NR*0.95)], a[NR] }'

echo "== live updates (budgets: a reply reaches an open stream in < 200 ms p95; 1,000 streams < 100 MB extra)"
live_topic=$(psql_q "SELECT t.id FROM topics t JOIN categories c ON c.id = t.category_id
  WHERE c.visibility = 'public' AND t.kind = 'discussion' AND t.status = 'published' AND t.locked_at IS NULL
  ORDER BY t.id DESC LIMIT 1")
mapfile -t live_tokens < <(target/release/hearth bench-tokens --count 10)
python3 .ci/sse_bench.py "$base" "$live_topic" "$server_pid" 1000 "${live_tokens[@]}" || echo "   live updates: the measurement failed"

echo "== webhooks (budget: publishing a reply with 5 subscribed endpoints costs <= 1 ms more p50)"
target/release/hearth create-user --email poster@bench.example --username bench_poster \
  --password 'bench poster passphrase' --role staff >/dev/null 2>&1 || true
poster=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"login":"bench_poster","password":"bench poster passphrase"}' "$base/api/v1/auth/login" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(hearth_session=[^;]*\).*/\1/p')
reply_lua=target/bench-reply.lua
cat > "$reply_lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"body":"Bench reply number ' .. n .. ': the battery lasted the whole commute."}')
end
LUA
psql_q "DELETE FROM webhook_endpoints WHERE description = 'bench'" >/dev/null
NOCHECK=1 run "reply (POST), no endpoints" 1 "$base/api/v1/topics/$live_topic/posts" "Cookie: $poster" "$reply_lua"; hooks0=$last_p50
# Five endpoints wanting every event (deliveries fail at DNS and retry in the background: this measures the
# request's own cost of writing the outbox).
psql_q "INSERT INTO webhook_endpoints (url, description, secret)
  SELECT 'https://hooks-' || g || '.bench.invalid/hearth', 'bench', 'whsec_' || encode(sha256(random()::text::bytea), 'base64')
  FROM generate_series(1, 5) g" >/dev/null
NOCHECK=1 run "reply (POST), 5 endpoints subscribed" 1 "$base/api/v1/topics/$live_topic/posts" "Cookie: $poster" "$reply_lua"; hooks5=$last_p50
queued=$(psql_q "SELECT count(*) FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.description = 'bench'")
psql_q "DELETE FROM webhook_endpoints WHERE description = 'bench'" >/dev/null
psql_q "DELETE FROM webhook_events e WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)" >/dev/null
awk -v a="$hooks0" -v b="$hooks5" -v q="$queued" 'BEGIN { printf "   outbox cost per reply (p50): %+.2f ms with 5 endpoints (%d deliveries queued)\n", b - a, q }'

echo "== browser bundle (budget: < 300 KB gzip)"
wasm=target/site/pkg/hearth.wasm
js=target/site/pkg/hearth.js
raw=$(( $(stat -c %s "$wasm") + $(stat -c %s "$js") ))
gz=$(( $(gzip -9c "$wasm" | wc -c) + $(gzip -9c "$js" | wc -c) ))
printf '   wasm %d KB + js %d KB = %d KB raw, %d KB gzip\n' \
  $(( $(stat -c %s "$wasm") / 1024 )) $(( $(stat -c %s "$js") / 1024 )) $(( raw / 1024 )) $(( gz / 1024 ))
