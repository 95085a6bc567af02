"""Write real W&B offline runs with wandb itself (run in a subprocess by the tests)."""

from __future__ import annotations

import json
import os
import sys


def main(spec_path: str) -> None:
    spec = json.load(open(spec_path))
    os.environ.update({"WANDB_MODE": "offline", "WANDB_SILENT": "true",
                       "WANDB_DIR": spec["dir"], "WANDB_PROJECT": spec.get("project", "proj")})
    if spec.get("sweep_id"):
        os.environ["WANDB_SWEEP_ID"] = spec["sweep_id"]
    import wandb

    for run in spec["runs"]:
        # a fresh Settings per run: wandb.init writes the run's name into the object it gets
        settings = wandb.Settings(x_disable_meta=True, x_disable_stats=True,
                                  x_disable_machine_info=True, disable_git=True, save_code=False)
        wr = wandb.init(config=run["config"], name=run.get("name"), settings=settings,
                        tags=run.get("tags"))
        for step in run.get("history", []):
            wr.log(step)
        for key, value in run.get("summary", {}).items():
            wr.summary[key] = value
        wr.finish(exit_code=run.get("exit_code", 0))


if __name__ == "__main__":
    main(sys.argv[1])
