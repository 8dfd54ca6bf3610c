"""The preset catalogue: every file valid and sourced, every provider complete, applying works."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from modeller.model import KIND_ROLES, Design, DesignError, Node, dumps_design, loads_design
from modeller.model.presets import (
    SOURCE_KINDS,
    Preset,
    apply_preset,
    describe_source,
    format_percent,
    get_preset,
    load_preset_file,
    load_presets,
    node_from_preset,
    presets_by_provider,
    search_presets,
)

REPO = Path(__file__).resolve().parents[2]
PRESETS_DIR = REPO / "resources" / "presets"
PROVIDERS = ("aws", "azure", "gcp", "onprem")
CLOUDS = ("aws", "azure", "gcp")
TYPICAL_FIELDS = ("capacity_rps", "service_time_ms", "cost_month")


@pytest.fixture(scope="module")
def catalogue() -> list[Preset]:
    return load_presets(PRESETS_DIR)


def _percentages(text: str) -> list[float]:
    return [float(m) / 100 for m in re.findall(r"(\d+(?:\.\d+)?)\s*%", text)]


# --------------------------------------------------------------------------- the files

@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_provider_file_loads_and_is_sourced(provider: str) -> None:
    presets = load_preset_file(PRESETS_DIR / f"{provider}.json")
    assert len(presets) >= 9
    today = dt.date.today()
    for p in presets:
        assert p.provider == provider, p.id
        assert p.id.startswith(provider + "."), p.id
        assert p.kind in KIND_ROLES and p.kind != "client", p.id
        a = p.fields["availability"]
        assert 0.0 < a <= 1.0, p.id
        s = p.source
        assert s.document.strip() and s.url.strip() and s.figure.strip(), p.id
        assert dt.date.fromisoformat(s.date) <= today, p.id
        assert s.kind in SOURCE_KINDS, p.id
        assert p.notes, f"{p.id}: every preset says where it goes and what it covers"


def test_default_directory_is_the_bundled_catalogue(catalogue: list[Preset]) -> None:
    assert [p.id for p in load_presets()] == [p.id for p in catalogue]


def test_ids_unique_and_providers_in_file_order(catalogue: list[Preset]) -> None:
    ids = [p.id for p in catalogue]
    assert len(ids) == len(set(ids))
    assert list(presets_by_provider(catalogue)) == list(PROVIDERS)


def test_figure_text_states_the_availability_used(catalogue: list[Preset]) -> None:
    # The figure as the source states it must contain the number the preset applies
    # (e.g. "99.95 %" for 0.9995; "100 % in the SLA; 99.999 % assumed here" for DNS).
    for p in catalogue:
        found = _percentages(p.source.figure)
        assert any(abs(f - p.fields["availability"]) < 1e-12 for f in found), \
            f"{p.id}: figure {p.source.figure!r} does not state {format_percent(p.fields['availability'])}"


def test_typical_values_are_marked_typical(catalogue: list[Preset]) -> None:
    for p in catalogue:
        if any(k in p.fields for k in TYPICAL_FIELDS):
            assert "typical" in p.notes.lower(), p.id


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_provider_has_the_building_blocks(catalogue: list[Preset], provider: str) -> None:
    mine = presets_by_provider(catalogue)[provider]
    kinds = {p.kind for p in mine}
    for kind in ("service", "load_balancer", "database", "storage", "cache", "queue", "dns",
                 "region", "zone"):
        assert kind in kinds, f"{provider} has no {kind} preset"
    # managed SQL single-zone and multi-zone (named in REQUIRED_IDS below)
    assert len([p for p in mine if p.kind == "database"]) >= 2


# Provider-published pairs: single instance vs spread over zones, single-zone vs multi-zone SQL.
REQUIRED_IDS = {
    "aws": ["aws.ec2.instance", "aws.ec2.multi_az", "aws.elb.multi_az", "aws.rds.single_az",
            "aws.rds.multi_az", "aws.rds.multi_az_pair", "aws.s3.standard", "aws.elasticache.multi_az",
            "aws.sqs", "aws.route53", "aws.region", "aws.az"],
    "azure": ["azure.vm.single", "azure.vm.zones", "azure.lb.standard", "azure.sql.single",
              "azure.sql.zone_redundant", "azure.storage.blob_lrs", "azure.redis.standard",
              "azure.storage.queue", "azure.dns", "azure.region", "azure.zone"],
    "gcp": ["gcp.gce.instance", "gcp.gce.multi_zone", "gcp.lb", "gcp.cloudsql.zonal",
            "gcp.cloudsql.ha_enterprise", "gcp.gcs.regional", "gcp.memorystore.standard",
            "gcp.pubsub", "gcp.clouddns", "gcp.region", "gcp.zone"],
    "onprem": ["onprem.server", "onprem.lb_pair", "onprem.db_single", "onprem.db_cluster",
               "onprem.object_storage", "onprem.cache", "onprem.queue_cluster", "onprem.dns",
               "onprem.datacenter_tier3", "onprem.room"],
}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_required_presets_present(catalogue: list[Preset], provider: str) -> None:
    ids = {p.id for p in catalogue}
    missing = [i for i in REQUIRED_IDS[provider] if i not in ids]
    assert not missing


def test_published_figures(catalogue: list[Preset]) -> None:
    # Figures from the providers' SLA pages (SLA-SOURCES.md, re-checked 2026-11-25).
    expect = {
        "aws.ec2.multi_az": (0.9999, "SLA"), "aws.elb.multi_az": (0.9999, "SLA"),
        "aws.elb.single_az": (0.999, "SLA"), "aws.rds.multi_az": (0.9995, "SLA"),
        "aws.rds.single_az": (0.995, "SLA"), "aws.s3.standard": (0.999, "SLA"),
        "aws.s3.one_zone_ia": (0.99, "SLA"), "azure.vm.zones": (0.9999, "SLA"),
        "azure.vm.availability_set": (0.9995, "SLA"), "azure.vm.single": (0.999, "SLA"),
        "gcp.gce.multi_zone": (0.9999, "SLA"), "gcp.gce.instance": (0.999, "SLA"),
        "gcp.lb": (0.9999, "SLA"),
        # SLA-SOURCES marks the single EC2 instance figure secondary: the preset says so
        "aws.ec2.instance": (0.995, "secondary"),
    }
    for pid, (a, kind) in expect.items():
        p = get_preset(pid, catalogue)
        assert p is not None, pid
        assert p.fields["availability"] == a, pid
        assert p.source.kind == kind, pid


def test_zones_and_regions_are_stated_assumptions(catalogue: list[Preset]) -> None:
    # No cloud provider publishes a per-zone or per-region figure: the presets must say
    # so, use the same assumption everywhere (zone 99.95 %, region 99.99 %) and reason.
    for p in catalogue:
        if p.kind in ("zone", "region") and p.provider in CLOUDS:
            assert p.source.kind == "assumption", p.id
            assert "no published figure" in p.source.document.lower(), p.id
            assert p.fields["availability"] == (0.9995 if p.kind == "zone" else 0.9999), p.id
            assert "assum" in p.notes.lower(), p.id


def test_onprem_presets_are_assumptions_or_secondary(catalogue: list[Preset]) -> None:
    for p in presets_by_provider(catalogue)["onprem"]:
        assert p.source.kind in ("assumption", "secondary"), p.id
        if p.source.kind == "assumption":
            assert "assum" in p.notes.lower(), p.id


def test_dns_presets_do_not_claim_perfection(catalogue: list[Preset]) -> None:
    for p in catalogue:
        if p.kind == "dns":
            assert p.fields["availability"] < 1.0, p.id


def test_readme_exists_and_explains_kinds() -> None:
    text = (PRESETS_DIR / "README.md").read_text(encoding="utf-8")
    for word in ("secondary", "assumption", "typical", "On-premises assumptions"):
        assert word in text


# --------------------------------------------------------------------------- validation

GOOD = {
    "id": "acme.vm", "provider": "acme", "label": "VM", "kind": "service",
    "fields": {"availability": 0.999, "cost_month": 10},
    "source": {"document": "Acme SLA", "url": "https://acme.example/sla", "date": "2024-01-02",
               "figure": "99.9 %", "kind": "SLA"},
    "notes": "typical cost",
}


def _write(tmp_path: Path, presets: list[dict], name: str = "acme.json") -> Path:
    (tmp_path / name).write_text(json.dumps(presets), encoding="utf-8")
    return tmp_path


def _bad(tmp_path: Path, **changes: object) -> str:
    raw = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        target = raw
        parts = key.split("__")
        for part in parts[:-1]:
            target = target[part]
        if value is None:
            target.pop(parts[-1], None)
        else:
            target[parts[-1]] = value
    with pytest.raises(DesignError) as err:
        load_presets(_write(tmp_path, [raw]))
    return str(err.value)


def test_good_preset_loads(tmp_path: Path) -> None:
    (p,) = load_presets(_write(tmp_path, [GOOD]))
    assert p.id == "acme.vm" and p.fields == {"availability": 0.999, "cost_month": 10.0}
    assert p.path == tmp_path / "acme.json"


@pytest.mark.parametrize("value", [0, 1.5, -0.1, "99.9 %", True])
def test_availability_outside_0_1_is_refused(tmp_path: Path, value: object) -> None:
    msg = _bad(tmp_path, fields__availability=value)
    assert "acme.json" in msg and '"acme.vm"' in msg and "availability must be in (0, 1]" in msg


def test_missing_source_is_refused(tmp_path: Path) -> None:
    assert "has no source" in _bad(tmp_path, source=None)


@pytest.mark.parametrize("key", ["document", "url", "date", "figure"])
def test_source_needs_document_url_date_figure(tmp_path: Path, key: str) -> None:
    assert f'"{key}" is missing or empty' in _bad(tmp_path, **{f"source__{key}": None})


def test_bad_date_and_source_kind_are_refused(tmp_path: Path) -> None:
    assert "is not YYYY-MM-DD" in _bad(tmp_path, source__date="25 July 2022")
    assert "unknown source kind 'guess'" in _bad(tmp_path, source__kind="guess")


def test_unknown_kind_and_field_are_refused(tmp_path: Path) -> None:
    assert "unknown kind" in _bad(tmp_path, kind="mainframe")
    assert 'field "colour" cannot be set on a service' in _bad(tmp_path, fields__colour="red")
    msg = _bad(tmp_path, kind="zone", fields={"availability": 0.9995, "replicas": 2})
    assert 'field "replicas" cannot be set on a zone' in msg
    assert "failover mode" in _bad(tmp_path, fields__failover="hot-standby")
    assert "at least 2 replicas" in _bad(tmp_path, fields__failover="active-passive")


def test_id_must_start_with_provider(tmp_path: Path) -> None:
    assert 'id should start with "acme."' in _bad(tmp_path, id="vm")


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, [GOOD], "a.json")
    _write(tmp_path, [GOOD], "b.json")
    with pytest.raises(DesignError, match='duplicate preset id "acme.vm" \\(also in a.json\\)'):
        load_presets(tmp_path)


def test_broken_json_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "acme.json").write_text('[{"id": "acme.vm",\n  oops}]', encoding="utf-8")
    with pytest.raises(DesignError) as err:
        load_presets(tmp_path)
    assert "acme.json" in str(err.value) and "line 2" in str(err.value)


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DesignError, match="preset folder not found"):
        load_presets(tmp_path / "nope")


# --------------------------------------------------------------------------- applying

def test_apply_preset_gives_the_preset_fields(catalogue: list[Preset]) -> None:
    preset = get_preset("aws.rds.multi_az_pair", catalogue)
    assert preset is not None
    node = Node(id="db", kind="database", availability=0.9, capacity_rps=10, cost_month=3)
    values = apply_preset(node, preset)
    assert values == {"availability": 0.995, "replicas": 2, "failover": "active-passive",
                      "failover_seconds": 120.0, "capacity_rps": 2000.0, "service_time_ms": 5.0,
                      "cost_month": 125.0, "preset": "aws.rds.multi_az_pair"}
    design = Design("d", [node])
    old = design.set_node_fields("db", **values)  # what the UI's one undo command does
    n = design.node("db")
    assert (n.availability, n.replicas, n.failover, n.failover_seconds) == (0.995, 2, "active-passive", 120)
    assert (n.capacity_rps, n.service_time_ms, n.cost_month, n.preset) == (2000, 5, 125, preset.id)
    assert old["availability"] == 0.9 and old["preset"] is None
    # the preset id survives a save/load round trip
    again = loads_design(dumps_design(design))
    assert again.node("db").preset == "aws.rds.multi_az_pair"


def test_apply_keeps_fields_the_preset_does_not_name(catalogue: list[Preset]) -> None:
    preset = get_preset("aws.ec2.instance", catalogue)
    assert preset is not None
    node = Node(id="web", kind="service", replicas=3, spread=["a", "b", "c"])
    values = apply_preset(node, preset)
    assert "replicas" not in values and "spread" not in values
    assert values["availability"] == 0.995


def test_apply_clears_mtbf_so_availability_takes_effect(catalogue: list[Preset]) -> None:
    preset = get_preset("aws.ec2.instance", catalogue)
    assert preset is not None
    node = Node(id="web", kind="service", mtbf_hours=100, mttr_hours=2)
    values = apply_preset(node, preset)
    assert values["mtbf_hours"] is None and "mttr_hours" not in values
    for k, v in values.items():
        setattr(node, k, v)
    assert node.replica_availability == 0.995


def test_apply_refuses_another_kind(catalogue: list[Preset]) -> None:
    preset = get_preset("aws.rds.single_az", catalogue)
    assert preset is not None
    with pytest.raises(DesignError, match="is for a Database, but Web is a Service"):
        apply_preset(Node(id="web", kind="service", name="Web"), preset)


def test_node_from_preset(catalogue: list[Preset]) -> None:
    preset = get_preset("aws.az", catalogue)
    assert preset is not None
    node = node_from_preset(preset, "zone-a", x=10, y=20, parent="region")
    assert (node.kind, node.name, node.availability, node.preset) == ("zone", "AWS availability zone",
                                                                      0.9995, "aws.az")
    assert (node.x, node.y, node.parent) == (10, 20, "region")


# --------------------------------------------------------------------------- finding

def test_search_is_case_insensitive_over_label_provider_kind_id(catalogue: list[Preset]) -> None:
    assert {p.id for p in search_presets("RDS", catalogue)} == {
        "aws.rds.single_az", "aws.rds.multi_az", "aws.rds.multi_az_pair"}
    assert {p.id for p in search_presets("google dns", catalogue)} == {"gcp.clouddns"}
    lbs = search_presets("load balancer", catalogue)  # the kind's display name
    assert {p.provider for p in lbs} == set(PROVIDERS)
    assert all(p.kind == "load_balancer" for p in lbs)
    assert [p.id for p in search_presets("onprem.room", catalogue)] == ["onprem.room"]
    assert {p.id for p in search_presets("azure zone", catalogue)} >= {"azure.zone", "azure.vm.zones"}
    assert len(search_presets("", catalogue)) == len(catalogue)
    assert search_presets("mainframe", catalogue) == []


def test_default_catalogue_functions(catalogue: list[Preset]) -> None:
    assert [p.id for p in search_presets("aws s3")] == ["aws.s3.standard", "aws.s3.one_zone_ia"]
    assert [p.id for p in search_presets("s3")][-1] == "onprem.object_storage"  # "S3-compatible"
    assert get_preset("nope.nothing") is None
    assert sum(len(v) for v in presets_by_provider().values()) == len(catalogue)


def test_describe_source_and_percent(catalogue: list[Preset]) -> None:
    assert format_percent(0.9995) == "99.95 %" and format_percent(0.99999) == "99.999 %"
    assert format_percent(1.0) == "100 %"
    preset = get_preset("aws.ec2.instance", catalogue)
    assert preset is not None
    line = describe_source(preset)
    assert line.startswith("99.5 % — Amazon Compute Service Level Agreement")
    assert "secondary source — check before relying on it" in line and "checked 2026-11-25" in line
