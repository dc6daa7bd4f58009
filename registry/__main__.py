"""python -m registry action=register|promote|rollback|list [bundle=PATH] [data=...]

Exit status: 0 done; 2 the gate refused a promotion (the comparison table is printed,
aliases unchanged); 1 any other registry error (one line naming what and why).
"""

from __future__ import annotations

import sys

import hydra
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig

from nerkit.exitcodes import ExitCode
from nerkit.registry import PromotionRefused, RegistryError
from registry.run import run
from registry.settings import RegistryStageSettings

ConfigStore.instance().store(name="registry_schema", node=RegistryStageSettings)

EXIT_ERROR = ExitCode.FAILED
EXIT_REFUSED = ExitCode.REFUSED


def cli(cfg: DictConfig) -> ExitCode:
    """Run ``cfg.action``; the exit status (the table of a refused promotion is printed)."""
    from mlflow.exceptions import MlflowException

    try:
        run(cfg)
    except PromotionRefused as refused:
        print(refused.table)
        print(f"refused: {refused}", file=sys.stderr)
        return EXIT_REFUSED
    except (RegistryError, MlflowException) as err:
        print(f"registry error: {err}", file=sys.stderr)
        return EXIT_ERROR
    return ExitCode.OK


@hydra.main(version_base="1.3", config_path="../conf", config_name="registry")
def main(cfg: DictConfig) -> None:
    status = cli(cfg)
    if status:
        raise SystemExit(status)


if __name__ == "__main__":
    main()
