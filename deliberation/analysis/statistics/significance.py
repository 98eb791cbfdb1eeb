"""Polis's z-tests of proportions, used by the repness and majority rules and the per-statement
figures. Source: compdemocracy/polis@08e03eb math/src/polismath/math/stats.clj."""

from __future__ import annotations

import numpy as np


def prop_test(succ, n):
    """One-proportion z-test against 1/2 with a +1 pseudo-count on both counts.

    Source: compdemocracy/polis@08e03eb math/src/polismath/math/stats.clj ``prop-test``:
    ``2 * sqrt(n+1) * ((succ+1)/(n+1) - 0.5)``.
    """
    succ = np.asarray(succ, dtype=np.float64) + 1.0
    n = np.asarray(n, dtype=np.float64) + 1.0
    return 2.0 * np.sqrt(n) * (succ / n - 0.5)


def two_prop_test(succ_in, succ_out, n_in, n_out):
    """Pooled two-proportion z-test, +1 added to all four counts; 0 when the pooled p is 1.

    Source: compdemocracy/polis@08e03eb math/src/polismath/math/stats.clj ``two-prop-test``.
    """
    s1 = np.asarray(succ_in, dtype=np.float64) + 1.0
    s2 = np.asarray(succ_out, dtype=np.float64) + 1.0
    n1 = np.asarray(n_in, dtype=np.float64) + 1.0
    n2 = np.asarray(n_out, dtype=np.float64) + 1.0
    pi1, pi2 = s1 / n1, s2 / n2
    pi_hat = (s1 + s2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (pi1 - pi2) / np.sqrt(pi_hat * (1.0 - pi_hat) * (1.0 / n1 + 1.0 / n2))
    return np.where(pi_hat == 1.0, 0.0, z)
