"""Every catalogue entry: required fields, units, sane ranges, unique ids, sources."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from llmtui.core.build import Build, gpu_from_device
from llmtui.core.catalog import Catalog, load_catalog, parse_device, parse_model, validate_files
from llmtui.core.catalog.schema import Invalid
from llmtui.core.estimate.tensors import param_count
from llmtui.core.output import price_text
from llmtui.core.paths import bundled_data_dir

DATA = bundled_data_dir()
SEED_TEN = {
    "llama-3.1-405b-instruct": 87.4,
    "deepseek-v3": 86.8,
    "mistral-large-instruct-2407": 84.2,
    "qwen2.5-72b-instruct": 83.7,
    "llama-3-70b-instruct": 82.5,
    "command-r-plus": 81.3,
    "mixtral-8x22b-instruct-v0.1": 80.1,
    "qwen2.5-32b-instruct": 79.4,
    "phi-4": 77.8,
    "llama-3-8b-instruct": 69.2,
}


def test_bundled_files_have_no_errors() -> None:
    files = sorted((DATA / "models").glob("*.toml")) + sorted((DATA / "hardware").glob("*.toml"))
    errors = validate_files(files)
    assert not errors, "\n".join(str(e) for e in errors)


def test_counts(catalog: Catalog) -> None:
    assert len(catalog.models) >= 70
    assert len([d for d in catalog.devices if d.kind != "cpu"]) >= 60


def test_bundled_models_have_real_dates(catalog: Catalog) -> None:
    assert all(m.released[:4].isdigit() for m in catalog.models if m.origin == "bundled")


def test_ids_are_unique(catalog: Catalog) -> None:
    ids = [m.id for m in catalog.models]
    assert len(ids) == len(set(ids))
    dids = [d.id for d in catalog.devices]
    assert len(dids) == len(set(dids))


def test_models_are_found_by_id_repo_or_name_and_a_miss_gets_hints(catalog: Catalog) -> None:
    m = catalog.model("qwen3-32b")
    assert m is not None
    assert catalog.model("Qwen/Qwen3-32B") is m and catalog.model("  qwen 3 32B ") is m
    assert catalog.model("qwen3-33b") is None
    assert catalog.closest_models("qwen3-33b")[0] == "qwen3-32b"
    assert catalog.closest_models("zzzzzz") == []


def test_the_cached_catalogue_reads_back_equal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parsed catalogue is cached as JSON (never pickle); read back, it equals the parsed one and
    its look-up indexes are rebuilt."""
    from llmtui.core.catalog import bundle
    from llmtui.core.catalog import load as load_mod

    monkeypatch.setenv("LLMTUI_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(bundle, "read", lambda data_dir: None)  # as with no pre-parsed catalogue
    load_mod._cache.clear()
    first = load_mod.load_catalog(user_dir=tmp_path / "none")
    assert (tmp_path / "catalog.json").is_file() and not list(tmp_path.glob("*.pickle"))
    load_mod._cache.clear()
    back = load_mod.load_catalog(user_dir=tmp_path / "none")
    assert back is not first and back.models == first.models and back.devices == first.devices
    assert back.model("Qwen 3 32B") is not None and back.device("RTX 4090") is not None
    load_mod._cache.clear()


def test_seed_models_and_composites(catalog: Catalog) -> None:
    for mid, value in SEED_TEN.items():
        m = catalog.model(mid)
        assert m is not None, mid
        s = m.score("Composite (seed)")
        assert s is not None and s.value == value, mid
        assert "Seed article" in s.source
    for mid in ("qwen2.5-14b-instruct", "phi-4-mini-instruct", "gemma-2-2b-it", "smollm-1.7b-instruct"):
        assert catalog.model(mid) is not None, mid


def test_deepseek_v3_is_671b_and_notes_the_seed_error(catalog: Catalog) -> None:
    m = catalog.model("deepseek-v3")
    assert m is not None
    assert m.params_b == pytest.approx(671, rel=0.01) and m.active_params_b == pytest.approx(37, rel=0.01)
    assert "236" in m.notes


def test_every_score_and_price_has_a_source(catalog: Catalog) -> None:
    for m in catalog.models:
        for s in m.scores:
            assert s.source.strip(), (m.id, s.benchmark)
        assert m.arch.source.strip(), m.id
    for d in catalog.devices:
        assert d.source.strip(), d.id
        for p in d.prices:
            assert p.source.strip() and p.date, d.id


def test_architecture_matches_stated_parameters(catalog: Catalog) -> None:
    """The tensor inventory from config.json facts reproduces the published size: a check on
    both the data and the estimator's tensor layout."""
    for m in catalog.models:
        total = param_count(m.arch) / 1e9
        assert total == pytest.approx(m.params_b, rel=0.03), f"{m.id}: {total:.2f}B vs {m.params_b}B"
        if m.is_moe:
            active = param_count(m.arch, active=True) / 1e9
            assert active == pytest.approx(m.active_params_b, rel=0.12), f"{m.id} active {active:.2f}B"


def test_sane_device_figures(catalog: Catalog) -> None:
    for d in catalog.devices:
        assert 1 <= d.bandwidth_gbs <= 20000, d.id
        if d.kind != "cpu":
            assert d.memory_gib and all(0.5 <= x <= 2048 for x in d.memory_gib), d.id
        if d.kind == "mac":
            assert d.gpu_cores > 0, d.id


def test_apple_bins_differ_where_bandwidth_does(catalog: Catalog) -> None:
    m4max = {d.gpu_cores: d.bandwidth_gbs for d in catalog.devices if d.kind == "mac" and "M4 Max" in d.name}
    assert m4max.get(32) == 410 and m4max.get(40) == 546


BAD_MODEL = {
    "id": "x",
    "name": "X",
    "family": "x",
    "hf_repo": "x/x",
    "license": "mit",
    "released": "2025-01",
    "params_b": 1.0,
    "active_params_b": 1.0,
    "arch": {
        "type": "llama",
        "layers": 2,
        "hidden": 64,
        "heads": 4,
        "kv_heads": 2,
        "ffn": 128,
        "vocab": 1000,
        "max_ctx": 2048,
    },
}


@pytest.mark.parametrize(
    "change,field",
    [
        ({"params_b": 0.5, "active_params_b": 1.0}, "active_params_b"),
        ({"arch": {**BAD_MODEL["arch"], "kv_heads": 3}}, "arch.kv_heads"),  # type: ignore[dict-item]
        ({"arch": {**BAD_MODEL["arch"], "layrs": 2}}, "arch.layrs"),  # type: ignore[dict-item]
        ({"released": "last year"}, "released"),
        ({"tags": ["cooking"]}, "tags"),
        ({"id": "Not A Slug"}, "id"),
        ({"scores": [{"benchmark": "MMLU", "value": 80}]}, "scores[0].source"),
        ({"scores": [{"benchmark": "MMLU", "value": 180, "source": "x"}]}, "scores[0].value"),
    ],
)
def test_model_errors_name_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(Invalid) as e:
        parse_model({**BAD_MODEL, **change})
    assert e.value.field == field


def test_a_repeated_tag_is_kept_once() -> None:
    m = parse_model({**BAD_MODEL, "tags": ["chat", "long-context", "chat", "long-context"]})
    assert m.tags == ("chat", "long-context")


def test_device_price_needs_a_source() -> None:
    raw = {
        "id": "g",
        "vendor": "V",
        "name": "G",
        "kind": "gpu",
        "memory": "dedicated",
        "memory_gib": [8],
        "bandwidth_gbs": 100,
        "source": "s",
        "prices": [{"usd": 100, "kind": "street", "date": "2025-01"}],
    }
    with pytest.raises(Invalid) as e:
        parse_device(raw)
    assert e.value.field == "prices[0].source"


def test_the_cheapest_purchase_price_of_any_kind_and_cloud_hours_apart() -> None:
    raw = {
        "id": "g",
        "vendor": "V",
        "name": "G",
        "kind": "gpu",
        "memory": "dedicated",
        "memory_gib": [24, 48],
        "bandwidth_gbs": 900,
        "source": "s",
        "prices": [
            {"usd": 1499, "kind": "launch MSRP", "date": "2020-09-01", "source": "a", "memory_gib": 24},
            {"usd": 800, "kind": "used", "date": "2025-11", "source": "b", "memory_gib": 24},
            {"usd": 0.22, "kind": "cloud hourly", "date": "2025-12", "source": "c"},
            {"usd": 2500, "kind": "street", "date": "2025-12", "source": "d", "memory_gib": 48},
        ],
    }
    d = parse_device(raw)
    used = d.price_for(24)
    assert used is not None and (used.usd, used.kind) == (800, "used")
    street = d.price_for(48)
    assert street is not None and street.kind == "street"
    hourly = d.hourly_for(48)  # a price for every memory size (memory_gib left out)
    assert hourly is not None and hourly.usd == 0.22
    g = gpu_from_device(d, 24)
    assert (g.price_usd, g.price_kind, g.hourly_usd) == (800, "used", 0.22)
    b = Build("2x G", (g, gpu_from_device(d, 48)))
    assert b.price_usd == 3300 and b.price_kind == "street + used" and b.hourly_usd == 0.44
    assert price_text(b.price_usd, b.price_kind, b.hourly_usd) == "$3,300 street + used"
    assert price_text(None, "", 0.44) == "$0.44/h cloud"
    assert price_text(None, "", None) == "unknown"
    with pytest.raises(Invalid) as e:
        parse_device({**raw, "prices": [{"usd": 1, "kind": "second-hand", "date": "2025-01", "source": "s"}]})
    assert e.value.field == "prices[0].kind"


def test_broken_user_file_is_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "broken.toml").write_text("schema = 1\n[[models]\nid = 'x'\n")
    (tmp_path / "models" / "bad-entry.toml").write_text(
        "schema = 1\n[[models]]\nid = 'mine'\nname = 'Mine'\n", encoding="utf-8"
    )
    cat = load_catalog(user_dir=tmp_path, use_cache=False)
    assert len(cat.models) >= 70  # bundled data still there
    joined = "\n".join(cat.warnings)
    assert "broken.toml" in joined and "not valid TOML" in joined and "line" in joined
    assert "bad-entry.toml: models 'mine': family: is missing" in joined


