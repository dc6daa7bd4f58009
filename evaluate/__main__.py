"""python -m evaluate model=<bundle | runs:/... | models:/name@alias> [data=...]"""

from __future__ import annotations

import hydra
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig

from evaluate.run import run
from nerkit.settings import EvaluateSettings

ConfigStore.instance().store(name="evaluate_schema", node=EvaluateSettings)


@hydra.main(version_base="1.3", config_path="../conf", config_name="evaluate")
def main(cfg: DictConfig) -> float:
    return run(cfg)["f1"]


if __name__ == "__main__":
    main()
