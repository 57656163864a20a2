"""Calendar feeds under polling: what a cold render costs, and how fast cached and unchanged feeds are served.

Builds a catalogue in PostgreSQL (default 10 campaigns x 100 events x 10 sessions, six organizations,
five venues, bilingual texts of a few hundred characters, events from 60 days ago to 300 days ahead,
about 5% cancelled) and one event with an agenda of --talks talks (default 1,000: 10 rooms, 20 talks a
room and day, one to three speakers each, bilingual titles and abstracts) unless the database already
holds them (reruns reuse them; another size needs a fresh database), then measures /feeds/all.ics, the
first campaign's feed and that event's /feeds/events/<id>/agenda.ics:

* Cold render: a GET that finds the feed in no cache, through the Flask test client: the selection
  queries plus the iCalendar serialization. Two ways: in a running app whose feed caches are emptied
  before each GET, median of 5 (what every process does after a change of the catalogue: the figure
  the summary uses; what start-up made is frozen out of the garbage collector's passes, as wsgi.py
  does in a served process), and the first GET of a fresh app, median of 3, which also pays the
  process's start-up (its first database connection, SQLAlchemy's compiled statements, the translations).
* Bare icalendar, the cold render's floor: the icalendar library alone building the same VEVENTs:
  each VEVENT's properties, their values and parameters decoded from the feed's own bytes before the
  clock starts, then, timed, an icalendar.Event() per VEVENT, one add() per property, and
  Calendar.to_ical(). The floor's VEVENTs are checked byte-identical to the feed's (the run stops
  otherwise). Not in the floor: the feed's VTIMEZONE and calendar properties, the queries, and the
  texts' assembly. Each floor run follows a cold render at once, so both meet the same load on a
  shared machine; median of 5.
* Under gunicorn (sync workers, 127.0.0.1, RATELIMIT_ENABLED=0; with --redis the feed cache is Redis
  db 14), driven by wrk after a warm-up in which every worker has the feed cached:
  - warm GET: the catalogue's version read (one row), the feed kept in the worker's memory (feeds/kept.py);
  - conditional GET with the current ETag in If-None-Match: the 304 path (the share really answered
    304 is reported);
  - ceiling: a static file holding the feed's exact bytes, served by the same app at /static/
    (written as static/bench-<pid>-<n>.ics, removed afterwards).
  Requests/s, and p50/p99 latency as wrk measures it (request sent to answer read). Sync workers
  close every connection, so each request includes a TCP connect on the loopback.

wrk runs on the same machine as gunicorn and PostgreSQL: on a small machine they share the cores.
The summary at the end gives, per feed, cold render / bare icalendar, warm GET / static and 304 / static
beside issue 15's goals (<= 1.2, >= 0.5, >= 0.5), as measured.

    createdb -h 127.0.0.1 -U postgres eventsapp_feedbench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/eventsapp_feedbench .venv/bin/python benchmarks/feeds.py
"""
import argparse
import gc
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

from icalendar import Calendar
from icalendar import Event as VEvent
from serving import HOST, ROOT, migrate, pick_port, require_postgres, start_gunicorn, stop_gunicorn, wait_until_up
from sqlalchemy import func, select

from eventsapp import create_app
from eventsapp.catalogue.models import (
    Campaign,
    Event,
    EventSession,
    EventStatus,
    Organization,
    Room,
    Speaker,
    Venue,
)
from eventsapp.extensions import db

SLUG_PREFIX = "feedbench-"
AGENDA_SLUG = "feedbench-agenda"  # the agenda event's campaign, apart from the catalogue's
AGENDA_ROOMS, TALKS_A_ROOM_AND_DAY, TALK_MINUTES = 10, 20, 30
SURNAMES = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
            ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu")]
GIVEN_NAMES = [("伟", "Wei"), ("芳", "Fang"), ("建华", "Jianhua"), ("晓明", "Xiaoming"), ("丽娟", "Lijuan"),
               ("志强", "Zhiqiang"), ("海燕", "Haiyan"), ("国庆", "Guoqing")]
JOB_TITLES = [("质量总监", "Quality Director"), ("首席工程师", "Chief Engineer"), ("研究员", "Research Fellow"),
              ("教授", "Professor"), ("副总经理", "Deputy General Manager")]
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
    for option, default in (("campaigns", 10), ("events", 100), ("sessions", 10), ("talks", 1000), ("workers", 4),
                            ("seconds", 10), ("concurrency", 32)):
        parser.add_argument(f"--{option}", type=int, default=default)
    parser.add_argument("--redis", action="store_true", help=f"share the feed cache through {BENCH_REDIS_URL}")
    args = parser.parse_args()
    if min(args.campaigns, args.events, args.sessions, args.talks, args.workers, args.seconds,
           args.concurrency) < 1:
        parser.error("every number must be at least 1")
    return args


