"""``python -m serve.batch``: exit status 2 when the job could not start (a bad setting,
input, output or model), reported before any document is read."""

from __future__ import annotations

import logging
import sys

import hydra
from omegaconf import DictConfig

from nerkit.exitcodes import ExitCode
from serve.batch.inputs import BatchError
from serve.batch.job import run
from serve.batch.settings import model_argument_as_uri, store_schema

EXIT_STARTUP_FAILED = ExitCode.NOT_STARTED
log = logging.getLogger("serve.batch")


@hydra.main(version_base="1.3", config_path="../../conf", config_name="batch")
def main(cfg: DictConfig) -> None:
    try:
        run(cfg)
    except BatchError as err:
        log.error("%s", err)
        raise SystemExit(EXIT_STARTUP_FAILED) from None


if __name__ == "__main__":
    store_schema()
    sys.argv = model_argument_as_uri(sys.argv)
    main()
