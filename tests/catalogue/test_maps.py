"""Map links for a venue (catalogue/maps.py): the URI APIs' parameters, coordinates or address."""
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from eventsapp.catalogue.maps import (
    MapApp,
    Place,
    amap_url,
    apple_maps_url,
    baidu_url,
    geo_uri,
    map_links,
    openstreetmap_url,
    search_text,
)
from tests.import_graph import ImportGraph

# The demo's Shanghai International Convention Center, WGS-84.
SICC = Place(name="上海国际会议中心", address="浦东新区滨江大道2727号", district="浦东新区", city="上海市",
             latitude=31.2405, longitude=121.4963)
NO_COORDINATES = Place(name="张江高科技园区展示中心", address="张衡路666号", district="浦东新区", city="上海市")
ENGLISH = Place(name="Zhangjiang Hi-Tech Park Exhibition Centre", address="666 Zhangheng Road",
                district="Pudong New Area", city="Shanghai")


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def test_chinese_visitors_get_amap_and_baidu_others_openstreetmap_and_their_devices_map_app():
    assert [link.app for link in map_links(SICC, language="zh")] == [MapApp.AMAP, MapApp.BAIDU]
    assert [link.app for link in map_links(SICC, language="en")] == [MapApp.OPENSTREETMAP, MapApp.GEO]
    assert [link.app for link in map_links(SICC, language="en", apple_device=True)] == [MapApp.OPENSTREETMAP,
                                                                                      MapApp.APPLE]


def test_apple_maps_pins_the_coordinates_or_searches_the_address():
    """An iPhone ignores geo: links; Apple's own map links open Apple Maps there."""
    assert query(apple_maps_url(SICC)) == {"ll": "31.2405,121.4963", "q": "上海国际会议中心"}
    assert query(apple_maps_url(ENGLISH)) == {"q": "666 Zhangheng Road, Pudong New Area, Shanghai"}


def test_amap_marker_takes_lon_lat_and_says_the_coordinates_are_wgs84():
    url = amap_url(SICC)
    assert url.startswith("https://uri.amap.com/marker?")
    assert query(url) == {"position": "121.4963,31.2405", "name": "上海国际会议中心", "src": "eventsapp",
                          "coordinate": "wgs84", "callnative": "1"}


def test_baidu_marker_takes_lat_lon_and_says_the_coordinates_are_wgs84():
    url = baidu_url(SICC)
    assert url.startswith("https://api.map.baidu.com/marker?")
    assert query(url) == {"location": "31.2405,121.4963", "title": "上海国际会议中心",
                          "content": "浦东新区滨江大道2727号", "output": "html", "coord_type": "wgs84",
                          "src": "webapp.eventsapp.events"}


def test_openstreetmap_and_geo_put_a_pin_at_the_coordinates():
    assert openstreetmap_url(SICC) == "https://www.openstreetmap.org/?mlat=31.2405&mlon=121.4963#map=17/31.2405/121.4963"
    assert geo_uri(SICC) == ("geo:31.2405,121.4963?q=31.2405,121.4963"
                             "(%E4%B8%8A%E6%B5%B7%E5%9B%BD%E9%99%85%E4%BC%9A%E8%AE%AE%E4%B8%AD%E5%BF%83)")


def test_without_coordinates_the_links_search_for_the_address():
    amap = query(amap_url(NO_COORDINATES))
    assert amap_url(NO_COORDINATES).startswith("https://uri.amap.com/search?")
    assert amap == {"keyword": "上海市浦东新区张衡路666号", "city": "上海市", "view": "map", "src": "eventsapp",
                    "callnative": "1"}
    assert baidu_url(NO_COORDINATES).startswith("https://api.map.baidu.com/geocoder?")
    assert query(baidu_url(NO_COORDINATES)) == {"address": "上海市浦东新区张衡路666号", "output": "html",
                                                "src": "webapp.eventsapp.events"}
    assert openstreetmap_url(ENGLISH) == ("https://www.openstreetmap.org/search?"
                                          "query=666+Zhangheng+Road%2C+Pudong+New+Area%2C+Shanghai")
    assert geo_uri(ENGLISH) == "geo:0,0?q=666%20Zhangheng%20Road%2C%20Pudong%20New%20Area%2C%20Shanghai"


def test_search_text_does_not_repeat_what_the_address_already_says():
    assert search_text(SICC, "zh") == "上海市浦东新区滨江大道2727号"
    assert search_text(Place(name="X", address="12 Hengshan Road, Xuhui District", district="Xuhui District",
                             city="Shanghai"), "en") == "12 Hengshan Road, Xuhui District, Shanghai"
    assert search_text(Place(name="申通地铁大厦"), "zh") == "申通地铁大厦"  # no address: the name


def test_a_blank_city_is_left_out_of_the_amap_search():
    assert "city" not in query(amap_url(Place(name="某会场", address="衡山路12号")))


@pytest.mark.parametrize(("latitude", "longitude", "expected"), [
    (31.2, 121.45, "121.45,31.2"),
    (0.0, -0.0000001, "0,0"),  # a zero is a coordinate, not "none"
    (-33.8567844, 151.2152967, "151.215297,-33.856784"),  # six decimals: about 10 cm
])
def test_coordinates_are_written_plainly(latitude, longitude, expected):
    assert query(amap_url(Place(name="x", latitude=latitude, longitude=longitude)))["position"] == expected


def test_names_with_query_characters_stay_inside_their_parameter():
    place = Place(name="A&B=C #1 (Hall)", latitude=1.0, longitude=2.0)
    assert query(amap_url(place))["name"] == "A&B=C #1 (Hall)"
    assert query(baidu_url(place))["title"] == "A&B=C #1 (Hall)"
    assert geo_uri(place) == "geo:1,2?q=1,2(A%26B%3DC%20%231%20%28Hall%29)"


def test_the_link_builder_imports_only_the_standard_library():
    """Pure: no Flask, no request, no database, not even through a helper module of ours. (Its package's
    __init__ names Flask for init_app's signature; the link builder itself needs none of it.)"""
    graph = ImportGraph.read(Path(__file__).resolve().parents[2], "eventsapp")
    imported = {found.target.split(".")[0] for found in graph.imports["eventsapp.catalogue.maps"]}
    assert imported <= set(sys.stdlib_module_names)