def require_tools() -> None:
    require_postgres("feeds", "eventsapp_feedbench")
    if not shutil.which("wrk"):
        sys.exit("feeds: wrk not found (Debian: apt-get install wrk)")


def ensure_data(args) -> tuple[str, int]:
    """Builds what this database does not hold yet; returns the measured campaign's slug and the agenda event."""
    return ensure_catalogue(args), ensure_agenda(args)


def ensure_catalogue(args) -> str:
    slug = f"{SLUG_PREFIX}01"
    catalogue = Event.campaign_id.in_(select(Campaign.id).where(Campaign.slug.like(f"{SLUG_PREFIX}%"),
                                                                Campaign.slug != AGENDA_SLUG))
    existing = db.session.scalar(select(func.count(Event.id)).where(catalogue))
    sessions = db.session.scalar(select(func.count(EventSession.id)).join(Event).where(catalogue))
    if existing == args.campaigns * args.events and sessions == existing * args.sessions:
        print(f"data: reusing {existing} events, {sessions} sessions")
        return slug
    if existing:
        sys.exit("feeds: the database holds a catalogue of another size; use a fresh database")
    started = time.perf_counter()
    build_catalogue(args, random.Random(2024))
    print(f"data: built {args.campaigns * args.events} events, {args.campaigns * args.events * args.sessions} "
          f"sessions in {time.perf_counter() - started:.1f} s")
    return slug


def ensure_agenda(args) -> int:
    event_id = db.session.scalar(select(Event.id).join(Campaign).where(Campaign.slug == AGENDA_SLUG))
    if event_id is not None:
        talks = db.session.scalar(select(func.count(EventSession.id)).where(EventSession.event_id == event_id))
        if talks != args.talks:
            sys.exit(f"feeds: the database holds an agenda of {talks} talks, not {args.talks}; use a fresh database")
        print(f"data: reusing the agenda event {event_id} with {talks} talks")
        return event_id
    started = time.perf_counter()
    event = build_agenda(args.talks, random.Random(2025))
    speakers = db.session.scalar(select(func.count(Speaker.id)).join(EventSession)
                                 .where(EventSession.event_id == event.id))
    print(f"data: built event {event.id} with {args.talks} talks and {speakers} speakers "
          f"in {time.perf_counter() - started:.1f} s")
    return event.id


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


