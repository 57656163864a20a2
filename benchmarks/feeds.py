"""Calendar feeds under polling: what a cold render costs, and how fast cached and unchanged feeds are served.

Builds a catalogue in PostgreSQL (default 10 campaigns x 100 events x 10 sessions, six organizations,
five venues, bilingual texts of a few hundred characters, events from 60 days ago to 300 days ahead,
about 5% cancelled) unless the database already holds it (reruns reuse it; another size needs a
fresh database), then measures /feeds/all.ics and the first campaign's feed:

* Cold render: the first GET on a fresh app (empty in-process cache) through the Flask test client:
  the selection queries plus the iCalendar serialization. Median of 3 fresh apps, with feed size
  and VEVENT count.
* Under gunicorn (sync workers, 127.0.0.1, RATELIMIT_ENABLED=0; with --redis the feed cache is Redis
  db 14), driven by wrk after a warm-up in which every worker has the feed cached:
  - warm GET: fingerprint query, cache hit, SHA-256 ETag, the bytes;
  - conditional GET with the current ETag in If-None-Match: the 304 path (the share really answered
    304 is reported);
  - ceiling: a static file holding the feed's exact bytes, served by the same app at /static/
    (written as static/bench-<pid>-<n>.ics, removed afterwards).
  Requests/s, and p50/p99 latency as wrk measures it (request sent to answer read). Sync workers
  close every connection, so each request includes a TCP connect on the loopback.

wrk runs on the same machine as gunicorn and PostgreSQL: on a small machine they share the cores.

    createdb -h 127.0.0.1 -U postgres eventsapp_feedbench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/eventsapp_feedbench .venv/bin/python benchmarks/feeds.py
"""
import argparse
import http.client
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

from serving import HOST, ROOT, migrate, pick_port, require_postgres, start_gunicorn, stop_gunicorn, wait_until_up
from sqlalchemy import func, select

from eventsapp import create_app
from eventsapp.catalogue.models import Campaign, Event, EventSession, EventStatus, Organization, Venue
from eventsapp.extensions import db

SLUG_PREFIX = "feedbench-"
BENCH_REDIS_URL = "redis://127.0.0.1:6379/14"
WARM_UP_SECONDS = 3  # plus the time every worker may need to render
TOPICS = [("质量管理体系", "quality management systems"), ("精益生产", "lean production"),
          ("供应链质量", "supply-chain quality"), ("可靠性工程", "reliability engineering"),
          ("质量数字化转型", "digital quality"), ("检验检测", "testing and inspection"), ("六西格玛", "Six Sigma")]
FORMATS = [("论坛", "Forum"), ("研讨会", "Workshop"), ("培训班", "Training course"), ("现场观摩会", "Site visit")]
DISTRICTS = [("浦东新区", "Pudong", 31.22, 121.54), ("徐汇区", "Xuhui", 31.19, 121.44),
             ("闵行区", "Minhang", 31.11, 121.38), ("嘉定区", "Jiading", 31.38, 121.27),
             ("杨浦区", "Yangpu", 31.26, 121.53)]
ORGANIZATIONS = [("市质量协会", "City Quality Association"), ("上海精密机械有限公司", "Shanghai Precision Machinery"),
                 ("华芯集成电路股份有限公司", "Huaxin Integrated Circuits"),
                 ("申城建设集团", "Shencheng Construction Group"),
                 ("云帆软件科技有限公司", "Yunfan Software"), ("长江生物医药有限公司", "Changjiang Biopharma")]
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) answered, not_modified = 0, 0 end
%s
function done(summary, latency, requests)
  local answers, unchanged = 0, 0
  for _, thread in ipairs(threads) do
    answers = answers + thread:get("answered")
    unchanged = unchanged + thread:get("not_modified")
  end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    answers, unchanged, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""
# Only the conditional runs count statuses: a response() hook makes wrk hand every body to Lua.
COUNT_STATUSES = """
function response(status, headers, body)
  answered = answered + 1
  if status == 304 then not_modified = not_modified + 1 end
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for option, default in (("campaigns", 10), ("events", 100), ("sessions", 10), ("workers", 4),
                            ("seconds", 10), ("concurrency", 32)):
        parser.add_argument(f"--{option}", type=int, default=default)
    parser.add_argument("--redis", action="store_true", help=f"share the feed cache through {BENCH_REDIS_URL}")
    args = parser.parse_args()
    if min(args.campaigns, args.events, args.sessions, args.workers, args.seconds, args.concurrency) < 1:
        parser.error("every number must be at least 1")
    return args


def require_tools() -> None:
    require_postgres("feeds", "eventsapp_feedbench")
    if not shutil.which("wrk"):
        sys.exit("feeds: wrk not found (Debian: apt-get install wrk)")


def ensure_data(args) -> str:
    """Builds the catalogue unless this database holds it already; returns the measured campaign's slug."""
    slug = f"{SLUG_PREFIX}01"
    existing = db.session.scalar(select(func.count(Event.id)).join(Campaign)
                                 .where(Campaign.slug.like(f"{SLUG_PREFIX}%")))
    sessions = db.session.scalar(select(func.count(EventSession.id)))
    if existing == args.campaigns * args.events and sessions == existing * args.sessions:
        print(f"data: reusing {existing} events, {sessions} sessions")
        return slug
    if existing:
        sys.exit("feeds: the database holds a data set of another size; use a fresh database")
    started = time.perf_counter()
    build_catalogue(args, random.Random(2024))
    print(f"data: built {args.campaigns * args.events} events, {args.campaigns * args.events * args.sessions} "
          f"sessions in {time.perf_counter() - started:.1f} s")
    return slug


