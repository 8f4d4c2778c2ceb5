"""A reader's library as several interests rather than one centroid.

A reader who saves KV-cache papers and video-diffusion papers has two interests; averaging them gives a
profile that sits between both and matches neither. Library papers are grouped by average-linkage
agglomerative clustering on cosine distance: papers closer than ``MERGE_DISTANCE`` on average join one
interest, anything else stays its own. Items without a vector (an imported title we do not hold) are each
their own interest, carried by keyword evidence alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Average cosine similarity of 0.45 or more between two groups of MiniLM abstracts means "same subject"; the
# same value works for the TF-IDF fallback, whose same-subject pairs score lower but whose other pairs score
# near zero.
MERGE_DISTANCE = 0.55


def cluster(vectors: Sequence[np.ndarray | None]) -> list[list[int]]:
    """Groups of indices into ``vectors``, each group one interest; largest group first."""
    with_vector = [i for i, v in enumerate(vectors) if v is not None]
    groups: list[list[int]] = [[i] for i, v in enumerate(vectors) if v is None]
    if len(with_vector) == 1:
        groups.append(with_vector)
    elif with_vector:
        from scipy.cluster.hierarchy import fcluster, linkage

        matrix = np.stack([vectors[i] for i in with_vector]).astype(np.float64)  # type: ignore[misc]
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = matrix / np.where(norms == 0, 1, norms)
        labels = fcluster(
            linkage(matrix, method="average", metric="cosine"), MERGE_DISTANCE, criterion="distance"
        )
        by_label: dict[int, list[int]] = {}
        for index, label in zip(with_vector, labels, strict=True):
            by_label.setdefault(int(label), []).append(index)
        groups.extend(by_label.values())
    return sorted(groups, key=len, reverse=True)
