"""python -m train [model=...] [data=...] [window=...] [trainer.epochs=...] [-m for sweeps]"""

from __future__ import annotations

import hydra
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig

from nerkit.settings import TrainSettings
from train.run import run

ConfigStore.instance().store(name="train_schema", node=TrainSettings)


@hydra.main(version_base="1.3", config_path="../conf", config_name="train")
def main(cfg: DictConfig) -> float:
    return float(run(cfg)["test_f1"])


if __name__ == "__main__":
    main()