def build_catalogue(args, rng: random.Random) -> None:
    organizations = [Organization(name_zh=zh, name_en=en) for zh, en in ORGANIZATIONS]
    venues = [Venue(name_zh=f"{zh}质量创新中心", name_en=f"{en} Quality Innovation Centre",
                    address_zh=f"上海市{zh}科技路{88 + i}号", address_en=f"{88 + i} Keji Road, {en}, Shanghai",
                    city_zh="上海", city_en="Shanghai", timezone="Asia/Shanghai", latitude=lat, longitude=lon,
                    capacity=300) for i, (zh, en, lat, lon) in enumerate(DISTRICTS)]
    year = datetime.now(UTC).year
    campaigns = [Campaign(slug=f"{SLUG_PREFIX}{c + 1:02}", year=year, name_zh=f"{year}年质量月活动第{c + 1}单元",
                          name_en=f"Quality Month {year}, strand {c + 1}", organizing_body_zh="市质量发展局",
                          organizing_body_en="City Quality Development Bureau",
                          main_language="en" if c % 4 == 3 else "zh") for c in range(args.campaigns)]
    total = args.campaigns * args.events
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for number in range(total):  # interleaved, so every campaign spans the whole period
        day = today + timedelta(days=-60 + 360 * number / total)
        starts_at = day.replace(hour=rng.choice((1, 2, 5, 6)), minute=rng.choice((0, 30)))  # 09:00-14:30 in Shanghai
        host, *co_hosts = rng.sample(organizations, rng.choice((1, 1, 2, 3)))
        event = make_event(rng, number, campaigns[number % args.campaigns], host, rng.choice(venues), starts_at)
        event.co_hosts = co_hosts
        event.sessions = make_sessions(event, args.sessions)
    db.session.add_all(campaigns)
    db.session.commit()


def make_event(rng: random.Random, number: int, campaign: Campaign, host: Organization, venue: Venue,
               starts_at: datetime) -> Event:
    topic_zh, topic_en = rng.choice(TOPICS)
    format_zh, format_en = rng.choice(FORMATS)
    cancelled = rng.random() < 0.05
    return Event(
        campaign=campaign, host=host, venue=venue, starts_at=starts_at, ends_at=starts_at + timedelta(hours=5),
        timezone="Asia/Shanghai", capacity=rng.choice((50, 80, 120, 200)), sequence=1 if cancelled else 0,
        status=EventStatus.CANCELLED if cancelled else EventStatus.PUBLISHED,
        cancellation_reason_zh="因场地检修，活动取消。" if cancelled else "",
        cancellation_reason_en="The venue is closed for repairs." if cancelled else "",
        title_zh=f"{topic_zh}{format_zh}（第{number + 1}期）", title_en=f"{format_en} on {topic_en} (no. {number + 1})",
        description_zh=(f"本次{format_zh}聚焦{topic_zh}，邀请{host.name_zh}等单位的专家分享{topic_zh}方面的实践经验与"
                        f"典型案例，内容包括现状分析、方法工具、实施路径和成效评估。活动面向全市企业的质量负责人、技术骨干和"
                        f"一线管理者。现场设有互动答疑环节，参会者可就企业在{topic_zh}中遇到的具体问题与专家深入交流，"
                        f"会后提供讲义和学习资料。请携带身份证件，提前十五分钟签到。"),
        description_en=(f"This {format_en.lower()} is about {topic_en}. Experts from {host.name_en} and partner "
                        f"organizations share practical experience and case studies: where companies stand today, "
                        f"methods and tools, how to implement them and how to measure the results. It is meant for "
                        f"quality managers, engineers and front-line supervisors. A question-and-answer session "
                        f"follows; handouts are provided. Please bring an ID and arrive fifteen minutes early."))


def make_sessions(event: Event, count: int) -> list[EventSession]:
    length = (event.ends_at - event.starts_at) / count
    return [EventSession(title_zh=f"{event.title_zh}：第{i + 1}节", title_en=f"{event.title_en}: part {i + 1}",
                         abstract_zh="主题报告与案例分享，随后答疑。",
                         abstract_en="Keynote and case study, then questions.",
                         starts_at=event.starts_at + i * length, ends_at=event.starts_at + (i + 1) * length)
            for i in range(count)]


