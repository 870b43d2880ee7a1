"""Python values as the TOML that config files and `--set` take: a config dict becomes a
config file's text, keyword overrides become `section.key=value` lines. The C++ side
parses and validates both, so its error messages are the CLI's."""
import json
import math
import numbers
import re

import numpy as np

_SECTIONS = ("data", "model", "train")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(name):
    return name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)


def toml_value(value):
    """One value as TOML text: booleans, integers, floats, strings, lists, tables."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        f = float(value)
        if math.isnan(f):
            return "nan"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return repr(f)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # TOML basic strings escape as JSON does
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"config value {value!r}: a {type(value).__name__}, expected a number, string, "
                    "boolean, list or dict")


def config_text(config):
    """A config dict as TOML text, and its dotted keys ("train.lr") as override lines."""
    top, sections, dotted = [], [], []
    for key, value in config.items():
        if "." in key:
            dotted.append(f"{key}={toml_value(value)}")
        elif isinstance(value, dict):
            body = "".join(f"{_key(str(k))} = {toml_value(v)}\n" for k, v in value.items())
            sections.append(f"[{_key(key)}]\n{body}")
        else:
            top.append(f"{_key(key)} = {toml_value(value)}\n")
    return "".join(top) + "\n".join(sections), dotted


def override_lines(overrides):
    """Keyword overrides as `--set` lines: train_lr=0.05 and "train.lr"=0.05 both give
    train.lr=0.05 (the first word names the section)."""
    lines = []
    for key, value in overrides.items():
        if "." not in key:
            section, _, rest = key.partition("_")
            if section in _SECTIONS and rest:
                key = f"{section}.{rest}"
        lines.append(f"{key}={toml_value(value)}")
    return lines
