"""A softmax linear model over sentence embeddings, shared by the safety classifier and the
meaning stage. Plain NumPy; trained with scikit-learn's logistic regression by their
training code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

_Model = TypeVar("_Model", bound="LinearModel")


@dataclass(frozen=True)
class LinearModel:
    """A softmax over ``x @ coef.T + intercept``."""

    labels: tuple[str, ...]
    coef: npt.NDArray[np.float64]
    intercept: npt.NDArray[np.float64]

    def arrays(self, prefix: str = "") -> dict[str, npt.NDArray[Any]]:
        """The model as named arrays for ``np.savez`` (``<prefix>labels``, ...)."""
        return {
            f"{prefix}labels": np.array(self.labels),
            f"{prefix}coef": self.coef,
            f"{prefix}intercept": self.intercept,
        }

    @classmethod
    def from_arrays(cls: type[_Model], data: Mapping[str, Any], prefix: str = "") -> _Model:
        """The model :meth:`arrays` wrote (``data``: an ``np.load`` archive).

        Raises:
            KeyError: If one of the three arrays is missing.
        """
        return cls(
            tuple(str(label) for label in data[f"{prefix}labels"]),
            np.asarray(data[f"{prefix}coef"], dtype=np.float64),
            np.asarray(data[f"{prefix}intercept"], dtype=np.float64),
        )

    def probabilities(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """Class probabilities for each row of ``x``."""
        scores = x.astype(np.float64) @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        result: npt.NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
        return result