def build_agenda(talks: int, rng: random.Random) -> Event:
    """A congress in 30 days: AGENDA_ROOMS parallel rooms, TALKS_A_ROOM_AND_DAY talks of TALK_MINUTES a room
    and day from 08:30 (Shanghai), as many days as the talks need."""
    venue = Venue(name_zh="国家会展中心（上海）", name_en="National Exhibition and Convention Center (Shanghai)",
                  address_zh="上海市青浦区崧泽大道333号", address_en="333 Songze Avenue, Qingpu, Shanghai",
                  city_zh="上海", city_en="Shanghai", timezone="Asia/Shanghai", latitude=31.19, longitude=121.30,
                  capacity=5000, rooms=[Room(name_zh=f"{n + 1}号会议厅", name_en=f"Hall {n + 1}", position=n)
                                        for n in range(AGENDA_ROOMS)])
    year = datetime.now(UTC).year
    campaign = Campaign(slug=AGENDA_SLUG, year=year, name_zh=f"{year}年中国质量大会",
                        name_en=f"China Quality Congress {year}", organizing_body_zh="市质量发展局",
                        organizing_body_en="City Quality Development Bureau")
    first_day = datetime.now(UTC).replace(hour=0, minute=30, second=0, microsecond=0) + timedelta(days=30)  # 08:30
    day_length = timedelta(minutes=TALK_MINUTES * TALKS_A_ROOM_AND_DAY)
    days = math.ceil(talks / (AGENDA_ROOMS * TALKS_A_ROOM_AND_DAY))
    event = Event(
        campaign=campaign, host=Organization(name_zh="中国质量大会组委会", name_en="China Quality Congress Committee"),
        venue=venue, starts_at=first_day, ends_at=first_day + timedelta(days=days - 1) + day_length,
        timezone="Asia/Shanghai", capacity=5000, status=EventStatus.PUBLISHED,
        title_zh=f"{year}年中国质量大会", title_en=f"China Quality Congress {year}",
        description_zh="大会汇集政府、企业与学界的质量专家，围绕质量强国建设开展主题演讲、分论坛和案例交流。",
        description_en="The congress brings together quality experts from government, industry and academia: "
                       "keynotes, parallel forums and case studies on building quality.")
    event.sessions = [make_talk(rng, number, venue.rooms[number % AGENDA_ROOMS],
                                first_day + timedelta(days=number // (AGENDA_ROOMS * TALKS_A_ROOM_AND_DAY))
                                + (number // AGENDA_ROOMS) % TALKS_A_ROOM_AND_DAY * timedelta(minutes=TALK_MINUTES))
                      for number in range(talks)]
    db.session.add(event)
    db.session.commit()
    return event


def make_talk(rng: random.Random, number: int, room: Room, starts_at: datetime) -> EventSession:
    topic_zh, topic_en = rng.choice(TOPICS)
    organization_zh, organization_en = rng.choice(ORGANIZATIONS)
    speakers = []
    for position in range(rng.choice((1, 1, 2, 3))):
        (surname_zh, surname_en), (given_zh, given_en) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
        job_zh, job_en = rng.choice(JOB_TITLES)
        speakers.append(Speaker(name_zh=surname_zh + given_zh, name_en=f"{surname_en} {given_en}", job_title_zh=job_zh,
                                job_title_en=job_en, organization_zh=organization_zh,
                                organization_en=organization_en, position=position))
    return EventSession(
        title_zh=f"{topic_zh}实践与展望（报告{number + 1}）", title_en=f"{topic_en.capitalize()}: practice and outlook "
        f"(talk {number + 1})", room=room, speakers=speakers, starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=TALK_MINUTES),
        abstract_zh=(f"报告介绍{organization_zh}在{topic_zh}方面的做法：从问题识别、数据采集到改进措施的落地与固化，"
                     f"结合三个典型案例说明投入、周期与成效，并讨论中小企业如何以较低成本借鉴。最后留出十分钟答疑。"),
        abstract_en=(f"How {organization_en} approaches {topic_en}: from finding the problem and collecting data to "
                     f"putting improvements in place and keeping them there. Three case studies show the effort, "
                     f"the time it took and the results, and how smaller companies can adopt the approach at a lower "
                     f"cost. Ten minutes of questions at the end."))


def render_cold(path: str, repeats: int = 5) -> tuple[dict, dict]:
    """A GET that finds no cached feed (no Redis: in-process caches) in a running app, each followed at
    once by the floor building the same VEVENTs, so that both meet the same load on a shared machine;
    then the first GET of fresh apps. Returns (cold, bare)."""
    app = create_app(REDIS_URL=None, RATELIMIT_ENABLED=False)
    gc.freeze()  # as wsgi.py does in a served process, after start-up
    client = app.test_client()
    response = client.get(path)  # the process is started: connected, statements compiled
    if response.status_code != 200:
        sys.exit(f"feeds: GET {path} answered {response.status_code}")
    vevents = same_vevents(response.data)
    seconds, floor_seconds, floor_body = [], [], b""
    for _ in range(repeats):
        for cache in ("feed_cache", "feeds.kept"):  # feeds/cache.py, feeds/kept.py
            app.extensions.pop(cache, None)
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        floor_body = bare_calendar(vevents)
        floor_seconds.append(time.perf_counter() - started)
    with app.app_context():
        db.engine.dispose()
    gc.unfreeze()
    if vevent_blocks(floor_body) != vevent_blocks(response.data):
        sys.exit(f"feeds: the floor's VEVENTs for {path} differ from the feed's")
    first = []
    for _ in range(3):
        fresh = create_app(REDIS_URL=None, RATELIMIT_ENABLED=False)
        started = time.perf_counter()
        fresh.test_client().get(path)
        first.append(time.perf_counter() - started)
        with fresh.app_context():
            db.engine.dispose()
    cold = {"seconds": statistics.median(seconds), "all": seconds, "first": statistics.median(first),
            "all_first": first, "body": response.data, "events": response.data.count(b"BEGIN:VEVENT")}
    bare = {"seconds": statistics.median(floor_seconds), "all": floor_seconds, "bytes": len(floor_body),
            "events": floor_body.count(b"BEGIN:VEVENT")}
    return cold, bare


def same_vevents(body: bytes) -> list[list[tuple]]:
    """The floor's input: each VEVENT of `body` as (name, value, parameters) per property, decoded."""
    vevents = []
    for vevent in Calendar.from_ical(body).walk("VEVENT"):
        vevents.append([(name, vevent.decoded(name), dict(value.params) or None)
                        for name, value in vevent.property_items(recursive=False) if name not in ("BEGIN", "END")])
    return vevents


def bare_calendar(vevents: list[list[tuple]]) -> bytes:
    """The floor: icalendar alone, building the VEVENTs from their decoded properties."""
    calendar = Calendar()
    calendar.add("PRODID", "-//eventsapp benchmark//bare icalendar//EN")
    calendar.add("VERSION", "2.0")
    for properties in vevents:
        vevent = VEvent()
        for name, value, parameters in properties:
            vevent.add(name, value, parameters=parameters)
        calendar.add_component(vevent)
    return calendar.to_ical()


def vevent_blocks(body: bytes) -> list[bytes]:
    return [b"BEGIN:VEVENT" + block.split(b"END:VEVENT")[0] for block in body.split(b"BEGIN:VEVENT")[1:]]


def agenda_path(event_id: int) -> str:
    return f"/feeds/events/{event_id}/agenda.ics"


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


def print_report(args, cold: dict, bare: dict, served: dict) -> None:
    width = max(len(path) for path in cold) + 2
    print(f"\ndata {args.campaigns} campaigns x {args.events} events x {args.sessions} sessions, one event x "
          f"{args.talks} talks; gunicorn {args.workers} sync workers, feed cache "
          f"{'Redis' if args.redis else 'in-process'}; wrk {min(2, args.concurrency)} threads, {args.concurrency} "
          f"connections, {args.seconds} s a run; {os.cpu_count()} CPUs shared by server, database and wrk")
    print(f"{'feed':<{width}}{'bytes':>11}{'VEVENTs':>9}   cold render ms: median of 5 in a running app; "
          f"median of 3 first GETs of a fresh app")
    for path, result in cold.items():
        each = ", ".join(f"{seconds * 1000:.0f}" for seconds in result["all"])
        first = ", ".join(f"{seconds * 1000:.0f}" for seconds in result["all_first"])
        print(f"{path:<{width}}{len(result['body']):>11,}{result['events']:>9}"
              f"{result['seconds'] * 1000:>9.0f} ({each});{result['first'] * 1000:>6.0f} ({first})")
    print(f"{'bare icalendar':<{width}}{'bytes':>11}{'VEVENTs':>9}   ms: median of 5, each right after a cold "
          f"render, the same VEVENTs, "
          f"byte for byte")
    for path, result in bare.items():
        each = ", ".join(f"{seconds * 1000:.0f}" for seconds in result["all"])
        print(f"{path:<{width}}{result['bytes']:>11,}{result['events']:>9}{result['seconds'] * 1000:>9.0f} ({each})")
    print(f"\n{'feed':<{width}}{'run':<15}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'304 share':>11}{'/ static':>10}")
    for path, runs in served.items():
        for run, result in runs.items():
            share = "-" if result["share_304"] is None else f"{result['share_304']:.1%}"
            ratio = result["rate"] / runs["static file"]["rate"]
            print(f"{path:<{width}}{run:<15}{result['rate']:>9.1f}{result['p50_ms']:>9.1f}{result['p99_ms']:>9.1f}"
                  f"{result['errors']:>8}{share:>11}{ratio:>10.2f}")
    print(f"\nsummary, as measured (issue 15's goals: cold render / bare icalendar <= 1.2; warm GET / static and "
          f"304 / static >= 0.5)\n{'feed':<{width}}{'cold / bare':>12}{'warm GET / static':>19}{'304 / static':>14}")
    for path, runs in served.items():
        static = runs["static file"]["rate"]
        print(f"{path:<{width}}{cold[path]['seconds'] / bare[path]['seconds']:>12.2f}"
              f"{runs['warm GET']['rate'] / static:>19.2f}{runs['If-None-Match']['rate'] / static:>14.2f}")


def main() -> int:
    args = parse_args()
    require_tools()
    migrate()
    app = create_app(REDIS_URL=None)
    with app.app_context():
        slug, agenda_event_id = ensure_data(args)
        db.engine.dispose()
    paths = ("/feeds/all.ics", f"/feeds/campaigns/{slug}.ics", agenda_path(agenda_event_id))
    measured = {path: render_cold(path) for path in paths}
    cold = {path: result[0] for path, result in measured.items()}
    bare = {path: result[1] for path, result in measured.items()}
    served = measure_under_gunicorn(args, cold)
    print_report(args, cold, bare, served)
    return 1 if any(run["errors"] for runs in served.values() for run in runs.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
