"""Reading a dashboard page: a chart's SVG as XML, its table as rows of cell texts."""
import html
import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(page: str, chart_id: str) -> ET.Element:
    found = re.search(rf'<svg [^>]*id="{re.escape(chart_id)}".*?</svg>', page, re.S)
    assert found, f"no chart {chart_id}"
    return ET.fromstring(found.group(0))


def bars(svg: ET.Element, series: int = 0) -> list[ET.Element]:
    return [rect for rect in svg.iter(f"{SVG}rect") if f"series-{series}" in rect.get("class", "").split()
            and "bar" in rect.get("class", "").split()]


def table_of(page: str, chart_id: str) -> list[list[str]]:
    """The body rows of the table captioned by the chart (header rows left out)."""
    found = re.search(rf'<caption id="{re.escape(chart_id)}-caption".*?<tbody>(.*?)</tbody>', page, re.S)
    assert found, f"no table for {chart_id}"
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S)]
