"""What the parallel-request tests share: real HTTP requests to a live server, started together."""
import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener_for(cookies: http.cookiejar.CookieJar | None = None) -> urllib.request.OpenerDirector:
    """A client that does not follow redirects (the answer's status is what tests read), with its own cookies."""
    handlers: list = [NoRedirect]
    if cookies is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(cookies))
    return urllib.request.build_opener(*handlers)


def post(url: str, data: dict, opener: urllib.request.OpenerDirector | None = None) -> int:
    body = urllib.parse.urlencode(data).encode()
    try:
        return (opener or opener_for()).open(urllib.request.Request(url, data=body, method="POST"),
                                             timeout=120).status
    except urllib.error.HTTPError as error:
        return error.code


def logged_in(base_url: str, email: str, password: str) -> urllib.request.OpenerDirector:
    """A client signed in as this user (its session cookie kept for the next requests)."""
    opener = opener_for(http.cookiejar.CookieJar())
    assert post(f"{base_url}/auth/login", {"email": email, "password": password}, opener) == 302
    return opener


def fire_together(calls) -> list:
    """Start every call at the same moment, each in its own thread."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))