def test_user_overlay_replaces_and_adds(tmp_path: Path, catalog: Catalog) -> None:
    src = tomllib.loads((DATA / "models" / "legacy.toml").read_text())
    entry = dict(src["models"][0])
    entry["name"] = "My renamed model"
    other = dict(entry, id="my-own-model", name="My own model")
    import tomli_w

    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "mine.toml").write_text(tomli_w.dumps({"schema": 1, "models": [entry, other]}))
    cat = load_catalog(user_dir=tmp_path, use_cache=False)
    assert cat.model(entry["id"]).name == "My renamed model"  # type: ignore[union-attr]
    assert cat.model("my-own-model") is not None
    assert len(cat.models) == len(catalog.models) + 1


# The devices users of 2025-2026 ask about (issue 16), each with a sourced spec.
DEVICES_2026 = [
    "m5",
    "m5-pro-16c",
    "m5-pro-20c",
    "m5-max-32c",
    "m5-max-40c",
    "rtx-pro-4000-blackwell",
    "rtx-pro-4500-blackwell",
    "rtx-pro-5000-blackwell",
    "rtx-pro-6000-blackwell",
    "rtx-pro-6000-blackwell-max-q",
    "rtx-pro-6000-blackwell-server",
    "rtx-5050",
    "rtx-5060",
    "rtx-5060-ti-8gb",
    "rtx-5060-ti-16gb",
    "radeon-ai-pro-r9700",
    "rx-9060-xt",
    "arc-pro-b50",
    "arc-pro-b60",
    "instinct-mi350x",
    "instinct-mi355x",
    "b300",
    "gb300",
    "h200-nvl",
    "dgx-station-gb300",
    "jetson-agx-thor",
    "ryzen-ai-max-385",
    "ryzen-ai-max-390",
    "ryzen-ai-max-plus-395",
    "epyc-9005-12ch-ddr5-6000",
    "xeon6-6900p-12ch-ddr5-6400",
    "xeon6-6700p-8ch-ddr5-6400",
    "tesla-p40",
    "instinct-mi50",
    "rtx-3090",
]


