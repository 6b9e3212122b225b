"""Sotkanet connector on hand-written responses in the real /indicators, /regions and /json formats."""
from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

import pytest

from data_pipeline.errors import InputError
from data_pipeline.snapshot import Snapshot, sha256_bytes
from data_pipeline.sources import sotkanet

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "sotkanet"


def snap(path: Path | str, content: bytes | None = None) -> Snapshot:
    path = Path(path)
    content = path.read_bytes() if content is None else content
    return Snapshot(path=path, content=content, sha256=sha256_bytes(content))


def json_snap(name: str, obj) -> Snapshot:
    return snap(Path("/rec") / name, json.dumps(obj).encode())


@pytest.fixture
def regions():
    return sotkanet.parse_regions(snap(FIX / "regions.json"))


def test_sot001_catalogue_entries_with_unescaped_titles():
    cat = sotkanet.parse_catalogue(snap(FIX / "indicators.json"))
    raw = json.loads((FIX / "indicators.json").read_text())
    assert set(cat) == {e["id"] for e in raw}
    assert cat[4459].title_fi == "Lihavien osuus (kehon painoindeksi BMI ≥ 30 kg/m2) (%)"
    assert cat[127].organization == "Tilastokeskus"
    assert "Kunta" in cat[127].region_levels


def test_sot002_catalogue_shape_problems_name_the_index():
    bad = [
        {"id": 1, "title": {"fi": "Hyvä"}},
        {"id": "2", "title": {"fi": "Tunniste tekstinä"}},
        {"id": 3, "title": "ei sanakirja"},
        "ei objekti",
    ]
    with pytest.raises(InputError) as exc:
        sotkanet.parse_catalogue(json_snap("indicators.json", bad))
    text = str(exc.value)
    assert "indicators.json [1].id" in text and "integer" in text
    assert "[2].title.fi" in text and "[3]" in text
    assert len(exc.value.problems) == 3


def test_sot003_catalogue_top_level_must_be_a_list():
    with pytest.raises(InputError, match=r"indicators.json \$: the indicator catalogue must be a JSON list, got dict"):
        sotkanet.parse_catalogue(json_snap("indicators.json", {"indicators": []}))


def test_sot004_regions_codes_levels_and_membership(regions):
    f = regions.frame.set_index("code")
    raw = json.loads((FIX / "regions.json").read_text())
    stored = [r for r in raw if r["category"] in ("KUNTA", "SEUTUKUNTA", "MAAKUNTA", "MAA")]
    assert len(f) == len(stored)
    assert f.loc["109", ["level", "subregion_code", "region_code", "sotkanet_id"]].tolist() == ["kunta", "SK051", "MK05", 58]
    assert f.loc["091", ["subregion_code", "region_code"]].tolist() == ["SK011", "MK01"]
    assert f.loc["SK051", "level"] == "seutukunta" and f.loc["MK05", "name_sv"] == "Egentliga Tavastland"
    assert f.loc["SSS", ["level", "sotkanet_id"]].tolist() == ["maa", 658]
    assert not f["in_county"].any()
    # Other categories are not rows, but their ids are known (so their data rows are filtered, not errors).
    assert regions.categories[903] == "ERVA" and 903 not in set(f["sotkanet_id"])


def test_sot005_regions_malformed_code_and_missing_fields():
    bad = [
        {"id": 1, "code": "1O9", "category": "KUNTA", "title": {"fi": "Virhe"}, "memberOf": []},
        {"id": 2, "category": "MAAKUNTA", "title": {"fi": "Koodi puuttuu"}},
        {"id": True, "code": "05", "category": "MAAKUNTA", "title": {"fi": "x"}},
    ]
    with pytest.raises(InputError) as exc:
        sotkanet.parse_regions(json_snap("regions.json", bad))
    text = str(exc.value)
    assert "[1].code" in text and "[2].id" in text
    bad = [bad[0]]
    with pytest.raises(InputError, match=r"\[0\]\.code: KUNTA code '1O9' is malformed"):
        sotkanet.parse_regions(json_snap("regions.json", bad))


@pytest.mark.parametrize(
    "a,b",
    [
        ("Koulutuksen ulkopuolelle jääneet 17 - 24-vuotiaat", "koulutuksen ulkopuolelle jääneet 17-24-vuotiaat"),
        ("THL:n sairastavuusindeksi, ikävakioitu (-2019)", "thl:n sairastavuusindeksi, ikävakioitu"),
        ("Lihavia (BMI&#8805;30)   25 – 64-vuotiaita", "lihavia (bmi≥30) 25-64-vuotiaita"),
    ],
)
def test_sot006_title_normalisation(a, b):
    assert sotkanet.normalise_title(a) == sotkanet.normalise_title(b)


def test_sot007_id_resolution(registry):
    cat = sotkanet.parse_catalogue(snap(FIX / "indicators.json"))
    res = {r.key: r for r in sotkanet.resolve_indicators(registry, cat)}
    sot_keys = {i.key for i in registry.catalogue.indicators if i.source.kind == "sotkanet"}
    assert set(res) == sot_keys
    assert (res["vaesto"].resolution, res["vaesto"].sotkanet_id, res["vaesto"].sotkanet_title) == (
        "verified", 127, "Väestö 31.12.")
    assert res["tyottomat_pct"].resolution == "verified"
    # An explicit id that the catalogue does not list.
    assert (res["gini_kerroin"].resolution, res["gini_kerroin"].sotkanet_title) == ("not_found", None)
    # By title: the "(-2023)" entry and the welfare-area-only entry lose to the current municipal one.
    assert (res["yhteisollinen_asuminen_75_pct"].resolution, res["yhteisollinen_asuminen_75_pct"].sotkanet_id) == (
        "by_title", 5002)
    # Two municipal entries contain the title: left for a human, candidates named.
    amb = res["ruoan_loppumisen_pelko_pct"]
    assert amb.resolution == "ambiguous" and amb.sotkanet_id is None and "6001" in amb.sotkanet_title and "6002" in amb.sotkanet_title
    assert not amb.loadable and res["vaesto"].loadable


