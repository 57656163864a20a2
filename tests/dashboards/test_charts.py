"""The SVG charts (dashboards/charts.py) are pure: figures in, markup out; bars and lines agree with the figures,
every text is escaped, nothing is random, and no figures draw a clear empty state."""
import xml.etree.ElementTree as ET

import pytest

from eventsapp.dashboards.charts import Chart, Series, bar_chart, column_chart, nice_ticks, shortened, step_chart
from tests.dashboards.helpers import SVG, bars

HOSTILE = '<script>alert("x")</script> & "quotes"'


def chart(values=(3, 0, 12), labels=("3月1日", "3月2日", "3月3日"), **fields) -> Chart:
    fields.setdefault("series", [Series("报名 Sign-ups", list(values))])
    return Chart("c", fields.pop("title", "每日报名"), fields.pop("description", "desc"), list(labels),
                 empty_text="暂无数据 No data yet", **fields)


@pytest.mark.parametrize("draw", [column_chart, bar_chart, step_chart])
def test_a_chart_is_an_accessible_image_with_a_title_and_a_description(draw):
    svg = ET.fromstring(draw(chart()))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").get("id") == "c-title" and svg.find(f"{SVG}title").text == "每日报名"
    assert svg.find(f"{SVG}desc").text == "desc"


@pytest.mark.parametrize("draw", [column_chart, bar_chart, step_chart])
def test_every_text_is_escaped_and_the_bytes_are_the_same_each_time(draw):
    hostile = chart(labels=(HOSTILE, "b", "c"), title=HOSTILE, description=HOSTILE,
                    series=[Series(HOSTILE, [1, 2, 3]), Series("two", [3, 2, 1])])
    markup = draw(hostile)
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    ET.fromstring(markup)  # well-formed
    assert draw(hostile) == markup


def test_column_heights_are_proportional_to_the_values():
    columns = bars(ET.fromstring(column_chart(chart(values=(3, 0, 12)))))
    assert [float(rect.get("data-value")) for rect in columns] == [3, 0, 12]
    heights = [float(rect.get("height")) for rect in columns]
    assert heights[1] == 0 and heights[2] == pytest.approx(4 * heights[0], rel=0.01)
    baselines = {round(float(rect.get("y")) + float(rect.get("height")), 1) for rect in columns}
    assert len(baselines) == 1  # every bar stands on the axis


def test_horizontal_bars_are_proportional_and_long_names_are_shortened_but_kept_whole_in_a_tooltip():
    name = "上海振华重工（集团）股份有限公司质量管理部与张江高科技园区联合代表团"
    svg = ET.fromstring(bar_chart(chart(values=(5, 10), labels=(name, "B"))))
    widths = [float(rect.get("width")) for rect in bars(svg)]
    assert widths[1] == pytest.approx(2 * widths[0], rel=0.01)
    labels = [t for t in svg.iter(f"{SVG}text") if t.get("class") == "category"]
    assert labels[0].find(f"{SVG}title").text == name and "".join(labels[0].itertext()).endswith("…")
    assert shortened("abc", 100) == "abc"


def test_a_step_line_holds_each_value_across_its_day():
    svg = ET.fromstring(step_chart(chart(values=(1, 4, 2), series=[Series("s", [1, 4, 2]), Series("t", [0, 0, 0])])))
    [line] = [p for p in svg.iter(f"{SVG}path") if "series-0" in p.get("class")]
    assert line.get("data-values") == "1 4 2"
    assert line.get("d").count("H") == 3 and line.get("d").count("V") == 2


def test_the_axis_ends_on_a_round_number_at_or_above_the_highest_value():
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(100_000) == [0, 20_000, 40_000, 60_000, 80_000, 100_000]
    assert nice_ticks(0.93, whole_numbers=False)[-1] == 1.0


@pytest.mark.parametrize("draw", [column_chart, bar_chart, step_chart])
def test_no_figures_draw_a_clear_empty_state(draw):
    svg = ET.fromstring(draw(chart(labels=(), series=[])))
    assert svg.get("role") == "img"
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["暂无数据 No data yet"]
    assert bars(svg) == []