def render_cold(path: str, repeats: int = 3) -> dict:
    """First GET on `repeats` fresh apps through the test client (no Redis: an empty in-process cache)."""
    seconds = []
    for _ in range(repeats):
        app = create_app(REDIS_URL=None, RATELIMIT_ENABLED=False)
        client = app.test_client()
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        with app.app_context():
            db.engine.dispose()
        if response.status_code != 200:
            sys.exit(f"feeds: GET {path} answered {response.status_code}")
    return {"seconds": statistics.median(seconds), "all": seconds, "body": response.data,
            "events": response.data.count(b"BEGIN:VEVENT")}


def start_server(port: int, workers: int, redis: bool) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = BENCH_REDIS_URL
    return start_gunicorn(port, workers, env=env)


def run_wrk(url: str, *, seconds: int, connections: int, headers: dict | None = None,
            count_statuses: bool = False) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT % (COUNT_STATUSES if count_statuses else ""))
        script.flush()
        command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s",
                   "--timeout", "30s", "-s", script.name]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True,
                                timeout=seconds + 60).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, duration, answered, not_modified, p50, p99, slowest, errors = map(int, line.split()[1:])
    return {"rate": requests / (duration / 1e6), "requests": requests, "p50_ms": p50 / 1000, "p99_ms": p99 / 1000,
            "max_ms": slowest / 1000, "errors": errors, "share_304": not_modified / answered if answered else None}


def warm_up(args, url: str, cold_seconds: float) -> None:
    """Long enough for every worker to render the feed once, even all at the same time on few cores."""
    run_wrk(url, seconds=WARM_UP_SECONDS + math.ceil(args.workers * cold_seconds), connections=args.workers)


def current_etag(port: int, path: str) -> str:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.headers["ETag"]
    finally:
        connection.close()


def measure_served(args, port: int, path: str, static_path: str, cold_seconds: float) -> dict:
    feed, static = f"http://{HOST}:{port}{path}", f"http://{HOST}:{port}{static_path}"
    warm_up(args, feed, cold_seconds)
    load = {"seconds": args.seconds, "connections": args.concurrency}
    unchanged = {"If-None-Match": current_etag(port, path)}
    return {"warm GET": run_wrk(feed, **load),
            "If-None-Match": run_wrk(feed, headers=unchanged, count_statuses=True, **load),
            "static file": run_wrk(static, **load)}


def measure_under_gunicorn(args, cold: dict) -> dict:
    """Static copies of each feed's bytes, the server, then the three runs per feed; all cleaned up."""
    copies = {path: ROOT / "static" / f"bench-{os.getpid()}-{n}.ics" for n, path in enumerate(cold)}
    port = pick_port(0)
    try:
        for path, copy in copies.items():
            copy.write_bytes(cold[path]["body"])
        server = start_server(port, args.workers, args.redis)
        try:
            wait_until_up(server, port, f"/static/{next(iter(copies.values())).name}")
            return {path: measure_served(args, port, path, f"/static/{copy.name}", cold[path]["seconds"])
                    for path, copy in copies.items()}
        finally:
            stop_gunicorn(server)
    finally:
        for copy in copies.values():
            copy.unlink(missing_ok=True)


def print_report(args, cold: dict, served: dict) -> None:
    width = max(len(path) for path in cold) + 2
    print(f"\ndata {args.campaigns} campaigns x {args.events} events x {args.sessions} sessions; "
          f"gunicorn {args.workers} sync workers, feed cache {'Redis' if args.redis else 'in-process'}; "
          f"wrk {min(2, args.concurrency)} threads, {args.concurrency} connections, {args.seconds} s a run; "
          f"{os.cpu_count()} CPUs shared by server, database and wrk")
    print(f"{'feed':<{width}}{'bytes':>11}{'VEVENTs':>9}   cold render ms: median (3 fresh apps)")
    for path, result in cold.items():
        each = ", ".join(f"{seconds * 1000:.0f}" for seconds in result["all"])
        print(f"{path:<{width}}{len(result['body']):>11,}{result['events']:>9}"
              f"{result['seconds'] * 1000:>9.0f} ({each})")
    print(f"\n{'feed':<{width}}{'run':<15}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'304 share':>11}{'/ static':>10}")
    for path, runs in served.items():
        for run, result in runs.items():
            share = "-" if result["share_304"] is None else f"{result['share_304']:.1%}"
            ratio = result["rate"] / runs["static file"]["rate"]
            print(f"{path:<{width}}{run:<15}{result['rate']:>9.1f}{result['p50_ms']:>9.1f}{result['p99_ms']:>9.1f}"
                  f"{result['errors']:>8}{share:>11}{ratio:>10.2f}")


def main() -> int:
    args = parse_args()
    require_tools()
    migrate()
    app = create_app(REDIS_URL=None)
    with app.app_context():
        slug = ensure_data(args)
        db.engine.dispose()
    cold = {path: render_cold(path) for path in ("/feeds/all.ics", f"/feeds/campaigns/{slug}.ics")}
    served = measure_under_gunicorn(args, cold)
    print_report(args, cold, served)
    return 1 if any(run["errors"] for runs in served.values() for run in runs.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