def test_the_2025_2026_devices_are_there_with_sources(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from llmtui.cli import run

    assert run(["hardware", "--json"]) == 0
    devices = {d["id"]: d for d in json.loads(capsys.readouterr().out)}
    missing = [i for i in DEVICES_2026 if i not in devices]
    assert not missing
    for i in DEVICES_2026:
        d = devices[i]
        assert d["source"].startswith("https://") and d["bandwidth_gbs"] > 0, i
        assert all(p["kind"] and p["date"] and p["source"] for p in d["prices"]), i
    used = [p for p in devices["rtx-3090"]["prices"] if p["kind"] == "used"]
    assert used and all(p["date"] >= "2025" for p in used)


def test_every_device_name_and_alias_parses_as_that_device(catalog: Catalog) -> None:
    """--gpu takes what the catalogue shows: a '+' inside a name ('Ryzen AI Max+ 395') is not a second
    device, and an 'x' in a name is not a count."""
    from llmtui.core.build import BuildError, planned_build

    wrong = []
    for d in catalog.devices:
        if d.kind in ("cpu", "mac"):
            continue
        for name in (d.name, *d.aliases):
            try:
                b = planned_build(catalog, gpu=name, ram=None if d.unified else "64GB")
                if [g.catalog_id for g in b.gpus] != [d.id]:
                    wrong.append(f"{name}: {[g.catalog_id for g in b.gpus]}")
            except BuildError as e:
                wrong.append(f"{name}: {e}")
    assert not wrong
    two = planned_build(catalog, gpu="RTX 5090+RTX 4090", ram="64GB")
    assert [g.catalog_id for g in two.gpus] == ["rtx-5090", "rtx-4090"]
    with pytest.raises(BuildError, match=r"unknown GPU 'Ryzen AI Max\+ 3950'; closest: Ryzen AI Max\+ 395"):
        planned_build(catalog, gpu="Ryzen AI Max+ 3950")
