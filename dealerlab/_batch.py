"""One kernel, many stores' reports: what every store's notebook would compute for itself, computed once.

A batch (``dealerlab report --all-stores``) runs every store's notebook in the same few kernels, on the same data
(one unpickled :class:`~dealerlab.data.dataset.Dataset` per kernel). Much of what a store's notebook computes is
either the same for every store (account tiers are fitted on every account of the group) or one store's rows of a
computation that works store by store (each store-month's figures, the funnel diagnosis of a store). Once the data
is registered (:func:`register`, done by :meth:`dealerlab.report.context.ReportContext.open` in a batch), such a
call computes its answer for every store of the batch the first time and later calls take their store's rows:

- :func:`across_stores` — ``fn(ds, stores=[...], **kw)`` whose rows of a store depend on that store's data only;
  the answer for ``stores`` is the rows of those stores of the answer for all of them, index renumbered.
- :func:`once` — ``fn(ds, **kw)`` that does not depend on the store asked about (the same answer for every store).

Without a registered batch (a single report, the course notebooks, the tests) both simply call ``fn``. Setting
the environment variable ``DEALERLAB_BATCH_CHECK=1`` computes both ways and raises AssertionError when the shared
answer is not exactly the store's own (the test of this module does so on the demo data).
"""

from __future__ import annotations

import datetime
import os
import weakref
from collections.abc import Callable, Iterable

__all__ = ["register", "unregister", "registered", "across_stores", "once"]

#: id(ds) → (weak reference to ds, the batch's stores, cache)
_SCOPES: dict[int, tuple[weakref.ref, tuple[str, ...], dict]] = {}


def register(ds, stores: Iterable[str]) -> None:
    """Declare that ``ds`` is the data of a batch of reports on ``stores`` (kept until ``ds`` is freed or
    :func:`unregister`); registering again with other stores starts a new cache."""
    stores = tuple(stores)
    key = id(ds)
    hit = _SCOPES.get(key)
    if hit is not None and hit[0]() is ds and hit[1] == stores:
        return
    _SCOPES[key] = (weakref.ref(ds, lambda _r, k=key: _SCOPES.pop(k, None)), stores, {})


def unregister(ds) -> None:
    """Forget the batch of ``ds`` and what was computed for it."""
    _SCOPES.pop(id(ds), None)


def registered(ds) -> bool:
    """Whether ``ds`` is the data of a registered batch (then :func:`across_stores` and :func:`once` share)."""
    return _scope(ds) is not None


def _scope(ds):
    hit = _SCOPES.get(id(ds))
    if hit is None or hit[0]() is not ds:
        return None
    return hit


def _frozen(value):
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, datetime.date):  # pandas' Timestamp too
        return (type(value).__name__, value.isoformat())
    raise TypeError(type(value).__name__)


def _key(fn: Callable, kwargs: dict):
    try:
        return (fn.__module__, fn.__qualname__, _frozen(kwargs))
    except TypeError:  # an argument that cannot be a key (a frame, an object): not shared
        return None


def _check() -> bool:
    return os.environ.get("DEALERLAB_BATCH_CHECK", "") not in ("", "0")


def _same(shared, own) -> None:
    import pandas as pd

    if isinstance(own, pd.DataFrame):
        pd.testing.assert_frame_equal(shared, own, check_exact=True)
    elif isinstance(own, tuple):
        assert isinstance(shared, tuple) and len(shared) == len(own), (shared, own)
        for a, b in zip(shared, own):
            _same(a, b)
    else:
        assert shared == own, (shared, own)


def across_stores(fn: Callable, ds, *, stores, **kwargs):
    """``fn(ds, stores=stores, **kwargs)`` (a DataFrame with a ``store_id`` column whose rows of a store depend on
    that store's data only): in a batch, the rows of ``stores`` of ``fn`` computed once for every store of the batch.

    Parameters
    ----------
    fn : callable
        ``fn(ds, *, stores, **kwargs) -> DataFrame``.
    ds : Dataset
        The data.
    stores : list of str or None
        The stores asked for (None: every store, computed directly).
    **kwargs
        The other arguments of ``fn`` (plain values: str, numbers, None, lists; anything else is not shared).

    Returns
    -------
    DataFrame
        What ``fn`` returns for ``stores``.
    """
    scope = _scope(ds)
    if scope is None or stores is None or isinstance(stores, str):
        return fn(ds, stores=stores, **kwargs)
    stores = list(stores)
    _, batch, cache = scope
    key = _key(fn, kwargs)
    if key is None or not stores or not set(stores) <= set(batch):
        return fn(ds, stores=stores, **kwargs)
    if key not in cache:
        cache[key] = fn(ds, stores=list(batch), **kwargs)
    full = cache[key]
    if len(stores) == 1:
        out = full[full["store_id"] == stores[0]]
    else:
        out = full[full["store_id"].isin(stores)]
    out = out.reset_index(drop=True)
    if _check():
        _same(out, fn(ds, stores=stores, **kwargs))
    return out


def _copy(value):
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value.copy() if hasattr(value, "copy") else value


def once(fn: Callable, ds, **kwargs):
    """``fn(ds, **kwargs)``, which does not depend on the store of the report: in a batch computed once and shared
    by every store's notebook (a copy each time, so a caller changing it changes nothing for the next).

    Parameters
    ----------
    fn : callable
        ``fn(ds, **kwargs) -> DataFrame`` (or a list, a tuple of them, a scalar).
    ds : Dataset
        The data.
    **kwargs
        The other arguments of ``fn`` (plain values; anything else is not shared).

    Returns
    -------
    DataFrame, list, tuple or scalar
        What ``fn`` returns (a copy of a DataFrame or list; a tuple's DataFrames and lists copied too).
    """
    scope = _scope(ds)
    key = None if scope is None else _key(fn, kwargs)
    if key is None:
        return fn(ds, **kwargs)
    cache = scope[2]
    if key not in cache:
        cache[key] = fn(ds, **kwargs)
    out = _copy(cache[key])
    if _check():
        _same(out, fn(ds, **kwargs))
    return out