def test_sot008_resolution_stored_and_kept_when_unchanged(engine, registry):
    from datetime import datetime

    from sqlalchemy import select

    from data_pipeline.db.schema import indicator
    from data_pipeline.sync import sync_registry

    cat = sotkanet.parse_catalogue(snap(FIX / "indicators.json"))
    res = sotkanet.resolve_indicators(registry, cat)
    first = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        sync_registry(conn, registry)
        c1 = sotkanet.store_resolutions(conn, res, first)
    with engine.begin() as conn:
        c2 = sotkanet.store_resolutions(conn, res, datetime(2026, 2, 1, tzinfo=UTC))
    assert c1.updated == len(res) and c2.updated == 0 and c2.unchanged == len(res)
    with engine.connect() as conn:
        row = conn.execute(select(indicator).where(indicator.c.key == "yhteisollinen_asuminen_75_pct")).one()
    assert (row.sotkanet_id, row.resolution) == (5002, "by_title")
    assert row.resolved_at.replace(tzinfo=None) == first.replace(tzinfo=None)


def test_sot009_data_params_repeat_years_and_genders():
    params = sotkanet.data_params(127, [2020, 2021, 2022], ["total", "female"])
    assert params == [("indicator", 127), ("years", 2020), ("years", 2021), ("years", 2022),
                      ("genders", "total"), ("genders", "female")]


def _parse(regions, content: Path | list, **kw):
    s = snap(content) if isinstance(content, Path) else json_snap("data/127.json", content)
    codes = {int(i): c for c, i in regions.frame[["code", "sotkanet_id"]].itertuples(index=False)}
    defaults = {"indicator_key": "vaesto", "sotkanet_id": 127, "region_codes": codes,
                "region_categories": regions.categories, "genders": ("total",)}
    defaults.update(kw)
    return sotkanet.parse_data(s, **defaults)


def test_sot010_data_rows_filtered_and_mapped(regions):
    raw = json.loads((FIX / "data" / "127.json").read_text())
    parsed = _parse(regions, FIX / "data" / "127.json")
    f = parsed.frame
    stored_ids = set(regions.frame["sotkanet_id"])
    expected = [r for r in raw if r["gender"] == "total" and r["value"] is not None and r["region"] in stored_ids]
    assert len(f) == len(expected) and parsed.rows_read == len(raw)
    assert parsed.problems == []
    hml = f[(f.region_code == "109") & (f.period == "2022")]
    assert hml["value"].tolist() == [next(r["value"] for r in expected if r["region"] == 58 and r["year"] == 2022)]
    assert set(f["region_code"]) >= {"109", "MK05", "SK051", "SSS"}
    assert parsed.filtered["null values (no row)"] == sum(r["value"] is None for r in raw if r["gender"] == "total")
    assert parsed.filtered["rows for ERVA regions (not stored)"] == sum(r["region"] == 903 for r in raw)
    assert parsed.filtered["rows of genders not requested"] == sum(r["gender"] == "male" for r in raw)
    assert "rows read" in parsed.summary()


def test_sot011_abs_value_becomes_count(regions):
    parsed = _parse(regions, FIX / "data" / "181.json", indicator_key="tyottomat_pct", sotkanet_id=181)
    row = parsed.frame[parsed.frame.region_code == "109"].iloc[0]
    assert (row["value"], row["count"]) == (10.4, 3420)


def test_sot012_unknown_region_id_is_skipped_and_reported(regions):
    """Sotkanet adds region categories (welfare areas, 2023): rows for ids the recorded list
    lacks are skipped and named, the rest of the dataset loads."""
    rows = [{"indicator": 127, "region": 58, "year": 2022, "gender": "total", "value": 1},
            {"indicator": 127, "region": 99999, "year": 2022, "gender": "total", "value": 2},
            {"indicator": 127, "region": 99999, "year": 2021, "gender": "total", "value": 2},
            {"indicator": 127, "region": 956, "year": 2022, "gender": "total", "value": 3}]
    parsed = _parse(regions, rows)
    assert len(parsed.frame) == 1
    assert parsed.problems == []
    assert dict(parsed.unknown_regions) == {956: 1, 99999: 2}
    assert "3 rows skipped for region ids not in the region list: 956, 99999" in parsed.summary()


def test_sot013_years_filter(regions):
    parsed = _parse(regions, FIX / "data" / "127.json", years=(2022, 2022))
    assert set(parsed.frame["period"]) == {"2022"}
    assert parsed.filtered["rows outside the requested years"] > 0


def test_sot014_row_shape_problems_are_all_reported(regions):
    rows = [
        {"indicator": 127, "region": 58, "year": 2022, "gender": "total"},
        {"indicator": 127, "region": "58", "year": 2022, "gender": "total", "value": 3},
        {"indicator": 127, "region": 58, "year": 2022.5, "gender": "total", "value": 3},
    ]
    with pytest.raises(InputError) as exc:
        _parse(regions, rows)
    text = str(exc.value)
    assert "[0]: field 'value' is missing" in text
    assert "[1].region: expected an integer region id, got '58'" in text
    assert "[2].year: expected an integer year" in text


def test_sot015_empty_response_is_no_rows(regions):
    parsed = _parse(regions, [])
    assert parsed.frame.empty and parsed.problems == [] and parsed.rows_read == 0
