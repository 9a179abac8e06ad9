"""What the integrations share: a run's settings as a plain dict, checked on the driver."""
from __future__ import annotations

import dataclasses
from typing import Any

from restore.config import Config
from restore.errors import ConfigError


def config_dict(config: Config | dict | None) -> dict[str, Any]:
    """``config``'s fields as a plain dict, which pickles and logs simply (a dict is checked by
    building a Config from it, here, on the driver, so that a bad field fails before any worker or
    actor starts)."""
    if config is None:
        return {}
    if isinstance(config, Config):
        return {f.name: getattr(config, f.name) for f in dataclasses.fields(Config)}
    if not isinstance(config, dict):
        raise ConfigError(f"config must be a dict of Config fields (or a Config), got {type(config).__name__}")
    Config(**config)
    return dict(config)
