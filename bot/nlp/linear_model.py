"""A softmax linear model over sentence embeddings, shared by the safety classifier and the
meaning stage. Plain NumPy; trained with scikit-learn's logistic regression by their
training code."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class LinearModel:
    """A softmax over ``x @ coef.T + intercept``."""

    labels: tuple[str, ...]
    coef: npt.NDArray[np.float64]
    intercept: npt.NDArray[np.float64]

    def probabilities(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """Class probabilities for each row of ``x``."""
        scores = x.astype(np.float64) @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        result: npt.NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
        return result
