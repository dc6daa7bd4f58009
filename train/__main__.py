"""python -m train [model=...] [data=...] [window=...] [trainer.epochs=...] [-m for sweeps]"""

from __future__ import annotations

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from nerkit.settings import TrainSettings
from train.run import for_sweep_job, run

ConfigStore.instance().store(name="train_schema", node=TrainSettings)


@hydra.main(version_base="1.3", config_path="../conf", config_name="train")
def main(cfg: DictConfig) -> float:
    hydra_cfg = HydraConfig.get()
    job_num = hydra_cfg.job.num if hydra_cfg.mode == RunMode.MULTIRUN else None
    figures = run(for_sweep_job(cfg, job_num))
    return float(figures.get("test_f1", float("nan")))  # nan on ranks other than 0


if __name__ == "__main__":
    main()
