"""What several browser tests do: sign an organizer in, run the mail worker once, ask axe-core."""
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from eventsapp.database import utcnow
from eventsapp.mail.transport import SmtpTransport
from eventsapp.mail.worker import deliver_due_messages

ORGANIZER_PASSWORD = "organizer in the browser"

# Recorded in every frame from the first script on, before the page's own scripts run.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""


def sign_in(page: Page, live_server, make_user) -> None:
    """An organizer account, signed in through the login page."""
    make_user(email="organizer@example.com", password=ORGANIZER_PASSWORD)
    page.goto(f"{live_server.url}/auth/login?lang=en")
    page.get_by_label("E-mail").fill("organizer@example.com")
    page.get_by_label("Password").fill(ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/auth/login"))


def deliver_outbox(live_server) -> dict[str, int]:
    """One pass of the mail worker, as `flask mail work --once` does it."""
    with live_server.app.app_context():
        transport = SmtpTransport.from_url(live_server.app.config["SMTP_URL"])
        return deliver_due_messages(transport=transport, now=utcnow())


AXE_SCRIPT = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`)}));
}"""


def problems(page: Page, axe_source: str) -> list[str]:
    """The serious and critical violations on the page as it is now, one readable line per element.
    axe is evaluated through the DevTools protocol, so the page's Content-Security-Policy stays on."""
    page.evaluate(axe_source)
    return [f"[{v['impact']}] {v['id']} ({v['help']}) {node}"
            for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING_IMPACTS for node in v["nodes"]]
