"""The sign-in sheet (签到表) as Chromium prints it: A4, one page more for every page's worth of people,
the table's heading on every page, the Chinese names in the PDF's text (read with pypdf)."""
import io
import re

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus
from tests.e2e.helpers import sign_in

A4_POINTS = (595.28, 841.89)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]")
PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def sheet_pdf(page: Page, live_server, make_user, make_event, people: int, order: str = "name") -> bytes:
    event = make_event(title_zh="质量开放日", title_en="Quality Open Day", capacity=100)
    db.session.add_all(Registration(event=event, email=f"p{n}@example.com", name=f"{SURNAMES[n % 20]}小{n}",
                                    organization=f"上海测试单位{n % 7}", job_title="质量工程师",
                                    status=RegistrationStatus.CONFIRMED) for n in range(people))
    db.session.commit()
    sign_in(page, live_server, make_user)
    page.goto(f"{live_server.url}/manage/events/{event.id}/sign-in-sheet?order={order}&lang=zh")
    return page.pdf(prefer_css_page_size=True, print_background=True)


def pages_of(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's size in points, read from the PDF itself (Chromium writes page objects uncompressed)."""
    boxes = [tuple(float(value) for value in box) for box in MEDIA_BOX.findall(pdf)]
    assert len(PAGE.findall(pdf)) == len(boxes)
    return [(x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes]


@pytest.mark.parametrize(("people", "pages"), [(10, 1), (60, 3)])
def test_the_sheet_prints_on_a4_with_a_page_for_every_page_of_people(live_server, new_page, make_event, make_user,
                                                                     app_ctx, people, pages):
    # 11 mm rows: 23 fit a page under the repeated heading, fewer on the first, below the event's details
    sizes = pages_of(sheet_pdf(new_page(), live_server, make_user, make_event, people))
    assert len(sizes) == pages
    for width, height in sizes:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2


def test_the_printed_text_holds_the_chinese_names_and_a_heading_on_every_page(live_server, new_page, make_event,
                                                                              make_user, app_ctx):
    reader = PdfReader(io.BytesIO(sheet_pdf(new_page(), live_server, make_user, make_event, 60, "company")))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) >= 3 and all("签名" in text and "序号" in text for text in texts)  # the heading repeats
    assert all(f"{number} / {len(texts)}" in text for number, text in enumerate(texts, 1))  # CSS page counters
    assert "签到表" in texts[0] and "质量开放日" in texts[0] and "王小" in texts[-1] and "上海测试单位" in texts[-1]
