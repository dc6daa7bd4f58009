"""python -m train [model=...] [data=...] [window=...] [trainer.epochs=...] [-m for sweeps]

python -m train stage=pretrain data.unlabelled=PATH: continued MLM pretraining of the encoder.
"""

from __future__ import annotations

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from nerkit.settings import TrainSettings
from train.run import for_sweep_job, run

ConfigStore.instance().store(name="train_schema", node=TrainSettings)


def run_stage(cfg: DictConfig, job_num: int | None = None) -> float:
    """Run the stage ``cfg.stage`` names; returns the figure a sweep optimises (test F1 for
    finetune, held-out MLM loss for pretrain; nan on ranks other than 0)."""
    stage = str(cfg.stage)
    if stage == "finetune":
        figures = run(for_sweep_job(cfg, job_num))
        return float(figures.get("test_f1", float("nan")))
    if stage == "pretrain":
        from train import pretrain

        found = pretrain.run(pretrain.for_sweep_job(cfg, job_num))
        return float(found.get("best_eval_loss", float("nan")))
    raise ValueError(
        f"stage={stage!r} is not a stage; use stage=finetune (the default: fine-tune on "
        "labelled data) or stage=pretrain (continued masked-language-model pretraining of "
        "the encoder on data.unlabelled)"
    )


@hydra.main(version_base="1.3", config_path="../conf", config_name="train")
def main(cfg: DictConfig) -> float:
    hydra_cfg = HydraConfig.get()
    job_num = hydra_cfg.job.num if hydra_cfg.mode == RunMode.MULTIRUN else None
    return run_stage(cfg, job_num)


if __name__ == "__main__":
    main()
