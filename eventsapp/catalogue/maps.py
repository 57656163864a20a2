"""Links that open a venue in the visitor's map app, built from its coordinates or else its address.

Chinese visitors get 高德 (Amap) and 百度 (Baidu), the apps they have; everyone else gets OpenStreetMap
and their device's map app: Apple Maps on Apple devices (an iPhone ignores `geo:` links), else a
`geo:` URI (RFC 5870), which Android hands to whatever map app is installed. Plain links: no
third-party script is embedded. Pure: no Flask, no database.

A venue's coordinates are WGS-84 (GPS), the datum of the venue form, the demo data and the calendar
feeds' GEO property. Amap draws in GCJ-02 and Baidu in BD-09, so their links say which datum they
carry (`coordinate=wgs84`, `coord_type=wgs84`) and the map services convert: without it the pin lands
some hundred metres off in China.
"""
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, urlencode

# Who is calling, as the URI APIs ask: Amap's `src` is free text, Baidu's reads "webapp.company.app".
AMAP_SOURCE = "eventsapp"
BAIDU_SOURCE = "webapp.eventsapp.events"
OSM_ZOOM = 17  # streets and buildings


class MapApp(StrEnum):
    AMAP = "amap"
    BAIDU = "baidu"
    OPENSTREETMAP = "openstreetmap"
    APPLE = "apple"
    GEO = "geo"  # the device's own map app (Android)


@dataclass(frozen=True)
class Place:
    """A venue as the map apps need it, in the visitor's language. Latitude and longitude: WGS-84."""

    name: str
    address: str = ""
    district: str = ""
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class MapLink:
    app: MapApp
    url: str


def map_links(place: Place, *, language: str, apple_device: bool = False) -> list[MapLink]:
    """The two links to offer a visitor reading `language` ("zh" or "en"), most useful first (two fit
    beside each other on a phone's first screen)."""
    if language == "zh":
        return [MapLink(MapApp.AMAP, amap_url(place)), MapLink(MapApp.BAIDU, baidu_url(place))]
    device = MapLink(MapApp.APPLE, apple_maps_url(place)) if apple_device else MapLink(MapApp.GEO, geo_uri(place))
    return [MapLink(MapApp.OPENSTREETMAP, openstreetmap_url(place)), device]


def amap_url(place: Place) -> str:
    """高德 URI API: a marker at the coordinates, or a search for the address; opens the app on phones."""
    if place.has_coordinates:
        return "https://uri.amap.com/marker?" + urlencode(safe=",", query={
            "position": f"{_number(place.longitude)},{_number(place.latitude)}",  # lon,lat
            "name": place.name, "src": AMAP_SOURCE, "coordinate": "wgs84", "callnative": 1})
    query = {"keyword": search_text(place, "zh"), "city": place.city, "view": "map", "src": AMAP_SOURCE,
             "callnative": 1}
    return "https://uri.amap.com/search?" + urlencode({k: v for k, v in query.items() if v != ""})


def baidu_url(place: Place) -> str:
    """百度 URI API: a marker at the coordinates, or the address geocoded by Baidu."""
    if place.has_coordinates:
        return "https://api.map.baidu.com/marker?" + urlencode(safe=",", query={
            "location": f"{_number(place.latitude)},{_number(place.longitude)}",  # lat,lon
            "title": place.name, "content": place.address or place.name, "output": "html",
            "coord_type": "wgs84", "src": BAIDU_SOURCE})
    return "https://api.map.baidu.com/geocoder?" + urlencode({
        "address": search_text(place, "zh"), "output": "html", "src": BAIDU_SOURCE})


def openstreetmap_url(place: Place) -> str:
    if place.has_coordinates:
        lat, lon = _number(place.latitude), _number(place.longitude)
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map={OSM_ZOOM}/{lat}/{lon}"
    return "https://www.openstreetmap.org/search?" + urlencode({"query": search_text(place, "en")})


def apple_maps_url(place: Place) -> str:
    """Apple's map links (developer.apple.com, "Map Links"): a pin named after the venue, or a search."""
    if place.has_coordinates:
        return "https://maps.apple.com/?" + urlencode(safe=",", query={
            "ll": f"{_number(place.latitude)},{_number(place.longitude)}", "q": place.name})
    return "https://maps.apple.com/?" + urlencode({"q": search_text(place, "en")})


def geo_uri(place: Place) -> str:
    """`geo:lat,lon?q=lat,lon(name)`, the pin labelled; without coordinates `geo:0,0?q=address` (Android)."""
    if place.has_coordinates:
        lat, lon = _number(place.latitude), _number(place.longitude)
        return f"geo:{lat},{lon}?q={lat},{lon}({quote(place.name, safe='')})"
    return f"geo:0,0?q={quote(search_text(place, 'en'), safe='')}"


def search_text(place: Place, style: str) -> str:
    """The address as a search box wants it: Chinese from the largest unit down, without separators
    (上海市浦东新区张衡路666号); otherwise from the street up, comma-separated. A part already
    written into the address (a district, the city) is not repeated; no address: the venue's name."""
    street = place.address or place.name
    larger = [part for part in (place.city, place.district) if part and part not in street]
    if style == "zh":
        return "".join([*larger, street])
    return ", ".join([street, *reversed(larger)])


def _number(value: float | None) -> str:
    """Degrees with at most six decimals (about 10 cm), no trailing zeros: 31.2405, 121.4963."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
