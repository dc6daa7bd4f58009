"""python -m evaluate model=<bundle | runs:/... | models:/name@alias> [data=...]"""

from __future__ import annotations

import sys

import hydra
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig

from evaluate.run import run
from nerkit.settings import EvaluateSettings

ConfigStore.instance().store(name="evaluate_schema", node=EvaluateSettings)


def model_argument_as_uri(argv: list[str]) -> list[str]:
    """Read ``model=X`` as ``model_uri=X``.

    ``conf/model/`` is the training model group, so Hydra would take ``model=X`` as a
    group choice; for evaluation the model is a bundle or MLflow URI instead.
    """
    return [f"model_uri={a[len('model=') :]}" if a.startswith("model=") else a for a in argv]


@hydra.main(version_base="1.3", config_path="../conf", config_name="evaluate")
def main(cfg: DictConfig) -> float:
    return run(cfg)["f1"]


if __name__ == "__main__":
    sys.argv = model_argument_as_uri(sys.argv)
    main()
