"""Search spaces: a W&B sweep config's `parameters` → ParamSpecs, or inference from the data."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reportgen.errors import ConfigError
from reportgen.levels import spans_decades
from reportgen.model import ParamSpec, SearchSpace

# distribution → (scale, bounds are natural-log exponents, bound transform)
_LOG_V1 = {"log_uniform", "q_log_uniform"}
_LOG_VALUES = {"log_uniform_values", "q_log_uniform_values", "inv_log_uniform_values"}
_NORMALS = {"normal", "q_normal", "log_normal", "q_log_normal"}
_BETAS = {"beta", "q_beta"}
DISTRIBUTIONS = (
    {"constant", "categorical", "categorical_w_probabilities", "int_uniform", "uniform",
     "q_uniform", "inv_log_uniform"}
    | _LOG_V1 | _LOG_VALUES | _NORMALS | _BETAS
)
LOG_DISTRIBUTIONS = _LOG_V1 | _LOG_VALUES | {"inv_log_uniform", "log_normal", "q_log_normal"}


#: What one sweep config may make reportgen hold: its size, and the values it expands to
#: (YAML anchors and aliases can make a small file stand for billions of values).
MAX_CONFIG_BYTES = 1_000_000
MAX_CONFIG_VALUES = 100_000
MAX_LEVELS = 10_000


def yaml_loader() -> type:
    """PyYAML's safe loader, reading as W&B's backend does: numbers such as `1e-6` (text to
    YAML 1.1) are numbers; dates stay the text they were written as; tags that make no JSON
    (`!!binary`, `!!set`, ...) are refused."""
    import re

    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
        list("-+0123456789"))
    Loader.add_constructor("tag:yaml.org,2002:timestamp",
                           lambda loader, node: loader.construct_scalar(node))

    def refuse(loader: yaml.SafeLoader, node: yaml.Node) -> None:
        raise yaml.constructor.ConstructorError(
            None, None, f"a {node.tag.rsplit(':', 1)[-1]} value is no JSON: W&B cannot read it",
            node.start_mark)

    for tag in ("binary", "set", "omap", "pairs"):
        Loader.add_constructor(f"tag:yaml.org,2002:{tag}", refuse)
    return Loader


def load_sweep_config(path: str | Path) -> dict[str, Any]:
    """Read a W&B sweep config (YAML or JSON) and check it: its size, what it expands to, its
    `metric`, `name` and `parameters`; a config nested under a top-level `sweep:` key is read
    too."""
    import yaml

    p = Path(path)
    try:
        if p.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"sweep config {p} is larger than {MAX_CONFIG_BYTES:,} bytes: a "
                              "sweep config is a short file; check the path")
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"sweep config {p} is not UTF-8 text: save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"cannot read sweep config {p}: {exc.strerror or exc}") from None
    try:
        config = yaml.load(text, Loader=yaml_loader())  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None)
        raise ConfigError(f"sweep config {p} is not valid YAML{where}"
                          + (f": {problem}" if problem else "")) from None
    except RecursionError:
        raise ConfigError(f"sweep config {p} nests too deeply") from None
    except ValueError as exc:  # an integer of thousands of digits
        raise ConfigError(f"sweep config {p} holds a value reportgen cannot read ("
                          f"{str(exc).split(';')[0]})") from None
    if _expanded_size(config) > MAX_CONFIG_VALUES:
        raise ConfigError(f"sweep config {p} expands to more than {MAX_CONFIG_VALUES:,} values "
                          "(YAML aliases repeating blocks?): refused")
    if not isinstance(config, dict):
        raise ConfigError(f"sweep config {p} must be a mapping with a 'parameters' key")
    if "parameters" not in config and isinstance(config.get("sweep"), dict):
        config = config["sweep"]
    if not isinstance(config.get("parameters"), dict) or not config["parameters"]:
        raise ConfigError(f"sweep config {p} has no 'parameters' mapping")
    check_head(config, str(p))
    space_from_config(config, origin=str(p))  # validates, naming the key
    return config


def check_head(config: dict[str, Any], origin: str) -> None:
    """`metric` is a mapping with a text `name` and a `goal` of minimize or maximize; `name`
    and `method` are text (a number or a date as a sweep's name is read as its text)."""
    metric = config.get("metric")
    if metric is not None:
        if not isinstance(metric, dict):
            raise ConfigError(f"{origin}: metric must be a mapping such as {{name: val_loss, "
                              f"goal: minimize}}, not {_short(metric)}")
        if not isinstance(metric.get("name"), str) or not metric["name"]:
            raise ConfigError(f"{origin}: metric.name must be the metric's name (text), not "
                              f"{_short(metric.get('name'))}")
        if metric.get("goal", "minimize") not in ("minimize", "maximize"):
            raise ConfigError(f"{origin}: metric.goal must be minimize or maximize, not "
                              f"{_short(metric.get('goal'))}")
    for key in ("name", "method"):
        value = config.get(key)
        if value is not None and not isinstance(value, str):
            if isinstance(value, (dict, list)):
                raise ConfigError(f"{origin}: {key} must be text, not {_short(value)}")
            config[key] = str(value)


def _expanded_size(tree: Any, limit: int = MAX_CONFIG_VALUES) -> int:
    """How many values `tree` holds once aliases are expanded (shared nodes counted each time
    they appear), counted without expanding; stops past `limit`."""
    memo: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if depth > 100:
            return limit + 1
        if not isinstance(node, (dict, list)):
            return 1
        if id(node) in memo:
            return memo[id(node)]
        children = node.values() if isinstance(node, dict) else node
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > limit:
                break
        memo[id(node)] = total
        return total

    return size(tree, 0)


def space_from_config(config: dict[str, Any], origin: str = "sweep config") -> SearchSpace:
    """The declared search space of a sweep config, nested `parameters:` flattened with dots."""
    params = config.get("parameters")
    if not isinstance(params, dict):
        raise ConfigError(f"{origin}: 'parameters' must be a mapping of parameter names")
    specs: list[ParamSpec] = []
    _flatten(params, "", specs, origin)
    return SearchSpace(tuple(specs), inferred=False)


def _flatten(params: dict[str, Any], prefix: str, out: list[ParamSpec], origin: str) -> None:
    for key, body in params.items():
        name = f"{prefix}{key}"
        if not isinstance(body, dict):
            raise ConfigError(
                f"{origin}: parameters.{name} must be a mapping such as {{values: [...]}}"
            )
        if "parameters" in body and "distribution" not in body:
            if not isinstance(body["parameters"], dict):
                raise ConfigError(f"{origin}: parameters.{name}.parameters must be a mapping")
            _flatten(body["parameters"], f"{name}.", out, origin)
        else:
            out.append(param_from_body(name, body, origin))


def _distribution(name: str, body: dict[str, Any], origin: str) -> str:
    """W&B's own inference when `distribution` is absent (sweeps/config/schema.json)."""
    dist = body.get("distribution")
    if dist is not None:
        if dist not in DISTRIBUTIONS:
            known = ", ".join(sorted(DISTRIBUTIONS))
            raise ConfigError(
                f"{origin}: parameters.{name}.distribution '{dist}' is not a W&B distribution "
                f"(one of {known})"
            )
        return str(dist)
    if "value" in body:
        return "constant"
    if "values" in body:
        return "categorical_w_probabilities" if "probabilities" in body else "categorical"
    if "min" in body and "max" in body:
        both_int = all(isinstance(body[k], int) and not isinstance(body[k], bool)
                       for k in ("min", "max"))
        return "int_uniform" if both_int else "uniform"
    raise ConfigError(
        f"{origin}: parameters.{name} needs 'value', 'values', or 'min' and 'max' "
        "(or a 'distribution')"
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(name: str, body: dict[str, Any], key: str, origin: str, default: float | None = None
            ) -> float:
    value = body.get(key, default)
    try:
        number = float(value) if _is_number(value) else math.nan  # type: ignore[arg-type]
    except OverflowError:  # an integer of hundreds of digits
        number = math.nan
    if not math.isfinite(number):
        raise ConfigError(f"{origin}: parameters.{name}.{key} must be a finite number; it is "
                          f"{_short(value)}")
    return number


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def param_from_body(name: str, body: dict[str, Any], origin: str = "sweep config") -> ParamSpec:
    """One declared parameter; bounds converted to value units (v1 log forms use exp())."""
    dist = _distribution(name, body, origin)
    if dist == "constant":
        if "value" not in body:
            raise ConfigError(f"{origin}: parameters.{name}.value is missing")
        return ParamSpec(name, "constant", levels=(body["value"],), distribution=dist,
                         declared=True)
    if dist in ("categorical", "categorical_w_probabilities"):
        values = body.get("values")
        if not isinstance(values, list) or not values:
            raise ConfigError(f"{origin}: parameters.{name}.values must be a non-empty list")
        if len(values) > MAX_LEVELS:
            raise ConfigError(f"{origin}: parameters.{name}.values lists {len(values):,} values; "
                              f"reportgen reads at most {MAX_LEVELS:,} levels of a parameter")
        if dist == "categorical_w_probabilities":
            probs = body.get("probabilities")
            if not isinstance(probs, list) or len(probs) != len(values) or not all(
                    _is_number(v) and 0 <= v < math.inf for v in probs) or not sum(probs) > 0:
                raise ConfigError(
                    f"{origin}: parameters.{name}.probabilities must list one number per value "
                    "(each at least 0, not all 0)"
                )
        levels = _distinct_levels(values) if dist == "categorical" \
            else tuple(_hashable(v) for v in values)
        kind = "bool" if all(isinstance(v, bool) for v in values) else "categorical"
        prior = (("probabilities", tuple(float(p) for p in body["probabilities"])),) \
            if dist == "categorical_w_probabilities" else ()
        return ParamSpec(name, kind, levels=levels, distribution=dist, declared=True,
                         prior=prior)
    q = body.get("q")
    if q is not None and not (_is_number(q) and 0 < q < math.inf):
        raise ConfigError(f"{origin}: parameters.{name}.q must be a positive number (the step "
                          f"values are rounded to); it is {q!r}")
    quantum = (("q", float(q)),) if q is not None else ()
    if dist in _NORMALS:
        mu = _number(name, body, "mu", origin, 0.0)
        sigma = _number(name, body, "sigma", origin, 1.0)
        if sigma <= 0:
            raise ConfigError(f"{origin}: parameters.{name}.sigma must be positive; it is "
                              f"{sigma:g}")
        scale = "log" if dist.startswith(("log", "q_log")) else "linear"
        return ParamSpec(name, "float", scale=scale, distribution=dist, declared=True,
                         prior=(("mu", mu), ("sigma", sigma)) + quantum)
    if dist in _BETAS:
        a = _number(name, body, "a", origin, 1.0)
        b = _number(name, body, "b", origin, 1.0)
        if a <= 0 or b <= 0:
            raise ConfigError(f"{origin}: parameters.{name}: the beta's a and b must be "
                              "positive")
        return ParamSpec(name, "float", low=0.0, high=1.0, distribution=dist, declared=True,
                         prior=(("a", a), ("b", b)) + quantum)
    low, high = _number(name, body, "min", origin), _number(name, body, "max", origin)
    if low >= high:
        raise ConfigError(
            f"{origin}: parameters.{name}: min ({low:g}) must be below max ({high:g})"
        )
    if not math.isfinite(high - low):
        raise ConfigError(f"{origin}: parameters.{name}: min and max are too far apart to "
                          "sample between (their difference overflows)")
    if dist in _LOG_V1 or dist == "inv_log_uniform":
        if max(abs(low), abs(high)) > 700:  # e^710 overflows a float
            raise ConfigError(
                f"{origin}: parameters.{name}: {dist} takes natural-log exponents as min and "
                f"max, and e^{high:g} overflows; for bounds in value units use "
                "log_uniform_values")
        low, high = (math.exp(low), math.exp(high)) if dist in _LOG_V1 \
            else (math.exp(-high), math.exp(-low))
    elif dist in _LOG_VALUES and low <= 0:
        raise ConfigError(f"{origin}: parameters.{name}.min must be positive for {dist}")
    is_int = dist == "int_uniform" or (
        dist.startswith("q_") and isinstance(q, int) and not isinstance(q, bool)
    )
    scale = "log" if dist in LOG_DISTRIBUTIONS else "linear"
    return ParamSpec(name, "int" if is_int else "float", scale=scale, low=low, high=high,
                     distribution=dist, declared=True, prior=quantum)


def _distinct_levels(values: list[Any]) -> tuple[Any, ...]:
    """The listed values, each once: `[1e-2, 0.01]` is one level, as W&B reads it."""
    seen: dict[Any, Any] = {}
    for v in values:
        level = _hashable(v)
        key = (type(level) is bool, level if not isinstance(level, (int, float))
               or isinstance(level, bool) else float(level))
        seen.setdefault(key, level)
    return tuple(seen.values())


def _hashable(value: Any) -> Any:
    """Lists and dicts as categorical levels are compared as their JSON text."""
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, sort_keys=True)
    return value


def infer_param(name: str, values: pd.Series) -> ParamSpec:
    """Kind and scale of an undeclared parameter, from its values (rules in README)."""
    present = values.dropna()
    numeric = pd.to_numeric(present, errors="coerce")
    if len(present) and present.map(lambda v: isinstance(v, (bool, np.bool_))).all():
        levels = tuple(sorted({bool(v) for v in present}))
        return ParamSpec(name, "bool" if len(levels) > 1 else "constant", levels=levels)
    if len(present) == 0 or numeric.isna().any():
        levels = tuple(sorted({_hashable(v) for v in present}, key=str))
        kind = "constant" if len(levels) <= 1 else "categorical"
        return ParamSpec(name, kind, levels=levels)
    distinct = np.unique(numeric.to_numpy(dtype=float))
    if len(distinct) <= 1:
        return ParamSpec(name, "constant", levels=(numeric.iloc[0].item(),))
    is_int = bool(np.all(np.mod(distinct, 1) == 0))
    wide = spans_decades(float(distinct[0]), float(distinct[-1]))
    # few distinct values, each repeated: a categorical grid of numbers
    if len(distinct) <= 6 and len(numeric) >= 2 * len(distinct) and not wide:
        numbers = tuple(int(v) if is_int else float(v) for v in distinct)
        return ParamSpec(name, "categorical", levels=numbers)
    scale = "log" if wide else "linear"
    return ParamSpec(name, "int" if is_int else "float", scale=scale,
                     low=float(distinct[0]), high=float(distinct[-1]))
