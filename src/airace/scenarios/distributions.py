"""Parameter distributions, sampled by inverse CDF from one uniform draw per path.

Every parameter of a path is a function of one uniform number ``u`` in (0, 1). That makes the
engine easy to reason about: the same ``u`` gives the same value (reproducibility), a
parameter given year by year maps the same ``u`` through each year's quantile function (so a
path that is optimistic about 2026 is optimistic about 2027 too: comonotone years), the
sensitivity analysis ranks outputs against ``u`` directly, and a tornado sets ``u`` to 0.05 or
0.95. numpy has no inverse normal CDF, so :func:`ndtri` implements Acklam's rational
approximation (relative error below 1.2e-9, far inside Monte-Carlo error).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Z95 = 1.6448536269514722  # standard normal 95th percentile

_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_B = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
)
_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
_P_LOW = 0.02425


def _poly(coefs: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    out = np.full_like(x, coefs[0])
    for c in coefs[1:]:
        out = out * x + c
    return out


def ndtri(u: np.ndarray | float) -> np.ndarray:
    """Inverse standard normal CDF (Acklam's algorithm), vectorised; u must be in (0, 1)."""
    u = np.asarray(u, dtype=float)
    out = np.empty_like(u)
    low = u < _P_LOW
    high = u > 1 - _P_LOW
    mid = ~(low | high)
    if mid.any():
        q = u[mid] - 0.5
        r = q * q
        out[mid] = _poly(_A, r) * q / (_poly(_B, r) * r + 1.0)
    for mask, sign, tail in ((low, 1.0, u[low]), (high, -1.0, 1.0 - u[high])):
        if mask.any():
            q = np.sqrt(-2.0 * np.log(tail))
            out[mask] = sign * _poly(_C, q) / (_poly(_D, q) * q + 1.0)
    return out


@dataclass(frozen=True)
class Fixed:
    value: float
    kind: str = "fixed"

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.full(np.shape(u), float(self.value))

    def quantiles(self) -> tuple[float, float, float]:
        return (self.value, self.value, self.value)


@dataclass(frozen=True)
class Uniform:
    low: float
    high: float
    kind: str = "uniform"

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * np.asarray(u, dtype=float)

    def quantiles(self) -> tuple[float, float, float]:
        span = self.high - self.low
        return (self.low + 0.05 * span, self.low + 0.5 * span, self.low + 0.95 * span)


@dataclass(frozen=True)
class Triangular:
    low: float
    mode: float
    high: float
    kind: str = "triangular"

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        a, c, b = self.low, self.mode, self.high
        if b == a:
            return np.full(u.shape, a)
        cut = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1 - u) * (b - a) * (b - c))
        return np.where(u < cut, left, right)

    def quantiles(self) -> tuple[float, float, float]:
        q = self.ppf(np.array([0.05, 0.5, 0.95]))
        return (float(q[0]), float(q[1]), float(q[2]))


@dataclass(frozen=True)
class SplitLognormal:
    """A two-piece lognormal whose 5th, 50th and 95th percentiles are exactly p5, p50, p95.

    A single lognormal fixed by its median can match only one of the two outer quantiles when
    a source's range is asymmetric around its central figure (e.g. 10,000 / 140,000 / 400,000).
    The two-piece form uses log-scale ``sigma_low = ln(p50/p5) / z95`` below the median and
    ``sigma_high = ln(p95/p50) / z95`` above it, so all three quantiles are matched exactly
    and each half is the corresponding half of an ordinary lognormal.
    """

    p5: float
    p50: float
    p95: float
    kind: str = "lognormal"

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.from_z(ndtri(u))

    def from_z(self, z: np.ndarray) -> np.ndarray:
        """The value at standard-normal score ``z`` (lets callers reuse one ndtri call)."""
        sigma_low = np.log(self.p50 / self.p5) / Z95
        sigma_high = np.log(self.p95 / self.p50) / Z95
        return self.p50 * np.exp(z * np.where(z < 0, sigma_low, sigma_high))

    def quantiles(self) -> tuple[float, float, float]:
        return (self.p5, self.p50, self.p95)


@dataclass(frozen=True)
class Discrete:
    """Policy branches: branch i is taken when u falls in its slice of (0, 1)."""

    labels: tuple[str, ...]
    probabilities: tuple[float, ...]
    values: tuple[float, ...]
    kind: str = "discrete"

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.asarray(self.values, dtype=float)[self.branch(u)]

    def branch(self, u: np.ndarray) -> np.ndarray:
        edges = np.cumsum(self.probabilities)[:-1]
        return np.searchsorted(edges, np.asarray(u, dtype=float), side="right")

    def quantiles(self) -> tuple[float, float, float]:
        """5th, 50th, 95th percentiles of the value (branches sorted by value)."""
        order = np.argsort(self.values, kind="stable")
        values = np.asarray(self.values, dtype=float)[order]
        cum = np.cumsum(np.asarray(self.probabilities)[order])
        pick = np.searchsorted(cum, [0.05, 0.5, 0.95], side="left")
        q = values[np.minimum(pick, len(values) - 1)]
        return (float(q[0]), float(q[1]), float(q[2]))


Distribution = Fixed | Uniform | Triangular | SplitLognormal | Discrete
