"""Table sources: the W&B runs-table CSV export, its variants, and generic tables."""

import json

import numpy as np
import pandas as pd
import pytest

from reportgen.errors import SourceError
from reportgen.sources import exports, load_source

WANDB_HEADER = ["Name", "State", "Notes", "User", "Tags", "Created", "Runtime", "Sweep"]


def write_wandb_export(path, rows, extra=("lr", "optimizer.name", "layers", "val_loss",
                                          "val_loss.min"), header=None):
    """A runs-table export as the W&B UI writes it: every field quoted, config then summary."""
    header = header or WANDB_HEADER + list(extra)
    lines = [",".join(f'"{h}"' for h in header)]
    for row in rows:
        lines.append(",".join('"' + str(v).replace('"', '""') + '"' for v in row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_wandb_runs_table_export(tmp_path):
    rows = [["brisk-sun-1", "finished", "-", "ana", "", "2025-12-13T23:28:41.000Z", "312",
             "abc123", "0.001", "adam", '["conv", "fc"]', "0.52", "0.48"],
            ["calm-sea-2", "crashed", "-", "ana", "baseline", "2025-12-13T23:35:02.000Z", "20",
             "abc123", "0.1", "sgd", '["conv"]', "", ""],
            ["dark-sky-3", "running", "-", "ana", "", "2025-12-13T23:40:00.000Z", "100",
             "abc123", "1e-4", "adam", '["fc"]', "NaN", "0.9"]]
    (sweep,) = load_source(str(write_wandb_export(tmp_path / "wandb_export.csv", rows)))
    runs = sweep.runs
    assert sweep.sweep_id == "abc123" and sweep.name == "abc123"
    assert list(runs["name"]) == ["brisk-sun-1", "calm-sea-2", "dark-sky-3"]
    assert list(runs["state"]) == ["finished", "crashed", "running"]
    assert runs["created_at"].iloc[0] == pd.Timestamp("2025-12-13T23:28:41Z")
    assert runs["runtime_s"].tolist() == [312.0, 20.0, 100.0]
    assert runs["lr"].tolist() == [0.001, 0.1, 1e-4]
    assert runs["optimizer.name"].tolist() == ["adam", "sgd", "adam"]
    assert runs["layers"].iloc[0] == '["conv", "fc"]'
    assert np.isnan(runs["val_loss"].iloc[1]) and np.isnan(runs["val_loss"].iloc[2])
    assert runs["tags"].iloc[1] == "baseline"
    assert sweep.warnings == []


def test_reordered_export_with_id_column(tmp_path):
    header = ["ID", "Name", "Created", "Runtime", "End Time", "State", "Tags", "lr", "val_acc"]
    rows = [["r1", "a", "2025-01-01T00:00:00.000Z", "60", "2025-01-01T00:01:00.000Z",
             "finished", "", "0.1", "0.8"],
            ["r2", "b", "2025-01-01T00:02:00.000Z", "60", "2025-01-01T00:03:00.000Z",
             "failed", "", "0.2", "0.7"]]
    (sweep,) = load_source(str(write_wandb_export(tmp_path / "e.csv", rows, header=header)))
    assert sweep.runs["run_id"].tolist() == ["r1", "r2"]
    assert sweep.runs["finished_at"].iloc[1] == pd.Timestamp("2025-01-01T00:03:00Z")


def test_export_with_several_sweeps_gives_one_sweep_each(tmp_path):
    rows = [[f"r{i}", "finished", "-", "u", "", "2025-01-01T00:00:00.000Z", "1",
             "s1" if i < 3 else "s2", str(i / 10), "adam", "[]", str(i), str(i)]
            for i in range(5)]
    sweeps = load_source(str(write_wandb_export(tmp_path / "two.csv", rows)))
    assert [(s.sweep_id, len(s.runs)) for s in sweeps] == [("s1", 3), ("s2", 2)]


@pytest.mark.parametrize("suffix", ["csv", "tsv", "json", "jsonl", "parquet"])
def test_generic_tables_read_the_same(tmp_path, suffix):
    frame = pd.DataFrame({"run_id": ["a", "b", "c"], "lr": [0.1, 0.01, 0.001],
                          "opt": ["adam", "sgd", "adam"], "val_loss": [0.3, 0.2, np.nan]})
    path = tmp_path / f"runs.{suffix}"
    if suffix == "csv":
        frame.to_csv(path, index=False)
    elif suffix == "tsv":
        frame.to_csv(path, index=False, sep="\t")
    elif suffix == "json":
        path.write_text(json.dumps({"runs": json.loads(frame.to_json(orient="records"))}))
    elif suffix == "jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_parquet(path)
    (sweep,) = load_source(str(path))
    assert sweep.runs["run_id"].tolist() == ["a", "b", "c"]
    assert sweep.runs["name"].tolist() == ["a", "b", "c"]
    assert sweep.runs["lr"].tolist() == [0.1, 0.01, 0.001]
    assert sweep.runs["opt"].tolist() == ["adam", "sgd", "adam"]
    assert np.isnan(sweep.runs["val_loss"].iloc[2])
    assert (sweep.runs["state"] == "finished").all()
    assert any("no state column" in w for w in sweep.warnings)


def test_api_dump_json_splits_config_and_summary(tmp_path):
    records = [{"id": "r1", "name": "a", "state": "finished",
                "config": {"lr": 0.1, "opt": {"name": "adam"}}, "summary": {"loss": 0.5}},
               {"id": "r2", "name": "b", "state": "finished",
                "config": {"lr": 0.2, "opt": {"name": "sgd"}}, "summary": {"loss": 0.4}}]
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(records))
    (sweep,) = load_source(str(path))
    assert sweep.param_names == ["lr", "opt.name"]
    assert sweep.metric_names == ["loss"]
    assert sweep.runs["opt.name"].tolist() == ["adam", "sgd"]


def test_numbers_parse_exactly_and_leniently(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("name,lr,val_loss,flag\n"
                    "a,0.0020072619709960073,Infinity,true\n"
                    "b,1e-05,-Infinity,false\n"
                    "c,-,nan,TRUE\n")
    (sweep,) = load_source(str(path))
    assert sweep.runs["lr"].iloc[0] == 0.0020072619709960073
    assert np.isnan(sweep.runs["lr"].iloc[2])
    # ±Infinity parse, then read as missing (no run can rank on them), with a warning
    assert np.isnan(sweep.runs["val_loss"].iloc[0]) and np.isnan(sweep.runs["val_loss"].iloc[1])
    assert any("'val_loss'" in w and "2 infinite" in w for w in sweep.warnings)
    assert sweep.runs["flag"].tolist() == [True, False, True]


def test_stray_text_in_a_numeric_column_is_missing_with_a_warning(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("name,lr,val_loss\n" + "".join(f"r{i},0.{i + 1},{i}\n" for i in range(9))
                    + "r9,oops,1\n")
    (sweep,) = load_source(str(path))
    assert np.isnan(sweep.runs["lr"].iloc[9]) and sweep.runs["lr"].iloc[0] == 0.1
    assert any("column 'lr'" in w and "'oops'" in w for w in sweep.warnings)


def test_mostly_text_column_stays_text(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("name,arch,val_loss\na,resnet,1\nb,vit,2\nc,3,3\n")
    (sweep,) = load_source(str(path))
    assert sweep.runs["arch"].tolist() == ["resnet", "vit", "3"]


def test_duplicate_run_ids_keep_the_first(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("run_id,val_loss\na,1\nb,2\na,3\n")
    (sweep,) = load_source(str(path))
    assert sweep.runs["run_id"].tolist() == ["a", "b"]
    assert sweep.runs["val_loss"].tolist() == [1.0, 2.0]
    assert any("1 duplicate run id(s) (e.g. 'a')" in w for w in sweep.warnings)


def test_sources_decline_what_is_not_theirs(tmp_path):
    assert exports.load("demo:random") is None
    assert exports.load(str(tmp_path)) is None
    assert exports.load("wandb://a/b/c") is None


def test_panel_export_is_refused_with_advice(tmp_path):
    path = tmp_path / "wandb_export_2025.csv"
    path.write_text('"Step","run-a - loss","run-a - loss__MIN","run-a - loss__MAX"\n'
                    '"0","1","1","1"\n')
    with pytest.raises(SourceError, match="line-plot panel export.*export the runs table"):
        load_source(str(path))
