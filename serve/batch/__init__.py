"""python -m serve.batch input=<jsonl | .txt folder | Parquet | labelled file> output=<folder>

Bulk NER: every document of the input through the same engine, post-processing chain and
enrichment as ``python -m serve``, into a folder of shards committed exactly once
(:mod:`serve.batch.shards`), on this machine (``engine=local``) or on Ray Data actor
pools (``engine=ray``). The modules: ``inputs`` (readers), ``shards`` (output, manifest,
resume), ``results`` (one document's result), ``job`` (checks, progress, summary),
``ray_engine`` (the Ray driver), ``settings`` (the Hydra schema).
"""

from serve.batch.inputs import BatchError
from serve.batch.job import run
from serve.batch.settings import model_argument_as_uri, store_schema

__all__ = ["BatchError", "model_argument_as_uri", "run", "store_schema"]
